"""The Portuguese and Spanish locales, so that /pt/ and /es/ serve (English and French came with
0003). The language codes are written out: a migration never imports the settings that change."""

from django.db import migrations

CODES = ("pt", "es")


def add_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    for code in CODES:
        Locale.objects.get_or_create(language_code=code)


def remove_locales(apps, schema_editor):
    # Only locales nothing uses: a page or snippet in them keeps its locale.
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    for locale in Locale.objects.filter(language_code__in=CODES):
        if not Page.objects.filter(locale=locale).exists():
            locale.delete()


class Migration(migrations.Migration):
    dependencies = [("home", "0003_create_site")]
    operations = [migrations.RunPython(add_locales, remove_locales)]
