"""The health vocabulary, continued: common terms of the field in English, French, Portuguese and
Spanish (each group works in every direction), and three seeded groups corrected.

- Written joined, hyphenated or apart (`stock-out`, `stockout`, `stock out`; `hand rub`,
  `handrub`) and inflected (`ruptures de stock`, `enfermeras`) a word meets its synonyms by a
  general rule now (search/query.py `forms`, the engines' joined fields), so the groups no longer
  list those spellings one by one.
- Screening (finding a disease in people without symptoms) and triage (sorting patients by
  urgency) were one group; they are two.

Only groups an editor has not changed since they were seeded are corrected. The data is here, not
imported: a migration never changes."""

from django.db import migrations

GROUPS = [
    "laboratory, laboratories, laboratoire, laboratoires, laboratório, laboratórios, laboratorio, laboratorios",
    "child, children, enfant, enfants, criança, crianças, niño, niños, niña, niñas",
    "surgery, surgical, chirurgie, chirurgical, chirurgicale, cirurgia, cirúrgico, cirúrgica, "
    "cirugía, quirúrgico, quirúrgica",
    "operating theatre, operating room, bloc opératoire, bloco operatório, sala de operações, quirófano",
    "checklist, check-list, liste de contrôle, liste de vérification, lista de verificação, "
    "lista de verificación",
    "medicines, medications, drugs, médicaments, medicamentos, fármacos",
    "formulary, formulaire thérapeutique, formulaire, formulário terapêutico, formulário, "
    "formulario terapéutico, formulario",
    "maternal death, maternal mortality, décès maternel, mortalité maternelle, morte materna, "
    "óbito materno, mortalidade materna, muerte materna, mortalidad materna",
    "audit, audits, auditoria, auditorias, auditoría, auditorías",
    "viral load, charge virale, carga viral",
    "blood culture, hémoculture, hemocultura, hemocultivo",
    "nursing, soins infirmiers, enfermagem, enfermería",
    "triage, triagem, triaje",
]

CORRECTED = {
    # 0003
    "midwife, midwives, sage-femme, sages-femmes, partera, parteira": (
        "midwife, midwives, sage-femme, sages-femmes, parteira, parteiras, partera, matrona, comadrona"
    ),
    "nurse, nurses, infirmier, infirmière, infirmiers, enfermera, enfermeiro": (
        "nurse, nurses, infirmier, infirmière, infirmiers, infirmières, enfermeiro, enfermeira, enfermero, enfermera"
    ),
    # 0011
    "screening, triage, dépistage, rastreio, triagem, tamizaje, cribado": (
        "screening, dépistage, rastreio, rastreamento, tamizaje, cribado"
    ),
    "hand rub, handrub, alcohol-based hand rub, ABHR, solution hydroalcoolique, SHA, "
    "solução alcoólica, solución hidroalcohólica": (
        "hand rub, alcohol-based hand rub, ABHR, solution hydroalcoolique, SHA, "
        "solução alcoólica, solución hidroalcohólica"
    ),
    "stock-out, stockout, stock out, rupture de stock, rutura de stock, ruptura de estoque, "
    "rotura de stock, quiebre de stock, desabastecimiento, desabastecimento": (
        "stock-out, rupture de stock, rutura de stock, ruptura de estoque, "
        "rotura de stock, quiebre de stock, desabastecimiento, desabastecimento"
    ),
    "roll-out, rollout, déploiement, implantação, implementação, despliegue, implementación": (
        "roll-out, déploiement, implantação, implementação, despliegue, implementación"
    ),
}


def seed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    for old, new in CORRECTED.items():
        SearchSynonym.objects.filter(terms=old).update(terms=new)
    for terms in GROUPS:
        SearchSynonym.objects.get_or_create(terms=terms)


def unseed(apps, schema_editor):
    SearchSynonym = apps.get_model("search", "SearchSynonym")
    SearchSynonym.objects.filter(terms__in=GROUPS).delete()
    for old, new in CORRECTED.items():
        SearchSynonym.objects.filter(terms=new).update(terms=old)


class Migration(migrations.Migration):
    dependencies = [("search", "0011_health_vocabulary")]
    operations = [migrations.RunPython(seed, unseed)]
