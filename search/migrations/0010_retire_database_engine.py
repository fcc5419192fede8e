"""The database search engine is retired (tantivy is the embedded engine): its documents, facet
values, vocabulary, version token, change log and full-text tables go, and on SQLite the file
gives their space back (VACUUM, outside a transaction: hence not atomic)."""

from django.db import migrations

DROP_FULLTEXT = {"sqlite": ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_fts_title"]}


def drop_fulltext(apps, schema_editor):
    # PostgreSQL's tsvector columns and their indexes go with the documents' table below.
    with schema_editor.connection.cursor() as cursor:
        for statement in DROP_FULLTEXT.get(schema_editor.connection.vendor, []):
            cursor.execute(statement)


def give_space_back(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("search", "0009_fulltext_without_prefixes")]

    operations = [
        migrations.RunPython(drop_fulltext, migrations.RunPython.noop),
        migrations.DeleteModel(name="SearchFacetValue"),
        migrations.DeleteModel(name="SearchDocument"),
        migrations.DeleteModel(name="SearchIndexChange"),
        migrations.DeleteModel(name="SearchIndexVersion"),
        migrations.DeleteModel(name="SearchTerm"),
        migrations.RunPython(give_space_back, migrations.RunPython.noop, elidable=True),
    ]
