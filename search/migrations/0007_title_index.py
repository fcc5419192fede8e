"""SQLite: a full-text table of titles alone, for the database engine's autocomplete, filled from
the main one. PostgreSQL's weighted title lexemes needed nothing new. The SQL it ran, kept here:
the engine is gone (0010 drops all of it)."""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_title USING fts5("
    "title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    "INSERT INTO search_fts_title(rowid, title) SELECT rowid, title FROM search_fts",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for statement in CREATE:
                cursor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_fts_title")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_index_version")]
    operations = [migrations.RunPython(create, drop)]
