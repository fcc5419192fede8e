"""The database's own full-text index: an FTS5 table on SQLite, tsvector columns on PostgreSQL."""

from django.db import migrations

from search.engines.fulltext import fulltext_for


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        fulltext_for(schema_editor.connection.vendor).create(cursor)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        fulltext_for(schema_editor.connection.vendor).drop(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
