"""Every ISO 3166-1 country with its UN M49 region and a map point, from the copy of
knowledge/data/countries.csv this migration was written with (0003_seed_countries.csv beside it):
the live file gains columns and corrections, which later migrations carry themselves."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

CSV_PATH = Path(__file__).with_suffix(".csv")


def seed(apps, schema_editor):
    Country = apps.get_model("knowledge", "Country")
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Country.objects.update_or_create(
                code=row["iso2"],
                defaults={
                    "iso3": row["iso3"],
                    "numeric": row["numeric"],
                    "name": row["name"],
                    "name_fr": row["name_fr"],
                    "region": row["region"],
                    "region_slug": slugify(row["region"]),
                    "subregion": row["subregion"],
                    "intermediate_region": row["intermediate_region"],
                    "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
                    "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_seed_focus_areas")]
    operations = [migrations.RunPython(seed, unseed)]
