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

from ..query import FACET_FIELDS, FACETS, Alternative, ParsedText, SearchQuery
from ..spelling import MIN_TYPO_LENGTH, allowed_edits
from .base import EngineResults, EngineUnavailable, FacetCount, Hit, SearchEngine, Suggestion
from .elasticsearch_mapping import LANGUAGES, LIVE_SETTINGS, IndexNames, index_definition

logger = logging.getLogger(__name__)

BULK_CHUNK = 500
FACET_SIZE = 100
# Where a word may match, and how much each place counts: titles most, as in the database engine.
SURFACE_FIELDS = ["title^4", "summary^2", "body", "partnership_title", "tags"]
STEMMED_FIELDS = ["title.stemmed^4", "summary.stemmed^2", "body.stemmed"]
# The same edits as the database engine: none under five letters, one up to seven, two beyond.
FUZZINESS = f"AUTO:{MIN_TYPO_LENGTH},8"
HIGHLIGHT = {
    "type": "fvh",
    "fragment_size": 220,
    "number_of_fragments": 2,
    "order": "score",
}
SOURCE_FIELDS = ["id", "title", "url", "type", "summary", "language", "publication_date", "focus_areas", "countries"]


def _alternative_queries(alternative: Alternative) -> list:
    text = " ".join(alternative.words)
    if alternative.is_phrase:
        return [Q("multi_match", query=text, type="phrase", fields=SURFACE_FIELDS)]
    matches = [
        Q("multi_match", query=text, fields=SURFACE_FIELDS, operator="and"),
        Q("multi_match", query=text, fields=STEMMED_FIELDS, operator="and"),
    ]
    if allowed_edits(text):
        # A typo costs relevance: exact and stemmed matches rank above fuzzy ones.
        matches.append(
            Q(
                "multi_match",
                query=text,
                fields=SURFACE_FIELDS,
                operator="and",
                fuzziness=FUZZINESS,
                prefix_length=1,
                boost=0.5,
            )
        )
    return matches


def text_query(parsed: ParsedText, require_all: bool):
    """One bool clause per word or phrase the user typed, each satisfied by any of its synonyms."""
    clauses = [
        Q("bool", should=[q for alt in clause.alternatives for q in _alternative_queries(alt)], minimum_should_match=1)
        for clause in parsed.clauses
    ]
    if require_all:
        return Q("bool", must=clauses)
    return Q("bool", should=clauses, minimum_should_match=1)


class ItemSearch(FacetedSearch):
    """The faceted search over every language's index (the read alias)."""

    facets = {name: TermsFacet(field=field, size=FACET_SIZE) for name, field in FACET_FIELDS.items()}

    def __init__(self, client: Elasticsearch, index: str, query: SearchQuery, parsed: ParsedText, require_all: bool):
        self.using, self.index = client, index
        self.parsed, self.require_all, self.search_query = parsed, require_all, query
        filters = {facet: [str(v) if facet != "year" else v for v in query.chosen(facet)] for facet in FACETS}
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
        if not self.parsed:
            return search
        search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
        for field in ("summary", "body"):
            search = search.highlight(field, matched_fields=[field, f"{field}.stemmed"], **HIGHLIGHT)
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
        return search.query(text_query(self.parsed, self.require_all))

    def execute(self):
        start = self.search_query.offset
        self._s = self._s[start : start + self.search_query.page_size]
        return super().execute()


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(self, url: str, index_prefix: str = "esther", timeout: float = 5, api_key: str | None = None):
        self.names = IndexNames(index_prefix)
        self.client = Elasticsearch(
            url, api_key=api_key or None, request_timeout=timeout, max_retries=1, retry_on_timeout=False
        )
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

    # Index lifecycle ------------------------------------------------------------------------

    def _create_indexes(self, version: str, *, building: bool) -> dict[str, str]:
        created = {}
        for language in LANGUAGES:
            name = self.names.versioned(language, version)
            index_definition(name, language, building=building).create(using=self.client)
            created[language] = name
        return created

    def _current_indexes(self) -> dict[str, str]:
        """Language -> index behind its write alias, for the aliases that exist."""
        aliases = self.client.indices.get_alias(name=self.names.write_alias("*"), ignore_unavailable=True)
        by_alias = {self.names.write_alias(language): language for language in LANGUAGES}
        return {
            by_alias[alias]: index
            for index, body in aliases.body.items()
            for alias in body.get("aliases", {})
            if alias in by_alias
        }

    def _point_aliases(self, new: dict[str, str], old: dict[str, str]) -> None:
        """Move the read and write aliases to `new` in one atomic request."""
        actions = [{"remove": {"index": index, "alias": self.names.read_alias}} for index in old.values()]
        actions += [{"remove": {"index": index, "alias": self.names.write_alias(lang)}} for lang, index in old.items()]
        for language, index in new.items():
            actions.append({"add": {"index": index, "alias": self.names.read_alias}})
            actions.append({"add": {"index": index, "alias": self.names.write_alias(language), "is_write_index": True}})
        self.client.indices.update_aliases(actions=actions)

    def _ensure_indexes(self) -> None:
        """Create the indexes on first use, so publishing works before any rebuild."""
        if self._ready:
            return
        if not self.client.indices.exists_alias(name=self.names.read_alias):
            self._point_aliases(self._create_indexes(_version(), building=False), {})
        self._ready = True

    # Writing --------------------------------------------------------------------------------

    @staticmethod
    def _actions(documents: list[dict], names: Callable[[str], str]):
        for document in documents:
            yield {
                "_op_type": "index",
                "_index": names(document["language"]),
                "_id": document["id"],
                "_source": document,
            }
            # An item whose language changed must leave its old language's index.
            for language in LANGUAGES:
                if language != document["language"]:
                    yield {"_op_type": "delete", "_index": names(language), "_id": document["id"]}

    def upsert(self, documents: list[dict]) -> None:
        def run():
            self._ensure_indexes()
            helpers.bulk(
                self.client,
                self._actions(documents, self.names.write_alias),
                chunk_size=BULK_CHUNK,
                ignore_status=(404,),
                refresh="wait_for",
            )

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
            helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK, ignore_status=(404,), refresh="wait_for")

        self._call(run)

    def rebuild(self, documents: Iterable[dict], progress: Callable[[int], None]) -> None:
        """Fill new versioned indexes, then swap the aliases atomically and drop the old ones.
        `prepare` leaves documents as they are: Elasticsearch analyses them itself."""

        def run():
            old = self._current_indexes()
            new = self._create_indexes(_version(), building=True)
            try:
                actions = self._actions_once(documents, new)
                for ok, item in helpers.streaming_bulk(
                    self.client, actions, chunk_size=BULK_CHUNK, ignore_status=(404,)
                ):
                    if ok and "index" in item:
                        progress(1)
                self.client.indices.put_settings(index=",".join(new.values()), settings=LIVE_SETTINGS)
                self.client.indices.refresh(index=",".join(new.values()))
                self._point_aliases(new, old)
            except Exception:
                self.client.indices.delete(index=",".join(new.values()), ignore_unavailable=True)
                raise
            if old:
                self.client.indices.delete(index=",".join(old.values()), ignore_unavailable=True)
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
                "_source": document,
            }

    def indexed_versions(self) -> dict[int, str]:
        def run():
            search = Search(using=self.client, index=self.names.read_alias).source(["version"]).params(size=BULK_CHUNK)
            return {int(hit.meta.id): hit.version for hit in search.scan()}

        return self._call(run)

    # Reading --------------------------------------------------------------------------------

    def search(self, query: SearchQuery, parsed: ParsedText, require_all: bool = True) -> EngineResults:
        response = self._call(
            lambda: ItemSearch(self.client, self.names.read_alias, query, parsed, require_all).execute()
        )
        facets = {
            name: [FacetCount(str(value), count) for value, count, _selected in values]
            for name, values in response.facets.to_dict().items()
        }
        return EngineResults(total=response.hits.total.value, hits=[_hit(hit) for hit in response.hits], facets=facets)

    def count(self, query: SearchQuery, parsed: ParsedText) -> int:
        return self._call(ItemSearch(self.client, self.names.read_alias, query, parsed, True).count)

    def spelling(self, words: list[str]) -> dict[str, list[str]]:
        """Elasticsearch's term suggester over every indexed word (the `spelling` field)."""
        words = [word for word in words if len(word) >= MIN_TYPO_LENGTH]
        if not words:
            return {}
        term = {"field": "spelling", "suggest_mode": "missing", "max_edits": 2, "min_word_length": MIN_TYPO_LENGTH}
        search = Search(using=self.client, index=self.names.read_alias).extra(size=0)
        search = search.suggest("spelling", " ".join(words), term={**term, "size": 3})
        response = self._call(search.execute)
        corrections = {}
        for entry in getattr(getattr(response, "suggest", None), "spelling", []):
            found = [o.text for o in entry.options if OSA.distance(entry.text, o.text) <= allowed_edits(entry.text)]
            if found:
                corrections[entry.text] = found
        return corrections

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        words = prefix.split()
        if not words or len(words[-1]) < 2:
            return []
        search = (
            Search(using=self.client, index=self.names.read_alias)
            .query("match", **{"title.autocomplete": {"query": " ".join(words), "operator": "and"}})
            .sort("_score", {"id": "desc"})
            .source(["title", "url", "type"])[:limit]
        )
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
            return [int(hit.meta.id) for hit in search.execute().hits]

        return self._call(run)


def _version() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")


def _hit(hit) -> Hit:
    highlights = []
    meta = getattr(hit.meta, "highlight", None)
    if meta is not None:
        for field in ("summary", "body"):
            highlights += list(getattr(meta, field, []))
    return Hit(
        id=int(hit.id),
        title=hit.title,
        url=hit.url,
        type=hit.type,
        summary=hit.summary,
        language=hit.language,
        publication_date=datetime.date.fromisoformat(hit.publication_date),
        focus_areas=list(hit.focus_areas),
        countries=list(hit.countries),
        highlights=highlights[:2],
    )
