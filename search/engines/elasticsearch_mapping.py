"""The Elasticsearch indexes: one per content language, the same fields in each, behind aliases.

Every field has the same name in every index; only the `.stemmed` sub-fields differ, analysed
with that language's stop words and stemmer. A query sent to the read alias (all four indexes)
is analysed by each index with its own language, so `laboratoires` finds a French
`laboratoire` and `audit` an English `audits`, as the database engine does with Snowball stems.
Accents and case never matter (`asciifolding` on every analysed field).

Names: `<prefix>-items` is the read alias over the four indexes, `<prefix>-items-<lang>` the
write alias of one language, and the indexes behind them are versioned
(`<prefix>-items-<lang>-<timestamp>`), so a rebuild fills new indexes and swaps the aliases in
one atomic request.
"""

import datetime
import re

from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Long,
    MetaField,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from ..schema import TEXT_FIELDS
from ..variants import SPELLING_RULES

LANGUAGES = ("en", "fr", "pt", "es")

# French articles and pronouns that elide (l'hôpital, d'Ivoire, qu'il), removed before matching.
ELISION = token_filter(
    "elision_fr",
    "elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
FOLDED = analyzer("folded", tokenizer="standard", filter=[ELISION, "lowercase", "asciifolding"])

# Elasticsearch's own language analyzers, rebuilt (as its documentation shows) so that accent
# folding can follow the stemmer: the stemmer sees the real word, matching ignores accents.
_STEMMED_FILTERS = {
    "en": [
        token_filter("possessive_en", "stemmer", language="possessive_english"),
        "lowercase",
        token_filter("stop_en", "stop", stopwords="_english_"),
        token_filter("stemmer_en", "stemmer", language="english"),
    ],
    "fr": [
        ELISION,
        "lowercase",
        token_filter("stop_fr", "stop", stopwords="_french_"),
        token_filter("stemmer_fr", "stemmer", language="light_french"),
    ],
    "pt": [
        "lowercase",
        token_filter("stop_pt", "stop", stopwords="_portuguese_"),
        token_filter("stemmer_pt", "stemmer", language="light_portuguese"),
    ],
    "es": [
        "lowercase",
        token_filter("stop_es", "stop", stopwords="_spanish_"),
        token_filter("stemmer_es", "stemmer", language="light_spanish"),
    ],
}


# British spellings rewritten as American ones (search/variants.py, the rules the tantivy engine
# applies in Python) before the stemmed analysers split the text, in items and queries alike:
# `haemorrhage` finds `hemorrhage`. A character filter keeps the offsets, so highlights stay right.
AMERICAN = [
    char_filter(
        f"american_{number}",
        "pattern_replace",
        pattern=pattern,
        replacement=re.sub(r"\\(\d)", r"$\1", replacement),
        flags="CASE_INSENSITIVE|UNICODE_CHARACTER_CLASS",
    )
    for number, (pattern, replacement) in enumerate(SPELLING_RULES, start=1)
]
# Each two neighbouring words written as one (`hand rub`, `hand-rub` -> `handrub`), then stemmed:
# the `joined` field, where a word typed joined finds them written apart or hyphenated.
JOINED_PAIRS = token_filter(
    "joined_pairs", "shingle", min_shingle_size=2, max_shingle_size=2, output_unigrams=False, token_separator=""
)


def stemmed_analyzer(language: str):
    return analyzer(
        f"stemmed_{language}",
        tokenizer="standard",
        char_filter=AMERICAN,
        filter=[*_STEMMED_FILTERS[language], "asciifolding"],
    )


def joined_analyzer(language: str):
    stemmer = _STEMMED_FILTERS[language][-1]
    elision = [ELISION] if language == "fr" else []
    return analyzer(
        f"joined_{language}",
        tokenizer="standard",
        char_filter=AMERICAN,
        filter=[*elision, "lowercase", JOINED_PAIRS, stemmer, "asciifolding"],
    )


DECLARED = {field.name: field for field in TEXT_FIELDS}


def _text(language: str, name: str) -> Text:
    declared = DECLARED[name]
    # Offsets and positions let the fast vector highlighter mark stemmed and exact matches together.
    vectors = {"term_vector": "with_positions_offsets"} if declared.highlighted else {}
    # Each two neighbouring stems also as one term: phrase queries read those (search/schema.py).
    pairs = {"index_phrases": True} if declared.phrases else {}
    fields = {"stemmed": Text(analyzer=stemmed_analyzer(language), **vectors, **pairs)}
    return Text(analyzer=FOLDED, fields=fields, copy_to=["spelling", "joined"], **vectors)


def document_class(language: str) -> type[Document]:
    """The DSL Document of one language's index."""
    fields = {
        "id": Long(),
        "type": Keyword(),
        # Autocomplete reads the folded title itself (`match_bool_prefix`): no n-gram field.
        "title": _text(language, "title"),
        "summary": _text(language, "summary"),
        "body": _text(language, "body"),
        "partnership_title": Text(analyzer=FOLDED, copy_to=["spelling", "joined"]),
        "tags": Text(analyzer=FOLDED, fields={"keyword": Keyword()}, copy_to=["spelling", "joined"]),
        # Every word a search matches unstemmed, once more, for "did you mean".
        "spelling": Text(analyzer=FOLDED),
        # The title's, summary's and body's neighbouring words joined (a query word is read stemmed).
        "joined": Text(analyzer=joined_analyzer(language), search_analyzer=stemmed_analyzer(language)),
        "language": Keyword(),
        "url": Keyword(index=False),
        "publication_date": Date(format="yyyy-MM-dd"),
        "year": Integer(),
        "focus_areas": Keyword(),
        "countries": Keyword(),
        "regions": Keyword(),
        "partnership": Keyword(),
        "readers": Keyword(),
        "version": Keyword(),
        # A field nobody declared is a mistake: refuse it rather than guess its mapping.
        "Meta": type("Meta", (), {"dynamic": MetaField("strict")}),
    }
    return type(f"KnowledgeItemDocument_{language}", (Document,), fields)


DOCUMENTS = {language: document_class(language) for language in LANGUAGES}


class IndexNames:
    """The aliases and versioned index names under one prefix."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    @property
    def read_alias(self) -> str:
        return f"{self.prefix}-items"

    def write_alias(self, language: str) -> str:
        return f"{self.prefix}-items-{language}"

    def versioned(self, language: str, version: str) -> str:
        return f"{self.prefix}-items-{language}-{version}"

    @property
    def pattern(self) -> str:
        return f"{self.prefix}-items-*"

    def parse(self, index: str) -> tuple[str, datetime.datetime] | None:
        """The language and creation time of one of our versioned indexes, else None."""
        found = re.fullmatch(rf"{re.escape(self.prefix)}-items-({'|'.join(LANGUAGES)})-(\d{{20}})", index)
        if not found:
            return None
        created = datetime.datetime.strptime(found.group(2), VERSION_FORMAT).replace(tzinfo=datetime.UTC)
        return found.group(1), created


VERSION_FORMAT = "%Y%m%d%H%M%S%f"


def new_version() -> str:
    return datetime.datetime.now(datetime.UTC).strftime(VERSION_FORMAT)


# One replica wherever the cluster has a second node, none on a single node (which stays green).
LIVE_SETTINGS = {"auto_expand_replicas": "0-1", "refresh_interval": "1s"}
BUILDING_SETTINGS = {"auto_expand_replicas": False, "number_of_replicas": 0, "refresh_interval": "-1"}


def index_definition(name: str, language: str, *, building: bool = False) -> Index:
    """Settings and mappings of one language's index. While `building`, no refresh and no
    replicas, so a bulk load goes at full speed; `LIVE_SETTINGS` restores both."""
    index = Index(name)
    index.settings(number_of_shards=1, **(BUILDING_SETTINGS if building else LIVE_SETTINGS))
    index.document(DOCUMENTS[language])
    return index
