"""Case study authors and outcomes written by code (the demo loader, the corpus) were stored
unnumbered (`sort_order` NULL); only the admin's form numbers them. PostgreSQL gives such rows back
in any order, so a case study's first author, its citation's, could change from one request to the
next. Each case study's rows are numbered in the order they were written (by id), after any that
are numbered already."""

from itertools import groupby

from django.db import migrations
from django.db.models import F

BATCH = 500


def number_rows(apps, schema_editor):
    for name in ("CaseStudyAuthor", "CaseStudyOutcome"):
        model = apps.get_model("knowledge", name)
        # Every row of the case studies with one unnumbered, in one query (a corpus holds tens
        # of thousands of case studies), each case study's rows together and in order.
        pages = model.objects.filter(sort_order=None).values("page_id")
        rows = model.objects.filter(page_id__in=pages).order_by("page_id", F("sort_order").asc(nulls_last=True), "pk")
        changed = []
        for _page_id, own in groupby(rows.only("pk", "page_id", "sort_order").iterator(), key=lambda row: row.page_id):
            for position, row in enumerate(own):
                if row.sort_order != position:
                    row.sort_order = position
                    changed.append(row)
        model.objects.bulk_update(changed, ["sort_order"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0010_translatable_outcomes")]

    operations = [migrations.RunPython(number_rows, migrations.RunPython.noop)]
