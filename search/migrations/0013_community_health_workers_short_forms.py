"""Community health workers' short forms in Portuguese and Spanish: readers write `agentes
comunitários` (or `agentes comunitarios`, without the accent or in Spanish) more often than the
full `agentes comunitários de saúde`. Outside the group, such a search found only the items that
happen to hold both words (in the demo content none, so it fell back to items with either word).
Only the group as seeded (0011), if no editor has changed it since, is corrected. The data is
here, not imported: a migration never changes."""

from django.db import migrations

SEEDED = (
    "community health workers, CHW, agents de santé communautaire, ASC, agentes comunitários de saúde, "
    "agentes de saúde comunitária, agentes comunitarios de salud, promotores de salud"
)
CORRECTED = (
    "community health workers, CHW, agents de santé communautaire, ASC, agentes comunitários de saúde, "
    "agentes comunitários, agentes de saúde comunitária, agentes comunitarios de salud, agentes comunitarios, "
    "promotores de salud"
)


def correct(apps, schema_editor):
    apps.get_model("search", "SearchSynonym").objects.filter(terms=SEEDED).update(terms=CORRECTED)


def restore(apps, schema_editor):
    apps.get_model("search", "SearchSynonym").objects.filter(terms=CORRECTED).update(terms=SEEDED)


class Migration(migrations.Migration):
    dependencies = [("search", "0012_general_health_vocabulary")]
    operations = [migrations.RunPython(correct, restore)]
