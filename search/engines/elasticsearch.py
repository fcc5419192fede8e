"""The Elasticsearch engine: what a deployment switches on with ELASTICSEARCH_URL.

Built on the Elasticsearch DSL (`elasticsearch.dsl`): the indexes are DSL Documents
(elasticsearch_mapping.py), facets are the DSL's FacetedSearch, whose post-filter and filtered
aggregations give exactly the counts users expect (values of one facet OR-ed, facets AND-ed,
each facet counted with every filter but its own). Any failure to reach the cluster becomes
EngineUnavailable: search answers 503, every other page and publishing go on.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import FacetedSearch, Q, Search, TermsFacet
from rapidfuzz.distance import OSA

from ..analysis import TOKEN, tokens
from ..query import COUNTED_FACETS, FACET_FIELDS, Alternative, Clause, ParsedText, SearchQuery
from ..schema import ALTERNATIVES_TIE_BREAKER, EVERY_WORD_BONUS, JOINED_BOOST, PROXIMITY_SLOP, TEXT_FIELDS
from ..spelling import MIN_TYPO_LENGTH, allowed_edits
from .base import MATCHED_ELSEWHERE, EngineResults, EngineUnavailable, FacetCount, Hit, SearchEngine, Suggestion
from .elasticsearch_mapping import LANGUAGES, LIVE_SETTINGS, IndexNames, index_definition, new_version

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
FACET_SIZE = 100


def _weighted(name: str, boost: float) -> str:
    return name if boost == 1 else f"{name}^{boost:g}"


# Where a word may match, and how much each place counts (search/schema.py).
SURFACE_FIELDS = [_weighted(field.name, field.boost) for field in TEXT_FIELDS]
STEMMED_FIELDS = [_weighted(f"{field.name}.stemmed", field.boost) for field in TEXT_FIELDS if field.stemmed]
# Neighbouring words written as one (elasticsearch_mapping.py): `handrub` finds `hand rub`.
JOINED_FIELDS = [_weighted("joined", JOINED_BOOST)]
PROXIMITY_FIELDS = [_weighted(field.name, field.boost) for field in TEXT_FIELDS if field.spelling]
# The same edits as search/spelling.py: none under five letters, one up to seven, two beyond.
FUZZINESS = f"AUTO:{MIN_TYPO_LENGTH},8"
# Each fuzzy field expands a word into up to this many indexed terms, for every alternative of
# every clause: on the title and summary only, and few enough that a query of many words and
# synonyms stays far below `indices.query.bool.max_clause_count` on a small heap.
FUZZY_FIELDS = ["title^4", "summary^2"]
FUZZY_EXPANSIONS = 10
# A typo's candidates asked of the term suggester; the closest three are kept.
SPELLING_CANDIDATES = 5
# An index of ours that no alias points to is left by a rebuild or first write that died. One
# younger than this may be a rebuild still filling it (the same six hours after which a rebuild
# marker is ignored: IndexRebuild.STALE_AFTER_HOURS, search/models.py).
ORPHAN_AGE = datetime.timedelta(hours=6)
HIGHLIGHT = {
    "type": "fvh",
    "fragment_size": 220,
    "number_of_fragments": 2,
    "order": "score",
}
SOURCE_FIELDS = ["id", "title", "url", "type", "summary", "language", "publication_date", "focus_areas", "countries"]


def _alternative_queries(alternative: Alternative, typos: bool = True) -> list:
    """An alternative's queries; typo tolerance only for the words the reader typed (`typos`): a
    synonym is the vocabulary's word, spelt as editors wrote it."""
    text = " ".join(alternative.words)
    if alternative.is_phrase:
        # As written, and stemmed: a phrase finds its inflected forms (`ruptures de stock`).
        phrases = [
            Q("multi_match", query=text, type="phrase", fields=SURFACE_FIELDS),
            Q("multi_match", query=text, type="phrase", fields=STEMMED_FIELDS),
        ]
        if len(tokens(text)) == 2:  # two words (`hand rub`): also written as one
            phrases.append(_compound_query("".join(TOKEN.findall(text))))
        return phrases
    matches = [
        Q("multi_match", query=text, fields=SURFACE_FIELDS, operator="and"),
        Q("multi_match", query=text, fields=STEMMED_FIELDS, operator="and"),
    ]
    joined = text.replace("-", "")  # a hyphenated word also joined: `stock-out` -> `stockout`
    if len(tokens(joined)) == 1:
        matches.append(Q("multi_match", query=joined, fields=JOINED_FIELDS))
    if "-" in text:
        matches.append(Q("multi_match", query=joined, fields=[*SURFACE_FIELDS, *STEMMED_FIELDS]))
    if typos and allowed_edits(text):
        # A typo costs relevance: exact and stemmed matches rank above fuzzy ones.
        matches.append(
            Q(
                "multi_match",
                query=text,
                fields=FUZZY_FIELDS,
                operator="and",
                fuzziness=FUZZINESS,
                prefix_length=1,
                max_expansions=FUZZY_EXPANSIONS,
                boost=0.5,
            )
        )
    return matches


def _clause_query(clause: Clause):
    """Any of the clause's alternatives (the word or phrase typed, or a synonym): the best match
    counts, the others add a little (a dis_max, as the tantivy engine scores a clause)."""
    alternatives = []
    for position, alternative in enumerate(clause.alternatives):
        weight = clause.weight(position)
        boost = {} if weight == 1.0 else {"boost": round(weight, 4)}
        queries = _alternative_queries(alternative, typos=position == 0)
        alternatives.append(Q("bool", should=queries, minimum_should_match=1, **boost))
    for compound in clause.compounds:  # the word joined with its neighbour: `hand rub` -> `handrub`
        alternatives.append(_compound_query(compound))
    if len(alternatives) == 1:
        return alternatives[0]
    return Q("dis_max", queries=alternatives, tie_breaker=ALTERNATIVES_TIE_BREAKER)


def _compound_query(compound: str):
    return Q("multi_match", query=compound, fields=[*SURFACE_FIELDS, *STEMMED_FIELDS, *JOINED_FIELDS])


def text_query(parsed: ParsedText, minimum: int | None):
    """One bool clause per word or phrase the user typed, each satisfied by any of its synonyms;
    at least `minimum` of them (None: all), the items matching all of them first. Function words
    typed among others (`optional`) count only in the proximity phrase, never on their own."""
    required = [clause for clause in parsed.clauses if not clause.optional] or list(parsed.clauses)
    clauses = [_clause_query(clause) for clause in required]
    if minimum is None or minimum >= len(clauses):
        matching = [Q("bool", must=clauses)]
        should = []
    else:
        matching = [Q("bool", should=clauses, minimum_should_match=minimum)]
        should = [Q("constant_score", filter=Q("bool", must=clauses), boost=EVERY_WORD_BONUS)]
    words = [clause.alternatives[0].words for clause in parsed.clauses]
    if len(words) > 1 and all(len(typed) == 1 for typed in words):
        # Proximity: scoring only, a phrase query with slack over the words as typed.
        text = " ".join(typed[0] for typed in words)
        should.append(Q("multi_match", query=text, type="phrase", slop=PROXIMITY_SLOP, fields=PROXIMITY_FIELDS))
    if not should:
        return matching[0]
    return Q("bool", must=matching, should=should)


class ItemSearch(FacetedSearch):
    """The faceted search over every language's index (the read alias)."""

    facets = {
        name: TermsFacet(field=field, size=FACET_SIZE) for name, field in FACET_FIELDS.items() if name in COUNTED_FACETS
    }

    def __init__(self, client: Elasticsearch, index: str, query: SearchQuery, parsed: ParsedText, minimum: int | None):
        self.using, self.index = client, index
        self.parsed, self.minimum, self.search_query = parsed, minimum, query
        filters = {facet: [str(v) if facet != "year" else v for v in query.chosen(facet)] for facet in self.facets}
        super().__init__(
            query=query.text, filters={name: values for name, values in filters.items() if values}, sort=self._order()
        )

    def _order(self) -> list:
        if self.search_query.sort == "oldest":
            return [{"publication_date": "asc"}, {"id": "asc"}]
        if self.search_query.sort == "newest" or not self.parsed:
            return [{"publication_date": "desc"}, {"id": "desc"}]
        return ["_score", {"publication_date": "desc"}, {"id": "desc"}]

    def build_search(self):
        # The year range belongs to the year facet: its counts still show the other years.
        years = {}
        if self.search_query.year_from:
            years["gte"] = self.search_query.year_from
        if self.search_query.year_to:
            years["lte"] = self.search_query.year_to
        if years:
            chosen = self._filters.get("year")
            self._filters["year"] = Q("range", year=years) & chosen if chosen else Q("range", year=years)
        search = super().build_search().source(SOURCE_FIELDS).extra(track_total_hits=True)
        if self.search_query.readers:  # each item once: the version for the reader's language
            search = search.filter("terms", readers=list(self.search_query.readers))
        if not self.parsed:
            return search
        if self._order()[0] == "_score":
            # The four language indexes differ in size: scored with each one's own term
            # statistics, a word rare in French but common in English would rank French items
            # first for no reason. A first round trip gathers the statistics of all four.
            search = search.params(search_type="dfs_query_then_fetch")
        search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
        for field in ("summary", "body"):
            search = search.highlight(field, matched_fields=[field, f"{field}.stemmed"], **HIGHLIGHT)
        # Only whether they matched, to say where when the passages show nothing.
        for field in MATCHED_ELSEWHERE:
            search = search.highlight(field, type="unified", number_of_fragments=0)
        return search

    def count(self) -> int:
        """Items matching the text and every filter (the DSL's own count leaves out post-filters)."""
        search = self.query(self.search(), None)
        for condition in self._filters.values():
            search = search.filter(condition)
        return search.count()

    def query(self, search, query):
        if not self.parsed:
            return search
        return search.query(text_query(self.parsed, self.minimum))

    def execute(self):
        start = self.search_query.offset
        self._s = self._s[start : start + self.search_query.page_size]
        return super().execute()


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        index_prefix: str = "esther",
        timeout: float = 5,
        api_key: str | None = None,
        indexing_timeout: float = 120,
        bulk_retries: int = 4,
        bulk_backoff: float = 2,
    ):
        self.names = IndexNames(index_prefix)
        self.client = Elasticsearch(
            url, api_key=api_key or None, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
        # Creating indexes, bulk loads, refreshes and alias swaps take far longer than a search
        # may wait: they get their own timeout, so a rebuild is not cut short at five seconds.
        self.lifecycle = self.client.options(request_timeout=indexing_timeout)
        # A bulk item the cluster rejects as too busy (429) is sent again after 2, 4, 8, 16 s.
        self.bulk_retries, self.bulk_backoff = bulk_retries, bulk_backoff
        self._ready = False

    # Errors ---------------------------------------------------------------------------------

    def _call(self, action: Callable, *args, **kwargs):
        """Run a request; whatever keeps the cluster from answering becomes EngineUnavailable."""
        try:
            return action(*args, **kwargs)
        except NotFoundError as error:
            raise EngineUnavailable(
                f"the search index is missing ({error.message}); run `manage.py search_index rebuild`"
            ) from error
        except ApiError as error:
            if error.status_code < 500 and error.status_code != 429:
                logger.exception("Elasticsearch refused a request")
            raise EngineUnavailable(f"Elasticsearch answered {error.status_code}: {error.message}") from error
        except (TransportError, helpers.BulkIndexError) as error:
            raise EngineUnavailable(f"Elasticsearch cannot be reached: {error}") from error
        except helpers.ScanError as error:
            raise EngineUnavailable(f"Elasticsearch could not read every shard: {error}") from error

    # Index lifecycle ------------------------------------------------------------------------

    def _indexes(self) -> tuple[dict[str, str], list[str]]:
        """Language -> index behind its write alias; and our versioned indexes no alias points to."""
        # `GET <pattern>/_alias` lists every index the pattern matches, each with all its aliases
        # (none for an orphan); `GET _alias/<pattern>` would list only aliased indexes.
        found = self.lifecycle.indices.get_alias(index=self.names.pattern)
        by_alias = {self.names.write_alias(language): language for language in LANGUAGES}
        ours = {self.names.read_alias, *by_alias}
        current, unaliased = {}, []
        for index, body in found.body.items():
            if self.names.parse(index) is None:
                continue
            aliases = set(body.get("aliases", {}))
            current.update({by_alias[alias]: index for alias in aliases if alias in by_alias})
            if not aliases & ours:
                unaliased.append(index)
        return current, sorted(unaliased)

    def leftovers(self) -> list[str]:
        """Our indexes that no alias points to: left by a rebuild or first write that died."""
        return self._call(lambda: self._indexes()[1])

    def _create_indexes(self, names: dict[str, str], created: list[str], *, building: bool) -> None:
        for language, name in names.items():
            index_definition(name, language, building=building).create(using=self.lifecycle)
            created.append(name)

    def _drop(self, indexes: Iterable[str]) -> None:
        """Delete indexes on the way out of a failure, without hiding the failure."""
        indexes = list(indexes)
        if not indexes:
            return
        try:
            self.lifecycle.indices.delete(index=",".join(indexes), ignore_unavailable=True)
        except (ApiError, TransportError):
            logger.warning("Could not delete the indexes %s; the next rebuild removes them", indexes)

    def _point_aliases(self, new: dict[str, str], old: dict[str, str]) -> None:
        """Move the read and write aliases to `new` in one atomic request."""
        actions = [{"remove": {"index": index, "alias": self.names.read_alias}} for index in old.values()]
        actions += [{"remove": {"index": index, "alias": self.names.write_alias(lang)}} for lang, index in old.items()]
        for language, index in new.items():
            actions.append({"add": {"index": index, "alias": self.names.read_alias}})
            actions.append({"add": {"index": index, "alias": self.names.write_alias(language), "is_write_index": True}})
        self.lifecycle.indices.update_aliases(actions=actions)

    def _ensure_indexes(self) -> None:
        """Create the indexes on first use, so publishing works before any rebuild."""
        if self._ready:
            return
        if not self.lifecycle.indices.exists_alias(name=self.names.read_alias):
            version = new_version()
            new = {language: self.names.versioned(language, version) for language in LANGUAGES}
            created = []
            try:
                self._create_indexes(new, created, building=False)
                self._point_aliases(new, {})
            except ApiError:
                self._drop(created)
                # Another process got there first (its alias swap won, ours was refused as a
                # second write index): write through its indexes.
                if not self.lifecycle.indices.exists_alias(name=self.names.read_alias):
                    raise
        self._ready = True

    # Writing --------------------------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict], progress: Callable[[int], None] | None = None, **params) -> None:
        """Send `actions` in chunks. Items rejected as too busy (429) are retried with back-off;
        a delete finding nothing (404) is fine; any other refused item raises EngineUnavailable,
        so the queue keeps the update rather than losing it."""
        refused = []
        for ok, item in helpers.streaming_bulk(
            self.lifecycle,
            actions,
            chunk_size=BULK_CHUNK,
            max_retries=self.bulk_retries,
            initial_backoff=self.bulk_backoff,
            raise_on_error=False,
            **params,
        ):
            ((operation, result),) = item.items()
            if ok:
                if progress is not None and operation == "index":
                    progress(1)
            elif not (operation == "delete" and result.get("status") == 404):
                refused.append(result)
        if refused:
            first = refused[0]
            error = first.get("error") or {}
            raise EngineUnavailable(
                f"Elasticsearch refused {len(refused)} document(s), first {first.get('_id')} in "
                f"{first.get('_index')} ({first.get('status')} {error.get('type')}: {error.get('reason')})"
            )

    @staticmethod
    def _actions(documents: list[dict], names: Callable[[str], str]):
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": names(document["language"]),
                "_id": document["id"],
                "_source": _source(document),
            }
            # An item whose language changed must leave its old language's index.
            for language in LANGUAGES:
                if language != document["language"]:
                    yield {"_op_type": "delete", "_index": names(language), "_id": document["id"]}

    def upsert(self, documents: list[dict]) -> None:
        def run():
            self._ensure_indexes()
            # Through the write aliases only: were one missing, a cluster that auto-creates
            # indexes would make a concrete index of its name, and every later swap would fail.
            self._bulk(self._actions(documents, self.names.write_alias), refresh="wait_for", require_alias=True)

        self._call(run)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return

        def run():
            self._ensure_indexes()
            actions = (
                {"_op_type": "delete", "_index": self.names.write_alias(language), "_id": pk}
                for pk in ids
                for language in LANGUAGES
            )
            self._bulk(actions, refresh="wait_for")

        self._call(run)

    def rebuild(self, documents: Iterable[dict], progress: Callable[[int], None]) -> None:
        """Fill new versioned indexes, then swap the aliases atomically and drop the old ones,
        with any index an earlier rebuild left behind. `prepare` leaves documents as they are:
        Elasticsearch analyses them itself."""

        def run():
            old, unaliased = self._indexes()
            version = new_version()
            new = {language: self.names.versioned(language, version) for language in LANGUAGES}
            created = []
            try:
                self._create_indexes(new, created, building=True)
                self._bulk(self._actions_once(documents, new), progress)
                together = ",".join(new.values())
                self.lifecycle.indices.put_settings(index=together, settings=LIVE_SETTINGS)
                self.lifecycle.indices.refresh(index=together)
                self._point_aliases(new, old)
            except BaseException:
                self._drop(created)
                raise
            now = datetime.datetime.now(datetime.UTC)
            orphans = [index for index in unaliased if now - self.names.parse(index)[1] > ORPHAN_AGE]
            if old or orphans:
                self.lifecycle.indices.delete(index=",".join([*old.values(), *orphans]), ignore_unavailable=True)
            self._ready = True

        self._call(run)

    @staticmethod
    def _actions_once(documents: Iterable[dict], indexes: dict[str, str]):
        # Fresh indexes hold nothing to delete: one index action per document.
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": indexes[document["language"]],
                "_id": document["id"],
                "_source": _source(document),
            }

    def indexed_versions(self) -> dict[int, str]:
        def run():
            search = Search(using=self.client, index=self.names.read_alias).source(["version"]).params(size=BULK_CHUNK)
            return {int(hit.meta.id): hit.version for hit in search.scan()}

        return self._call(run)

    # Reading --------------------------------------------------------------------------------

    def search(self, query: SearchQuery, parsed: ParsedText, minimum: int | None = None) -> EngineResults:
        response = self._call(lambda: ItemSearch(self.client, self.names.read_alias, query, parsed, minimum).execute())
        facets = {
            name: [FacetCount(str(value), count) for value, count, _selected in values]
            for name, values in response.facets.to_dict().items()
        }
        return EngineResults(total=response.hits.total.value, hits=[_hit(hit) for hit in response.hits], facets=facets)

    def count(self, query: SearchQuery, parsed: ParsedText) -> int:
        return self._call(ItemSearch(self.client, self.names.read_alias, query, parsed, None).count)

    def spelling(self, words: list[str]) -> dict[str, list[str]]:
        """The term suggester over every indexed word (the `spelling` field), in one request
        with a count of each word across all four indexes. The suggester judges "missing" shard
        by shard, and each language's index is a shard: a word known in English but absent from
        the French index would get suggestions. So it suggests for every word, and a word any
        index holds is dropped."""
        words = [word for word in dict.fromkeys(words) if len(word) >= MIN_TYPO_LENGTH]
        if not words:
            return {}
        text = " ".join(words)
        starts, position = {}, 0
        for word in words:
            starts[position] = word
            position += len(word) + 1
        term = {"field": "spelling", "suggest_mode": "always", "max_edits": 2, "min_word_length": MIN_TYPO_LENGTH}
        search = Search(using=self.client, index=self.names.read_alias).extra(size=0)
        search = search.suggest("spelling", text, term={**term, "size": SPELLING_CANDIDATES})
        search.aggs.bucket("known", "filters", filters={word: Q("term", spelling=word) for word in words})
        response = self._call(search.execute).to_dict()
        buckets = response.get("aggregations", {}).get("known", {}).get("buckets", {})
        # A word without a count is taken as known: better no suggestion than a wrong one.
        unknown = {word for word in words if buckets.get(word, {"doc_count": 1})["doc_count"] == 0}
        corrections = {}
        for entry in response.get("suggest", {}).get("spelling", []):
            # Keyed by the word as given, found by the entry's place in the text: the analysed
            # token may differ from it (or cover only part of it, which is no correction).
            word = starts.get(entry["offset"])
            if word not in unknown or entry["length"] != len(word):
                continue
            ranked = sorted(
                (OSA.distance(word, option["text"]), -option.get("freq", 0), option["text"])
                for option in entry["options"]
                if option["text"] != word
            )
            found = [option for distance, _freq, option in ranked if distance <= allowed_edits(word)][:3]
            if found:
                corrections[word] = found
        return corrections

    def autocomplete(self, prefix: str, limit: int = 8, readers: tuple[str, ...] = ()) -> list[Suggestion]:
        """Titles with every typed word, the last as a prefix: `type 2 diab`, `vitamin a`,
        `santé à`. Nothing for a single letter typed alone."""
        if len("".join(tokens(prefix))) < 2:
            return []
        search = (
            Search(using=self.client, index=self.names.read_alias)
            # The title's own analyser reads the text (accents, case, `l'`), as it indexed it.
            .query("match_bool_prefix", title={"query": " ".join(prefix.split()), "operator": "and"})
            .sort("_score", {"id": "desc"})
            .source(["title", "url", "type"])[:limit]
        )
        if readers:  # each item once: the version for the reader's language
            search = search.filter("terms", readers=list(readers))
        response = self._call(search.execute)
        return [Suggestion(hit.title, hit.url, hit.type) for hit in response.hits]

    def more_like_this(self, item_id: int, limit: int = 4) -> list[int]:
        def run():
            found = (
                Search(using=self.client, index=self.names.read_alias)
                .query("ids", values=[str(item_id)])
                .source(False)[:1]
            )
            hits = found.execute().hits
            if not hits:
                return []
            # The item's own index: `like` reads the document as a get does, from one index.
            like = {"_index": hits[0].meta.index, "_id": str(item_id)}
            search = (
                Search(using=self.client, index=self.names.read_alias)
                .query(
                    "more_like_this",
                    fields=["title", "summary", "body"],
                    like=[like],
                    min_term_freq=1,
                    min_doc_freq=2,
                    max_doc_freq=10_000,
                    max_query_terms=12,
                    minimum_should_match="20%",
                )
                .source(False)[:limit]
            )
            # The liked item itself is never among the hits (`include` is false by default).
            return [int(hit.meta.id) for hit in search.execute().hits]

        return self._call(run)


def _source(document: dict) -> dict:
    """The document as indexed: without empty values, which a keyword field would index as a
    term of its own (an item with no partnership would count under a blank partnership)."""
    return {name: value for name, value in document.items() if value not in ("", None)}


def _hit(hit) -> Hit:
    highlights = []
    meta = getattr(hit.meta, "highlight", None)
    matched_in = []
    if meta is not None:
        for field in ("summary", "body"):
            highlights += list(getattr(meta, field, []))
        if not highlights:
            matched_in = [field for field in MATCHED_ELSEWHERE if getattr(meta, field, None)]
    return Hit(
        id=int(hit.id),
        title=hit.title,
        url=hit.url,
        type=hit.type,
        summary=getattr(hit, "summary", ""),
        language=hit.language,
        publication_date=datetime.date.fromisoformat(hit.publication_date),
        focus_areas=list(hit.focus_areas),
        countries=list(hit.countries),
        highlights=highlights[:2],
        matched_in=matched_in,
    )
