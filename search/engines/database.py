"""The embedded engine: full text in the site's own database (SQLite FTS5 or PostgreSQL).

Documents, facet values and the vocabulary live in ordinary tables (search/models.py); the
full-text index is the database's own (engines/fulltext.py). Filters, counts and facet counts
are bitsets held in memory (engines/bitsets.py), read from the facet table, so they behave the
same on both databases.
"""

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial, reduce
from operator import and_, or_

from django.db import connection, transaction

from ..analysis import stems, stems_in_every_language, tokens
from ..models import SearchDocument, SearchFacetValue, SearchTerm
from ..query import FACET_FIELDS, FACETS, ParsedText, SearchQuery
from . import version
from .base import EngineResults, FacetCount, Hit, SearchEngine, Suggestion
from .bitsets import (
    FacetIndex,
    Members,
    all_of,
    clause_sets,
    facet_index,
    from_ids,
    ids_of,
    ranked_lists,
    related_lists,
    shared_values,
    to_bytes,
)
from .fulltext import ClauseTerms, fulltext_for
from .highlight import highlight
from .ranked import RankedWindow
from .version import IndexState
from .vocabulary import Vocabulary, is_vocabulary_word, vocabulary, vocabulary_words

logger = logging.getLogger(__name__)
BATCH = 500
RANKED_WINDOW = 100
# After a publication, cached matches and rankings are brought up to date by looking up the
# changed documents, one lookup each, when there are at most this many; else computed afresh.
CARRY_LIMIT = 100
SET_LOOKUP_COST = 500  # matches read from the full-text index in the time of one lookup by rowid
# A carried ranking keeps its documents' rank keys from the statistics (document count, average
# length, each word's document count) of the state it was computed in; it is computed afresh
# once the documents changed since exceed this share of the index, so that drift stays below
# what could reorder more than near-ties.
RANKING_DRIFT = 0.01
MORE_LIKE_THIS_TERMS = 12
# After a rebuild, the searches asked most recently are ranked again for the new index for up to
# this long before the command returns (engines/bitsets.py: recipes; search/indexing.py after a
# publication).
WARM_SECONDS = 60.0


def _facet_rows(document: dict) -> list[tuple[int, str, str]]:
    """(document id, facet, value) for each of the document's facet values."""
    rows = []
    for facet, field in FACET_FIELDS.items():
        values = document[field] if isinstance(document[field], list) else [document[field]]
        rows += [(document["id"], facet, str(v)) for v in values if v != ""]
    return rows


def _insert(cursor, model, fields: list[str], rows: list[tuple]) -> None:
    """Plain rows into a model's table, for the many small rows of indexing: bulk_create
    prepares each field of each object in Python, a third of a rebuild's writing time."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    values = ", ".join(["%s"] * len(fields))
    cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})", rows)  # noqa: S608


def _frozen(clauses: list[ClauseTerms]) -> tuple:
    """Clauses as a hashable value, for the recipes warmed after index changes (`warm`)."""
    return tuple((tuple(c.words), tuple(map(tuple, c.phrases)), tuple(c.stems)) for c in clauses)


def _thawed(frozen: tuple) -> list[ClauseTerms]:
    return [ClauseTerms(list(words), list(map(list, phrases)), list(stems)) for words, phrases, stems in frozen]


def _analysed(document: dict) -> tuple[tuple[int, str, str, str], set[str]]:
    """The document's full-text row (id, title words, body words, stems) and its vocabulary
    words, from one pass of the analyser over its text."""
    title = tokens(document["title"])
    text = tokens(f"{document['summary']}\n{document['body']}")
    body = text + tokens(f"{document['partnership_title']} {' '.join(document['tags'])}")
    words = title + body
    distinct = list(dict.fromkeys(words))  # a long text repeats its words: stem each once
    stem_of = dict(zip(distinct, stems(distinct, document["language"]), strict=True))
    row = (document["id"], " ".join(title), " ".join(body), " ".join(map(stem_of.__getitem__, words)))
    return row, set(filter(is_vocabulary_word, dict.fromkeys(title + text)))


class DatabaseEngine(SearchEngine):
    name = "database"

    @property
    def fulltext(self):
        return fulltext_for(connection.vendor)

    # Writing -------------------------------------------------------------------------------

    def _write(self, documents: list[dict], rows: list[tuple[int, str, str, str]]) -> None:
        SearchDocument.objects.bulk_create(
            [
                SearchDocument(
                    id=d["id"],
                    type=d["type"],
                    title=d["title"],
                    summary=d["summary"],
                    body=d["body"],
                    language=d["language"],
                    url=d["url"],
                    publication_date=d["publication_date"],
                    year=d["year"],
                    partnership=d["partnership"],
                    focus_areas=d["focus_areas"],
                    countries=d["countries"],
                    version=d["version"],
                )
                for d in documents
            ]
        )
        with connection.cursor() as cursor:
            facets = [row for document in documents for row in _facet_rows(document)]
            _insert(cursor, SearchFacetValue, ["document", "facet", "value"], facets)
            self.fulltext.write(cursor, rows)

    def _stored_words(self, ids: list[int]) -> Counter:
        words: Counter = Counter()
        for title, summary, body in SearchDocument.objects.filter(id__in=ids).values_list("title", "summary", "body"):
            words.update(vocabulary_words(f"{title}\n{summary}\n{body}"))
        return words

    def _remove(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            self.fulltext.remove(cursor, ids)
        SearchDocument.objects.filter(id__in=ids).delete()

    def prepare(self, document: dict) -> tuple[dict, tuple[int, str, str, str], set[str]]:
        return (document, *_analysed(document))

    def upsert(self, documents: list[dict]) -> None:
        for start in range(0, len(documents), BATCH):
            batch = documents[start : start + BATCH]
            ids = [d["id"] for d in batch]
            analysed = [_analysed(document) for document in batch]
            with transaction.atomic():
                delta = Counter()
                for _row, words in analysed:
                    delta.update(words)
                delta.subtract(self._stored_words(ids))
                self._remove(ids)
                self._write(batch, [row for row, _words in analysed])
                Vocabulary.apply(delta)
                version.record(ids)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        with transaction.atomic():
            delta = Counter()
            delta.subtract(self._stored_words(ids))
            self._remove(ids)
            Vocabulary.apply(delta)
            version.record(ids)

    def rebuild(self, prepared: Iterable[tuple[dict, tuple, set[str]]], progress: Callable[[int], None]) -> None:
        # One transaction: readers keep the old index (WAL / MVCC) until the new one commits.
        words: Counter = Counter()
        with transaction.atomic(), connection.cursor() as cursor, self.fulltext.rebuilding(cursor):
            self.fulltext.clear(cursor)
            # Plain DELETEs: Django's delete() reads every document's id first to cascade.
            for model in (SearchFacetValue, SearchDocument, SearchTerm):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            batch: list[dict] = []
            rows: list[tuple[int, str, str, str]] = []
            for document, row, document_words in prepared:
                batch.append(document)
                rows.append(row)
                words.update(document_words)
                if len(batch) == BATCH:
                    self._write(batch, rows)
                    progress(len(batch))
                    batch, rows = [], []
            if batch:
                self._write(batch, rows)
                progress(len(batch))
            _insert(cursor, SearchTerm, ["term", "documents", "length"], [(t, n, len(t)) for t, n in words.items()])
            version.bump()
            # What the processes shared belongs to the old index; how to compute the recent
            # searches again serves the new one (`warm`).
            transaction.on_commit(partial(shared_values.start_over, shared_values.recipes()))

    def warm(self, seconds: float = WARM_SECONDS) -> str:
        """The facet sets of the index, read once here and shared instead of by each process on
        its first search after a rebuild (about 2 s at 100,000 items); then the matches and
        rankings of the searches asked most recently, for as long as `seconds` allows: computed
        afresh after a rebuild, carried forward from the change log after a publication."""
        started = time.monotonic()
        state = version.current()
        index = facet_index(state)
        recipes = shared_values.recipes()
        warmed = 0
        with shared_values.warming_up():
            for recipe in recipes:
                if time.monotonic() - started > seconds:
                    break
                try:
                    self._warm(recipe, state, index)
                except (TypeError, ValueError):  # a recipe from another version of this code
                    logger.warning("Skipped a search recipe it could not read: %r", recipe)
                    continue
                warmed += 1
        return f"read the facet sets every process shares and warmed {warmed} of {len(recipes)} recent searches"

    def _warm(self, recipe: tuple, state: IndexState, index: FacetIndex) -> None:
        kind, clauses, *rest = recipe
        clauses = _thawed(clauses)
        if kind == "set":
            self._clause_set(clauses[0], state)
        else:
            require_all, window = rest
            self._top(clauses, require_all, window, self._matching(clauses, require_all, state, index), index)

    def indexed_versions(self) -> dict[int, str]:
        return dict(SearchDocument.objects.values_list("id", "version"))

    # Reading -------------------------------------------------------------------------------

    @staticmethod
    def _clause_terms(clause) -> ClauseTerms:
        terms = ClauseTerms()
        for alternative in clause.alternatives:
            words = tokens(" ".join(alternative.words))
            if len(words) > 1:
                terms.phrases.append(words)
            elif words:
                word = words[0]
                variants = [word] if vocabulary.known(word) else [word, *vocabulary.corrections(word)]
                for variant in variants:
                    if variant not in terms.words:
                        terms.words.append(variant)
                        terms.stems += sorted(stems_in_every_language(variant) - set(terms.stems))
        return terms

    @staticmethod
    def _filters(query: SearchQuery, index: FacetIndex) -> dict[str, int]:
        """The documents each active facet filter allows."""
        filters = {}
        for facet in FACETS:
            values = [str(v) for v in query.chosen(facet)]
            if values:
                filters[facet] = index.chosen(facet, values)
        if query.year_from or query.year_to:
            # The range belongs to the year facet: its counts show the other years too.
            years = index.years(query.year_from, query.year_to)
            filters["year"] = filters["year"] & years if "year" in filters else years
        return filters

    def _suggestion(self, parsed: ParsedText) -> str | None:
        words, changed = [], False
        for word in parsed.words:
            folded = tokens(word)
            if len(folded) == 1 and len(folded[0]) >= 3 and not vocabulary.known(folded[0]):
                corrections = vocabulary.corrections(folded[0], limit=1)
                if corrections:
                    words.append(corrections[0])
                    changed = True
                    continue
            words.append(word)
        return " ".join(words) if changed else None

    def _clause_set(self, terms: ClauseTerms, state: IndexState) -> int:
        """The documents one clause matches, from the full-text index; kept until the index
        changes, then brought up to date by looking up the changed documents alone."""
        sql, params = self.fulltext.match([terms], True)

        def read() -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return from_ids([row[0] for row in cursor.fetchall()])

        def carry(held: int, changed: set[int]) -> int | None:
            # A lookup costs about what reading SET_LOOKUP_COST matches does: a rare word's few
            # matches are read again, a common word's tens of thousands are not.
            if len(changed) > CARRY_LIMIT or len(changed) * SET_LOOKUP_COST > held.bit_count():
                return None
            return (held & ~from_ids(changed)) | from_ids(self.fulltext.matching_among([terms], sorted(changed)))

        return clause_sets.get(state, (sql, tuple(params)), read, carry, recipe=("set", _frozen([terms])))

    def _matching(self, clauses: list[ClauseTerms], require_all: bool, state: IndexState, index: FacetIndex) -> int:
        if not clauses:
            return index.everything
        sets = [self._clause_set(clause, state) for clause in clauses]
        # ANDed with every document: an id the full-text index still holds without its document
        # (rows deleted by hand) never counts and is never shown, never a 500.
        return index.everything & (reduce(and_, sets) if require_all else reduce(or_, sets))

    def _finds_anything(self, text: str, allowed: int, state: IndexState, index: FacetIndex) -> bool:
        from ..query import parse_text

        clauses = [self._clause_terms(c) for c in parse_text(text).clauses]
        return bool(self._matching(clauses, True, state, index) & allowed)

    def _top(
        self,
        clauses: list[ClauseTerms],
        require_all: bool,
        count: int,
        candidates: int,
        index: FacetIndex,
        narrow=False,
    ) -> tuple[list[int], bool]:
        """The best of the `candidates` (the query's matches, or with `narrow` the few a filter
        allows, handed to the full-text query) by relevance, at least `count` of them (whole
        windows of 100), and whether that is all of them. Kept as Solr's query result cache keeps
        them: ranking reads every match, and the next page or a repeated search needs no second
        ranking. After a change to the index, the window is brought up to date from the rank keys
        it holds and those of the changed candidates (engines/ranked.py)."""
        window = -(-count // RANKED_WINDOW) * RANKED_WINDOW
        sql, params = self.fulltext.match(clauses, require_all)
        key = (sql, tuple(params), window)
        if narrow:
            key += (hashlib.blake2b(to_bytes(candidates), digest_size=16).digest(),)

        def compute() -> RankedWindow:
            among = self.fulltext.among(list(ids_of(candidates))) if narrow else None
            return RankedWindow.of(self.fulltext.ranked_keys(clauses, require_all, among, window, 0), window)

        def carry(held: RankedWindow, changed: set[int]) -> RankedWindow | None:
            if held.drift + len(changed) > min(CARRY_LIMIT, int(index.everything.bit_count() * RANKING_DRIFT)):
                return None
            # The candidates are known already: a changed document not among them only leaves.
            members = Members(candidates)
            entering = sorted(pk for pk in changed if pk in members)
            keys = self.fulltext.keys_of(clauses, require_all, entering) if entering else {}
            return held.carried(changed, keys)

        # A narrow filter's ranking depends on the allowed set: not warmed after a rebuild.
        recipe = None if narrow else ("ranked", _frozen(clauses), require_all, window)
        ranked = ranked_lists.get(index.state, key, compute, carry, recipe=recipe)
        return ranked.ids, ranked.complete

    def _ranked(self, clauses, require_all: bool, wanted: int, total: int, matched: int, query, index: FacetIndex):
        """The page's ids by relevance among the `wanted` set (`total` documents of the `matched`)."""
        needed = query.offset + query.page_size
        if total == matched.bit_count():
            return self._top(clauses, require_all, needed, matched, index)[0][query.offset : needed]
        share = total / max(1, matched.bit_count())
        if share >= 0.1:
            # A broad filter: the best matches of all, then the allowed ones among them. FTS5 would
            # score every match either way, and checking tens of thousands of ids costs more.
            top, complete = self._top(clauses, require_all, int(needed / share * 1.5) + 20, matched, index)
            allowed = Members(wanted)
            ranked = [pk for pk in top if pk in allowed]
            if len(ranked) >= needed or complete:
                return ranked[query.offset : needed]
        # A narrow filter: the few allowed matches are handed to the full-text query.
        return self._top(clauses, require_all, needed, wanted, index, narrow=True)[0][query.offset : needed]

    def search(self, query: SearchQuery, parsed: ParsedText) -> EngineResults:
        state = version.current()  # the caches below are kept for one state of the index
        vocabulary.use(state)
        index = facet_index(state)
        clauses = [terms for terms in (self._clause_terms(c) for c in parsed.clauses) if terms.words or terms.phrases]
        filters = self._filters(query, index)
        allowed = all_of(filters.values(), index.everything)
        require_all, relaxed = True, False

        matched = self._matching(clauses, True, state, index)
        wanted = matched & allowed
        total = wanted.bit_count()
        if total == 0 and len(clauses) > 1:
            require_all, relaxed = False, True
            matched = self._matching(clauses, False, state, index)
            wanted = matched & allowed
            total = wanted.bit_count()

        if not total:
            ids = []
        elif clauses and query.sort == "relevance":
            ids = self._ranked(clauses, require_all, wanted, total, matched, query, index)
        else:
            ids = index.in_date_order(wanted, query.page_size, query.offset, oldest_first=query.sort == "oldest")

        words = {w for c in clauses for w in c.words} | {w for c in clauses for p in c.phrases for w in p}
        word_stems = {s for c in clauses for s in c.stems}
        rows = SearchDocument.objects.in_bulk(ids)
        hits = []
        # The full-text table is written with the documents, in one transaction; an id it still
        # holds without its document (rows deleted by hand) is skipped, never a 500.
        for row in (rows[pk] for pk in ids if pk in rows):
            hits.append(
                Hit(
                    id=row.id,
                    title=row.title,
                    url=row.url,
                    type=row.type,
                    summary=row.summary,
                    language=row.language,
                    publication_date=row.publication_date,
                    focus_areas=row.focus_areas,
                    countries=row.countries,
                    highlights=highlight(f"{row.summary}\n{row.body}", row.language, words, word_stems)
                    if words
                    else [],
                )
            )

        facets = self._facet_counts(matched, filters, index)

        suggestion = None
        if parsed:
            suggestion = self._suggestion(parsed)
            if suggestion and not self._finds_anything(suggestion, allowed, state, index):
                suggestion = None
        return EngineResults(total=total, hits=hits, facets=facets, suggestion=suggestion, relaxed=relaxed)

    @staticmethod
    def _facet_counts(matched: int, filters: dict[str, int], index: FacetIndex) -> dict[str, list[FacetCount]]:
        """Each facet counts the matches under every filter but its own."""
        under_every_filter = matched & all_of(filters.values(), index.everything)
        counts: dict[str, list[FacetCount]] = {}
        for facet in FACETS:
            base = under_every_filter
            if facet in filters:
                base = matched & all_of((bits for name, bits in filters.items() if name != facet), index.everything)
            found = [(value, (base & bits).bit_count()) for value, bits in index.values.get(facet, {}).items()]
            found.sort(key=lambda pair: (-pair[1], pair[0]))
            counts[facet] = [FacetCount(value, count) for value, count in found if count]
        return counts

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        words = tokens(prefix)
        if not words or len(words[-1]) < 2:
            return []
        ids = self.fulltext.title_prefix(words[:-1], words[-1], limit)
        rows = SearchDocument.objects.in_bulk(ids)
        return [Suggestion(rows[pk].title, rows[pk].url, rows[pk].type) for pk in ids if pk in rows]

    def more_like_this(self, item_id: int, limit: int = 4) -> list[int]:
        """Kept until the index changes, like a search's ranking: ranking the dozen distinctive
        words' matches took 40-70 ms at 100,000 items, on every view of an item's page."""
        return related_lists.get(version.current(), (item_id, limit), lambda: self._more_like_this(item_id, limit))

    def _more_like_this(self, item_id: int, limit: int) -> list[int]:
        document = SearchDocument.objects.filter(id=item_id).first()
        if document is None:
            return []
        candidates = Counter(
            w for w in tokens(f"{document.title} {document.title} {document.summary} {document.body}") if len(w) >= 4
        )
        total = SearchDocument.objects.count()
        known = dict(SearchTerm.objects.filter(term__in=list(candidates)).values_list("term", "documents"))
        # Distinctive words: present in this item, rare elsewhere (tf-idf-like, common words left out).
        scored = sorted(
            (count / known[word], word) for word, count in candidates.items() if 1 < known.get(word, 0) < total * 0.3
        )
        words = [word for _, word in scored[-MORE_LIKE_THIS_TERMS:]]
        if not words:
            return []
        clauses = [ClauseTerms(words=[word]) for word in words]
        # One more than asked for, the item itself left out after: excluding it in SQL made
        # FTS5 check every match against a subquery of all other ids.
        ranked = self.fulltext.ranked(clauses, False, None, limit + 1, 0)
        return [pk for pk in ranked if pk != item_id][:limit]
