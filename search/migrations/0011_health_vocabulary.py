"""A multilingual health vocabulary: the field's acronyms and terms in English, French, Portuguese
and Spanish, in both directions, so a search in one language finds items written in another
(ranked below items in the reader's own words: a synonym weighs a little less than the word
typed). Seeded as search synonyms, which editors change in the admin (Settings → Search
synonyms) with no re-indexing. The data is here, not imported: a migration never changes."""

from django.db import migrations

GROUPS = [
    # Maternal and newborn health
    "PPH, postpartum haemorrhage, postpartum hemorrhage, hémorragie du post-partum, "
    "hémorragie post-partum, HPP, hemorragia pós-parto, hemorragia posparto",
    "kangaroo mother care, KMC, méthode mère kangourou, soins mère kangourou, método mãe canguru, "
    "método canguru, método madre canguro",
    "midwifery, obstétrique, maïeutique, obstetrícia, partería",
    "caesarean section, cesarean section, C-section, césarienne, cesariana, cesárea",
    "neonatal, newborn, néonatal, nouveau-né, recém-nascido, neonatal, recién nacido",
    "pre-eclampsia, preeclampsia, prééclampsie, pré-eclâmpsia, preeclampsia",
    # Infection prevention, safety of care
    "hand rub, handrub, alcohol-based hand rub, ABHR, solution hydroalcoolique, SHA, "
    "solução alcoólica, solución hidroalcohólica",
    "sterilisation, sterilization, stérilisation, esterilização, esterilización",
    "central sterile services department, CSSD, central sterilisation unit, stérilisation centrale, "
    "central de esterilização, central de esterilización",
    "surgical safety checklist, liste de contrôle de la sécurité chirurgicale, check-list de sécurité chirurgicale, "
    "lista de verificação de segurança cirúrgica, lista de verificación de la seguridad de la cirugía",
    "patient safety, sécurité des patients, segurança do doente, segurança do paciente, seguridad del paciente",
    "healthcare-associated infection, HAI, nosocomial infection, infection associée aux soins, IAS, "
    "infection nosocomiale, infeção associada aos cuidados de saúde, IACS, "
    "infección asociada a la atención sanitaria, IAAS",
    "screening, triage, dépistage, rastreio, triagem, tamizaje, cribado",
    "Ebola, Ebola virus disease, EVD, maladie à virus Ebola, MVE, doença por vírus Ébola, "
    "enfermedad por el virus del Ébola",
    "recovery, relèvement, rétablissement, recuperação, recuperación",
    "outbreak, épidémie, flambée, surto, brote",
    "pharmacovigilance, farmacovigilância, farmacovigilancia",
    "adverse event, adverse drug reaction, événement indésirable, effet indésirable, evento adverso, "
    "reação adversa, reacción adversa",
    # Medicines and procurement
    "stock-out, stockout, stock out, rupture de stock, rutura de stock, ruptura de estoque, "
    "rotura de stock, quiebre de stock, desabastecimiento, desabastecimento",
    "essential medicines, médicaments essentiels, medicamentos essenciais, medicamentos esenciales",
    "supply chain, chaîne d'approvisionnement, cadeia de abastecimento, cadeia de suprimentos, cadena de suministro",
    "procurement, achats, approvisionnement, aquisição, compras, adquisiciones",
    "cold chain, chaîne du froid, cadeia de frio, cadena de frío",
    "vaccine, vaccines, vaccin, vaccins, vacina, vacinas, vacuna, vacunas",
    "refrigerator, fridge, réfrigérateur, frigorífico, geladeira, refrigerador, nevera",
    "clinical pharmacy, pharmacie clinique, farmácia clínica, farmacia clínica",
    "pharmacist, pharmacists, pharmacien, pharmaciens, farmacêutico, farmacêuticos, farmacéutico, farmacéuticos",
    "medication reconciliation, conciliation médicamenteuse, reconciliação medicamentosa, "
    "reconciliação terapêutica, conciliación de la medicación, conciliación de medicamentos",
    "antimalarials, antimalarial, antipaludiques, antipaludéens, antimaláricos, antipalúdicos",
    "oxytocin, ocytocine, oxitocina",
    "laboratory reagents, reagents, réactifs, reagentes, reactivos",
    # Health workforce
    "health workers, health workforce, personnel de santé, agents de santé, profissionais de saúde, "
    "trabalhadores de saúde, personal de salud, trabajadores de la salud",
    "community health workers, CHW, agents de santé communautaire, ASC, agentes comunitários de saúde, "
    "agentes de saúde comunitária, agentes comunitarios de salud, promotores de salud",
    "mentoring, mentorship, tutorat, mentorat, mentoria, tutoria, mentoría, tutoría",
    "training, formation, formação, capacitação, capacitación, formación",
    "supervision, supervisão, supervisión",
    "continuing professional development, CPD, formation continue, développement professionnel continu, "
    "formação contínua, educação continuada, formación continua, desarrollo profesional continuo",
    "task shifting, task sharing, délégation des tâches, transfert de tâches, delegação de tarefas, "
    "delegación de tareas",
    "doctor, doctors, physician, médecin, médecins, médico, médicos",
    # Health information systems
    "electronic medical record, EMR, electronic health record, EHR, dossier médical électronique, "
    "dossier patient informatisé, prontuário eletrónico, registo clínico eletrónico, historia clínica electrónica",
    "data quality, qualité des données, qualidade dos dados, calidad de los datos",
    "surveillance, vigilância, vigilancia",
    "telemedicine, telehealth, télémédecine, telemedicina, telessaúde, telesalud",
    "roll-out, rollout, déploiement, implantação, implementação, despliegue, implementación",
    # Diseases and care
    "hypertension, high blood pressure, hypertension artérielle, HTA, hipertensão, hipertensão arterial, "
    "hipertensión, hipertensión arterial",
    "diabetes, diabète, diabetes",
    "malaria, paludisme, malária, paludismo",
    "anaemia, anemia, anémie, anemia",
    "paediatric, pediatric, paediatrics, pediatrics, pédiatrie, pédiatrique, pediatria, pediátrico, pediatría",
    "cancer, oncology, oncologie, cancro, câncer, oncologia, cáncer, oncología",
    "mental health, santé mentale, saúde mental, salud mental",
    "emergency care, emergency department, urgences, soins d'urgence, urgência, serviço de urgência, "
    "urgencias, atención de urgencias",
    "intensive care, ICU, soins intensifs, réanimation, cuidados intensivos, UCI",
    "dialysis, dialyse, diálise, diálisis",
    "blood transfusion, transfusion sanguine, transfusão de sangue, transfusión sanguínea",
    # Partnerships and policy
    "twinning, hospital twinning, jumelage, jumelage hospitalier, geminação, geminação hospitalar, "
    "hermanamiento, hermanamiento hospitalario",
    "partnership, partenariat, parceria, asociación",
    "accreditation, accréditation, acreditação, acreditación",
    "universal health coverage, UHC, couverture sanitaire universelle, CSU, cobertura universal de saúde, "
    "cobertura sanitaria universal, cobertura universal de salud",
    "health policy, politique de santé, política de saúde, política sanitaria, política de salud",
    "guideline, guidelines, protocol, recommandations, protocole, diretrizes, protocolo, guía, guías",
]


# Groups seeded by 0003 in English and French, given their Portuguese and Spanish forms (only
# where an editor has not changed them since; TB's need none: tuberculose, tuberculosis).
EXTENDED = {
    "AMR, antimicrobial resistance, RAM, résistance aux antimicrobiens, resistencia antimicrobiana": (
        "AMR, antimicrobial resistance, RAM, résistance aux antimicrobiens, resistência antimicrobiana, "
        "resistência aos antimicrobianos, resistencia antimicrobiana, resistencia a los antimicrobianos"
    ),
    "IPC, infection prevention and control, infection prevention, PCI, prévention et contrôle des infections": (
        "IPC, infection prevention and control, infection prevention, PCI, prévention et contrôle des infections, "
        "prevenção e controlo de infeção, prevenção e controle de infecções, "
        "prevención y control de infecciones"
    ),
    "PMTCT, prevention of mother-to-child transmission, PTME, prévention de la transmission mère-enfant": (
        "PMTCT, prevention of mother-to-child transmission, PTME, prévention de la transmission mère-enfant, "
        "PTV, prevenção da transmissão vertical, prevención de la transmisión maternoinfantil"
    ),
    "HIS, health information system, health information systems, SIS, système d'information sanitaire": (
        "HIS, health information system, health information systems, SIS, système d'information sanitaire, "
        "sistema de informação de saúde, sistema de información sanitaria, sistema de información en salud"
    ),
    "SSI, surgical site infection, surgical site infections, ISO, infection du site opératoire": (
        "SSI, surgical site infection, surgical site infections, ISO, infection du site opératoire, "
        "infeção do local cirúrgico, infección del sitio quirúrgico, ISQ"
    ),
    "HRH, human resources for health, health workforce, RHS, ressources humaines en santé": (
        "HRH, human resources for health, health workforce, RHS, ressources humaines en santé, "
        "recursos humanos em saúde, recursos humanos en salud"
    ),
    "QI, quality improvement, amélioration de la qualité": (
        "QI, quality improvement, amélioration de la qualité, melhoria da qualidade, "
        "melhoria contínua da qualidade, mejora de la calidad"
    ),
    "ANC, antenatal care, CPN, consultation prénatale": (
        "ANC, antenatal care, prenatal care, CPN, consultation prénatale, soins prénatals, "
        "cuidados pré-natais, consulta pré-natal, atención prenatal, control prenatal"
    ),
    "PHC, primary health care, SSP, soins de santé primaires": (
        "PHC, primary health care, SSP, soins de santé primaires, cuidados de saúde primários, "
        "atenção primária à saúde, APS, atención primaria de salud, APS"
    ),
}


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for old, new in EXTENDED.items():
        SearchSynonym.objects.filter(terms=old).update(terms=new)
    for terms in GROUPS:
        SearchSynonym.objects.get_or_create(terms=terms)


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=GROUPS).delete()
    for old, new in EXTENDED.items():
        SearchSynonym.objects.filter(terms=new).update(terms=old)


class Migration(migrations.Migration):
    dependencies = [("search", "0010_retire_database_engine")]
    operations = [migrations.RunPython(seed, unseed)]
