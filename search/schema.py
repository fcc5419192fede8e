"""The search document, declared once: its text fields and their weights, its languages and
their analysis, its facets and their URL names. Each engine translates this table
(engines/tantivy_schema.py, engines/elasticsearch_mapping.py); the query, the service and the
links read it. `search/documents.py` fills a document with exactly these fields.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from knowledge.models import Country, FocusArea, KnowledgeItemPage, PartnershipPage

# The content languages and the Snowball stemmer each one's text is analysed with. Every text
# field is also analysed without stemming: lower case, accents folded (`Santé` -> `sante`).
LANGUAGES: dict[str, str] = {"en": "english", "fr": "french", "pt": "portuguese", "es": "spanish"}
DEFAULT_LANGUAGE = "en"
# No token longer than this reaches an index (a pasted URL or hash would only bloat it).
MAX_TOKEN = 40


@dataclass(frozen=True)
class TextField:
    name: str
    boost: float
    # Also analysed in the item's own language (stemmed): `laboratoires` finds `laboratoire`.
    stemmed: bool = False
    # Words typos are corrected towards, phrases match in, and "did you mean" offers.
    spelling: bool = False
    # Passages shown under a hit with the matched words marked.
    highlighted: bool = False
    # Holds several values (a list in the document).
    many: bool = False
    # Each two neighbouring words (stemmed) also indexed as one term, as Elasticsearch's
    # `index_phrases` does: a phrase of common words is then read from the few positions of its
    # pairs, not from every position of its words. Worth it where texts are long.
    phrases: bool = False


TEXT_FIELDS: tuple[TextField, ...] = (
    TextField("title", 4.0, stemmed=True, spelling=True),
    TextField("summary", 2.0, stemmed=True, spelling=True, highlighted=True),
    TextField("body", 1.0, stemmed=True, spelling=True, highlighted=True, phrases=True),
    TextField("partnership_title", 0.5),
    TextField("tags", 0.5, many=True),
)


@dataclass(frozen=True)
class Facet:
    name: str  # as the service and templates call it
    parameter: str  # its URL parameter: /search/?focus_area=health-policy
    attribute: str  # the SearchQuery attribute holding the values chosen
    field: str  # the document field behind it
    label: str
    integer: bool = False
    many: bool = False
    shown: int = 100  # at most this many values offered (chosen ones always are)
    # Offered to readers with counts. The one that is not filters what every search shows: each
    # item once, in the version for the reader's language (search/documents.py `readers_of`).
    offered: bool = True


def _named(model, field: str | None = None):
    """A facet's label: the model's (or its field's) verbose name, so that it is translated once."""
    return capfirst(model._meta.get_field(field).verbose_name if field else model._meta.verbose_name)


# In the order the search page and the library's listings show them. Every public surface
# (search, the library and its focus-area and country listings, the JSON API, exports, feeds)
# filters by these, validated by one form (search/forms.py).
FACETS: tuple[Facet, ...] = (
    Facet("type", "type", "types", "type", _("Type")),
    Facet("focus_area", "focus_area", "focus_areas", "focus_areas", _named(FocusArea), many=True),
    Facet("region", "region", "regions", "regions", _named(Country, "region"), many=True),
    Facet("country", "country", "countries", "countries", _named(Country), many=True, shown=40),
    Facet("partnership", "partnership", "partnerships", "partnership", _named(PartnershipPage), shown=40),
    Facet("language", "lang", "languages", "language", _named(KnowledgeItemPage, "language")),
    Facet("year", "year", "years", "year", _("Year"), integer=True),
    Facet("reader", "", "readers", "readers", _("Reader language"), many=True, offered=False),
)
FACETS_BY_NAME: dict[str, Facet] = {facet.name: facet for facet in FACETS}

# Kept with each document, not searched: what a hit shows and what `search_index check` compares.
STORED_FIELDS = ("url", "publication_date", "version")

# Ranking rules both engines apply (search/service.py decides how many words must match).
# The words as typed count most; a synonym (often another language's word) a little less.
SYNONYM_WEIGHT = 0.8
# A clause's best-matching alternative counts, plus this share of each other one that matches:
# an item naming a concept in three of the vocabulary's forms must not outrank one in the words typed.
ALTERNATIVES_TIE_BREAKER = 0.1
# A word found written joined with its neighbour (`handrub` for `hand rub`, `stockout` for
# `stock-out`): the engines' `joined` fields.
JOINED_BOOST = 1.0
# Typed words found within this many words of each other, in the order typed, weigh more.
PROXIMITY_SLOP = 3
# Proximity reorders this many best matches (Elasticsearch's rescore window; tantivy does the same).
PROXIMITY_WINDOW = 100
# Added to the score of an item that matches every clause: above any BM25 sum.
EVERY_WORD_BONUS = 1000.0

# Function words of the content languages (folded). Typed among other words, one is no clause an
# item must hold and never matches (nor is marked) on its own; proximity still reads it: "lista de
# verificação" must not demand a `de` that an English item cannot have. Synonyms are recognised
# without them (`check-list sécurité chirurgicale` is `check-list de sécurité chirurgicale`).
_FUNCTION_WORDS = {
    "en": "a an and the of in on at to for from by with or as is are be",
    "fr": "le la les l un une des de du d au aux a et ou en dans sur par pour avec sans",
    "pt": "o os as um uma da das do dos na nas no nos ao aos e em com para por pela pelo sem",
    "es": "el los las lo del al y u con sin para por",
}
FUNCTION_WORDS: frozenset[str] = frozenset(word for words in _FUNCTION_WORDS.values() for word in words.split())
