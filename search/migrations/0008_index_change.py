"""The log of index changes behind incremental facet bitsets (see SearchIndexChange)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0007_title_index")]

    operations = [
        migrations.CreateModel(
            name="SearchIndexChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("document_id", models.BigIntegerField()),
            ],
        ),
    ]
