"""SQLite: a full-text table of titles alone, for autocomplete (see SqliteFullText.TITLES),
filled from the main one. PostgreSQL's weighted title lexemes need nothing new."""

from django.db import migrations

from search.engines.fulltext import SqliteFullText, fulltext_for


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        fulltext_for(schema_editor.connection.vendor).create(cursor)
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute(
                f"INSERT INTO {SqliteFullText.TITLES}(rowid, title) SELECT rowid, title FROM {SqliteFullText.TABLE}"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SqliteFullText.TITLES}")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_index_version")]
    operations = [migrations.RunPython(create, drop)]
