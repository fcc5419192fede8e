"""The field's acronyms and their spelled-out forms, across the site's languages. Editors extend them."""

from django.db import migrations

GROUPS = [
    "HIV, AIDS, HIV/AIDS, VIH, SIDA, VIH/SIDA",
    "TB, tuberculosis, tuberculose",
    "AMR, antimicrobial resistance, RAM, résistance aux antimicrobiens, resistencia antimicrobiana",
    "IPC, infection prevention and control, infection prevention, PCI, prévention et contrôle des infections",
    "PMTCT, prevention of mother-to-child transmission, PTME, prévention de la transmission mère-enfant",
    "HIS, health information system, health information systems, SIS, système d'information sanitaire",
    "DHIS2, DHIS 2, district health information software",
    "SSI, surgical site infection, surgical site infections, ISO, infection du site opératoire",
    "ART, antiretroviral therapy, antiretroviral treatment, TAR, traitement antirétroviral",
    "EQA, external quality assessment, EEQ, évaluation externe de la qualité",
    "HRH, human resources for health, health workforce, RHS, ressources humaines en santé",
    "MoH, ministry of health, ministère de la santé, ministerio de salud, ministério da saúde",
    "NCD, NCDs, non-communicable diseases, MNT, maladies non transmissibles",
    "WASH, water sanitation and hygiene, EHA, eau hygiène et assainissement",
    "QI, quality improvement, amélioration de la qualité",
    "ANC, antenatal care, CPN, consultation prénatale",
    "PHC, primary health care, SSP, soins de santé primaires",
    "LMIC, LMICs, low- and middle-income countries",
    "SLMTA, strengthening laboratory management toward accreditation",
    "SLIPTA, stepwise laboratory quality improvement process towards accreditation",
    "hand hygiene, hygiène des mains, higiene de manos, higiene das mãos",
    "midwife, midwives, sage-femme, sages-femmes, partera, parteira",
    "nurse, nurses, infirmier, infirmière, infirmiers, enfermera, enfermeiro",
]


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for terms in GROUPS:
        SearchSynonym.objects.get_or_create(terms=terms)


def unseed(apps, schema_editor):
    apps.get_model("search", "SearchSynonym").objects.filter(terms__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]
    operations = [migrations.RunPython(seed, unseed)]
