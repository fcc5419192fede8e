"""The two databases' full-text indexes behind one small interface.

Both index the same pre-analysed text (folded surface words for title and body, and Snowball
stems): SQLite in an FTS5 table ranked by BM25, PostgreSQL in tsvector columns with GIN
indexes ranked by ts_rank. Only words made of letters and digits reach a query, so user input
can never form query syntax.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection


@dataclass
class ClauseTerms:
    """What one clause of the user's text may match: any surface word, phrase or stem."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)


def _quoted(terms) -> list[str]:
    return [f'"{term}"' for term in terms]


class SqliteFullText:
    TABLE = "search_fts"
    # Titles alone, for autocomplete: FTS5 keeps one list of documents per word or prefix for all
    # columns, so a prefix of two letters in the main table names nearly every document.
    TITLES = "search_fts_title"
    # Title weighs most; body words and stems count alike.
    RANK = f"bm25({TABLE}, 10.0, 1.0, 1.0)"
    # Autocomplete ranks the most recently added titles that match, no more: the cost of a
    # two-letter prefix stays the same whatever the size of the library.
    AUTOCOMPLETE_CANDIDATES = 200

    # FTS5 buffers a transaction's new terms in memory up to this size before writing a segment:
    # larger means fewer segments to merge in a rebuild (a fifth faster than the 1 MB default).
    HASH_SIZE = 16 * 1024 * 1024
    # Rank keys of up to this many documents are looked up one by one (`keys_of`).
    FEW_LOOKUPS = 3

    def definition(self, table: str = TABLE) -> str:
        # No prefix index: prefixes are only looked up in the titles table.
        return (
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            "title, body, stems, tokenize = 'unicode61 remove_diacritics 2')"
        )

    def create(self, cursor) -> None:
        cursor.execute(self.definition())
        cursor.execute(f"INSERT INTO {self.TABLE}({self.TABLE}, rank) VALUES ('hashsize', %s)", [self.HASH_SIZE])
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.TITLES} USING fts5("
            "title, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )

    def drop(self, cursor) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {self.TITLES}")

    @contextmanager
    def rebuilding(self, cursor):
        """Debian's SQLite zeroes every page it frees (SECURE_DELETE): dropping and emptying the
        old index wrote hundreds of megabytes of zeros (5 s of a 10,000-item rebuild). The
        index holds only published text, so a rebuild frees pages without zeroing them."""
        cursor.execute("PRAGMA secure_delete")
        previous = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA secure_delete = FAST")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA secure_delete = {previous}")

    def write(self, cursor, rows: list[tuple[int, str, str, str]]) -> None:
        self.remove(cursor, [row[0] for row in rows])
        cursor.executemany(f"INSERT INTO {self.TABLE}(rowid, title, body, stems) VALUES (%s, %s, %s, %s)", rows)
        cursor.executemany(f"INSERT INTO {self.TITLES}(rowid, title) VALUES (%s, %s)", [row[:2] for row in rows])

    def remove(self, cursor, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for table in (self.TABLE, self.TITLES):
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)

    def clear(self, cursor) -> None:
        # Dropping the tables instead of deleting every row, which FTS5 does term by term (8 s at
        # 10,000 items); in the rebuild's transaction, readers keep the old tables.
        self.drop(cursor)
        self.create(cursor)

    def _clause(self, terms: ClauseTerms) -> str:
        parts = []
        surface = _quoted(terms.words) + _quoted(" ".join(phrase) for phrase in terms.phrases)
        if surface:
            parts.append("{title body} : (" + " OR ".join(surface) + ")")
        if terms.stems:
            parts.append("stems : (" + " OR ".join(_quoted(terms.stems)) + ")")
        return "(" + " OR ".join(parts) + ")"

    def match(self, clauses: list[ClauseTerms], require_all: bool = True) -> tuple[str, list]:
        expression = (" AND " if require_all else " OR ").join(self._clause(c) for c in clauses)
        return f"SELECT rowid FROM {self.TABLE} WHERE {self.TABLE} MATCH %s", [expression]

    def ranked(
        self, clauses: list[ClauseTerms], require_all: bool, within: tuple[str, list] | None, limit: int, offset: int
    ) -> list[int]:
        """The best `limit` matches (after `offset`), among the ids `within` selects (None: all)."""
        return [pk for pk, _key in self.ranked_keys(clauses, require_all, within, limit, offset)]

    def ranked_keys(
        self, clauses: list[ClauseTerms], require_all: bool, within: tuple[str, list] | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        """As `ranked`, each id with its rank key (lower ranks first; ties go to the higher id)."""
        sql, params = self.match(clauses, require_all)
        sql = sql.replace("SELECT rowid FROM", f"SELECT rowid, {self.RANK} FROM", 1)
        if within is not None:
            # The unary + keeps SQLite from handing the rowid list to FTS5 as its index, which
            # re-runs the whole MATCH once per listed id (1.7 s instead of 15 ms at 1,000 items).
            sql += f" AND +rowid IN ({within[0]})"
            params = [*params, *within[1]]
        sql += " ORDER BY 2, rowid DESC LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit, offset])
            return [(pk, key) for pk, key in cursor.fetchall()]

    def keys_of(self, clauses: list[ClauseTerms], require_all: bool, ids: list[int]) -> dict[int, float]:
        """The rank keys of the given matching documents. FTS5 counts each word's documents for
        BM25 once per statement, which costs about what a pass over the matches does: a lookup
        per id (half the time of one filtered pass) while there are few, else that pass."""
        if len(ids) > self.FEW_LOOKUPS:
            return dict(self.ranked_keys(clauses, require_all, self.among(ids), len(ids), 0))
        sql, params = self.match(clauses, require_all)
        sql = sql.replace("SELECT rowid FROM", f"SELECT rowid, {self.RANK} FROM", 1) + " AND rowid = %s"
        keys = {}
        with connection.cursor() as cursor:
            for pk in ids:
                cursor.execute(sql, [*params, pk])
                keys.update(cursor.fetchall())
        return keys

    def matching_among(self, clauses: list[ClauseTerms], ids: list[int]) -> list[int]:
        """Those of a few documents that match every clause: one lookup each, since FTS5 finds one
        rowid in a term's list directly (a fraction of a millisecond), where a `rowid IN` list
        re-runs the whole query for each id and `+rowid IN` reads every match."""
        sql, params = self.match(clauses, True)
        found = []
        with connection.cursor() as cursor:
            for pk in ids:
                cursor.execute(f"{sql} AND rowid = %s", [*params, pk])
                found += [row[0] for row in cursor.fetchall()]
        return found

    @staticmethod
    def among(ids: list[int]) -> tuple[str, list]:
        """A subquery of the given ids, as one parameter whatever their number."""
        return "SELECT value FROM json_each(%s)", [json.dumps(ids)]

    def title_prefix(self, words: list[str], prefix: str, limit: int) -> list[int]:
        expression = " AND ".join([*_quoted(words), f'"{prefix}"*'])
        # FTS5 reads its matches in rowid order and stops at the inner LIMIT; only those are ranked.
        sql = (
            f"SELECT rowid FROM (SELECT rowid, rank FROM {self.TITLES} WHERE {self.TITLES} MATCH %s "
            f"ORDER BY rowid DESC LIMIT {self.AUTOCOMPLETE_CANDIDATES}) ORDER BY rank, rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, limit])
            return [row[0] for row in cursor.fetchall()]


class PostgresFullText:
    TABLE = "search_searchdocument"

    def create(self, cursor) -> None:
        cursor.execute(
            f"ALTER TABLE {self.TABLE} ADD COLUMN IF NOT EXISTS fts_surface tsvector, "
            "ADD COLUMN IF NOT EXISTS fts_stems tsvector"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS search_fts_surface ON {self.TABLE} USING gin (fts_surface)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS search_fts_stems ON {self.TABLE} USING gin (fts_stems)")

    def drop(self, cursor) -> None:
        cursor.execute(f"ALTER TABLE {self.TABLE} DROP COLUMN IF EXISTS fts_surface, DROP COLUMN IF EXISTS fts_stems")

    def write(self, cursor, rows: list[tuple[int, str, str, str]]) -> None:
        cursor.executemany(
            f"UPDATE {self.TABLE} SET fts_surface = setweight(to_tsvector('simple', %s), 'A') "
            "|| setweight(to_tsvector('simple', %s), 'D'), fts_stems = to_tsvector('simple', %s) WHERE id = %s",
            [(title, body, stems, pk) for pk, title, body, stems in rows],
        )

    @contextmanager
    def rebuilding(self, cursor):
        yield

    def remove(self, cursor, ids: list[int]) -> None:
        """The columns go with their row."""

    def clear(self, cursor) -> None:
        """The columns go with their rows."""

    @staticmethod
    def _surface(terms: ClauseTerms) -> str:
        return " | ".join([*terms.words, *("(" + " <-> ".join(phrase) + ")" for phrase in terms.phrases)])

    def _clause(self, terms: ClauseTerms) -> tuple[str, list]:
        parts, params = [], []
        if terms.words or terms.phrases:
            parts.append("fts_surface @@ to_tsquery('simple', %s)")
            params.append(self._surface(terms))
        if terms.stems:
            parts.append("fts_stems @@ to_tsquery('simple', %s)")
            params.append(" | ".join(terms.stems))
        return "(" + " OR ".join(parts) + ")", params

    def match(self, clauses: list[ClauseTerms], require_all: bool = True) -> tuple[str, list]:
        sqls, params = [], []
        for clause in clauses:
            sql, clause_params = self._clause(clause)
            sqls.append(sql)
            params += clause_params
        joined = (" AND " if require_all else " OR ").join(sqls)
        return f"SELECT id FROM {self.TABLE} WHERE {joined}", params

    def ranked(
        self, clauses: list[ClauseTerms], require_all: bool, within: tuple[str, list] | None, limit: int, offset: int
    ) -> list[int]:
        return [pk for pk, _key in self.ranked_keys(clauses, require_all, within, limit, offset)]

    def _rank(self, clauses: list[ClauseTerms]) -> tuple[str, list]:
        """The rank key, lower first: minus the ts_rank of every term of the query, ORed."""
        surface = " | ".join(filter(None, (self._surface(c) for c in clauses)))
        stems = " | ".join(stem for c in clauses for stem in c.stems)
        ranks, params = [], []
        if surface:
            ranks.append("ts_rank(fts_surface, to_tsquery('simple', %s))")
            params.append(surface)
        if stems:
            ranks.append("ts_rank(fts_stems, to_tsquery('simple', %s))")
            params.append(stems)
        return f"-({' + '.join(ranks) or '0'})", params

    def ranked_keys(
        self, clauses: list[ClauseTerms], require_all: bool, within: tuple[str, list] | None, limit: int, offset: int
    ) -> list[tuple[int, float]]:
        match_sql, match_params = self.match(clauses, require_all)
        within_sql, within_params = within or ("", [])
        rank_sql, rank_params = self._rank(clauses)
        if within_sql:
            match_sql += f" AND id IN ({within_sql})"
        sql = match_sql.replace("SELECT id FROM", f"SELECT id, {rank_sql} FROM", 1)
        sql += " ORDER BY 2, id DESC LIMIT %s OFFSET %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*rank_params, *match_params, *within_params, limit, offset])
            return [(pk, key) for pk, key in cursor.fetchall()]

    def keys_of(self, clauses: list[ClauseTerms], require_all: bool, ids: list[int]) -> dict[int, float]:
        """The rank keys of the given matching documents."""
        return dict(self.ranked_keys(clauses, require_all, self.among(ids), len(ids), 0))

    def matching_among(self, clauses: list[ClauseTerms], ids: list[int]) -> list[int]:
        """Those of the given documents that match every clause."""
        sql, params = self.match(clauses, True)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} AND id = ANY(%s)", [*params, ids])
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def among(ids: list[int]) -> tuple[str, list]:
        """A subquery of the given ids, as one parameter whatever their number."""
        return "SELECT unnest(%s::bigint[])", [ids]

    def title_prefix(self, words: list[str], prefix: str, limit: int) -> list[int]:
        query = " & ".join([*(f"{word}:A" for word in words), f"{prefix}:*A"])
        sql = (
            f"SELECT id FROM {self.TABLE} WHERE fts_surface @@ to_tsquery('simple', %s) "
            "ORDER BY ts_rank(fts_surface, to_tsquery('simple', %s)) DESC, id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, query, limit])
            return [row[0] for row in cursor.fetchall()]


def fulltext_for(vendor: str):
    if vendor == "postgresql":
        return PostgresFullText()
    if vendor == "sqlite":
        return SqliteFullText()
    raise NotImplementedError(f"The database search engine supports SQLite and PostgreSQL, not {vendor}.")
