"""The database engine's full-text index: an FTS5 table on SQLite, tsvector columns on
PostgreSQL. The SQL it ran, kept here: the engine is gone (0010 drops all of it)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, stems, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 16777216)",
]
POSTGRESQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS fts_surface tsvector, "
    "ADD COLUMN IF NOT EXISTS fts_stems tsvector",
    "CREATE INDEX IF NOT EXISTS search_fts_surface ON search_searchdocument USING gin (fts_surface)",
    "CREATE INDEX IF NOT EXISTS search_fts_stems ON search_searchdocument USING gin (fts_stems)",
]
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],
    "postgresql": [
        "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS fts_surface, DROP COLUMN IF EXISTS fts_stems"
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for statement in statements.get(schema_editor.connection.vendor, []):
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRESQL}), _run(DROP))]
