"""SQLite: the main full-text table lost the prefix indexes an early 0002 gave it (only
autocomplete used them, and it had the titles table of 0007). A table made by today's 0002 has
none, so this changes nothing there. The SQL it ran, kept here: the engine is gone (0010)."""

from django.db import migrations

COPY = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_new USING fts5("
    "title, body, stems, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts_new(rowid, title, body, stems) SELECT rowid, title, body, stems FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 16777216)",
]


def drop_prefixes(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
        row = cursor.fetchone()
        if row is None or "prefix" not in row[0]:
            return
        for statement in COPY:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_index_change")]
    operations = [migrations.RunPython(drop_prefixes, migrations.RunPython.noop)]
