"""Case study authors and outcomes written by code (the demo loader, the corpus) were stored
unnumbered (`sort_order` NULL); only the admin's form numbers them. PostgreSQL gives such rows back
in any order, so a case study's first author, its citation's, could change from one request to the
next. Each case study's rows are numbered in the order they were written (by id), after any that
are numbered already."""

from django.db import migrations
from django.db.models import F

BATCH = 500


def number_rows(apps, schema_editor):
    for name in ("CaseStudyAuthor", "CaseStudyOutcome"):
        model = apps.get_model("knowledge", name)
        pages = set(model.objects.filter(sort_order=None).values_list("page_id", flat=True))
        changed = []
        for page_id in pages:
            rows = model.objects.filter(page_id=page_id).order_by(F("sort_order").asc(nulls_last=True), "pk")
            for position, row in enumerate(rows):
                if row.sort_order != position:
                    row.sort_order = position
                    changed.append(row)
        model.objects.bulk_update(changed, ["sort_order"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0010_translatable_outcomes")]

    operations = [migrations.RunPython(number_rows, migrations.RunPython.noop)]
