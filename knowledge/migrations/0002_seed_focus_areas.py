"""The five focus areas of the alliance charter."""

from django.db import migrations

FOCUS_AREAS = [
    (
        "quality-and-safety-of-care",
        "Quality and safety of care",
        "Safer care for every patient: infection prevention and control, surgical and obstetric "
        "safety, laboratory quality and clinical governance.",
    ),
    (
        "health-workforce-capacity",
        "Health workforce capacity",
        "Training, mentoring and keeping the health workers services depend on: nurses, midwives, "
        "doctors, laboratory scientists, biomedical engineers and managers.",
    ),
    (
        "health-information-systems",
        "Health information systems",
        "Data people can act on: routine reporting, patient records, DHIS2, surveillance and the "
        "use of information for decisions.",
    ),
    (
        "medicines-and-procurement",
        "Medicines and procurement",
        "Reliable access to quality medicines and supplies: procurement, stock management, "
        "rational prescribing, antimicrobial stewardship and pharmacy practice.",
    ),
    (
        "health-policy",
        "Health policy",
        "Stronger health systems through evidence-informed policy, regulation, national "
        "strategies and the governance of partnerships.",
    ),
]


def seed(apps, schema_editor):
    FocusArea = apps.get_model("knowledge", "FocusArea")
    for order, (slug, name, description) in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "FocusArea").objects.filter(slug__in=[slug for slug, *_ in FOCUS_AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
