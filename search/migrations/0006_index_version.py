"""The index version token (see SearchIndexVersion), and the facet-count index goes: facet counts
come from in-memory bitsets now (engines/bitsets.py), so the index only slowed every write."""

import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("search", "SearchIndexVersion").objects.create(id=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_facet_count_index")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="searchfacetvalue", name="search_facet_counts"),
    ]
