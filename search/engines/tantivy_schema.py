"""The tantivy index's schema and analysis: the search document as tantivy stores it.

The document is declared in search/schema.py. Text is indexed twice, as Elasticsearch's mapping
does (engines/elasticsearch_mapping.py):
- folded (`title`, `summary`, `body`, `partnership_title`, `tags`): split on anything that is not
  a letter or digit, lower case, accents folded (`Santé` -> `sante`); stored, for hits and
  highlights. Phrases, typo tolerance, autocomplete and "did you mean" read these.
- stemmed in the item's own language (`title_fr`, `summary_fr`, `body_fr`, ...): the same, with
  Snowball's stemmer between lower case and folding, so the stemmer sees the real word. An item
  fills only its language's fields; a query word is analysed by each language's analyser and
  looked up in that language's fields: `laboratoires` finds a French `laboratoire`, `audit` an
  English `audits`, with no cross-language stemming noise.
- for the fields declared with `phrases` (the body), each two neighbouring stems once more as
  one term (`body_pairs_fr`: `rupture+stock`), with positions, as Elasticsearch's `index_phrases`
  does; the stemmed field itself then keeps no positions. A phrase is read from its pairs. tantivy
  has no shingle filter: the stems are made in Python, where documents are prepared, by the
  language's own analyser, and both fields take them split on spaces (the writer does not stem
  the body a second time).
Facets are raw (untokenised) fast fields, counted with terms aggregations.
"""

import datetime
import functools
from itertools import chain

import tantivy
from django.conf import settings
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

from ..analysis import TOKEN
from ..schema import DEFAULT_LANGUAGE, FACETS, LANGUAGES, MAX_TOKEN, STORED_FIELDS, TEXT_FIELDS
from ..variants import WORD_CACHE, american, american_word, joined_forms, words

FOLDED = "folded"
# The declared document (search/schema.py) as tantivy's fields: every text field folded, the
# stemmed ones once more per language; facets as raw fast fields (integers for the year).
FOLDED_FIELDS = {field.name: field.boost for field in TEXT_FIELDS}
STEMMED_FIELDS = {field.name: field.boost for field in TEXT_FIELDS if field.stemmed}
SPELLING_FIELDS = tuple(field.name for field in TEXT_FIELDS if field.spelling)
# The reader facet is indexed as its complement (HIDDEN_FROM, below), not as the readers listed.
KEYWORD_FIELDS = tuple(facet.field for facet in FACETS if not facet.integer and facet.name != "reader")
INTEGER_FIELDS = tuple(facet.field for facet in FACETS if facet.integer)
# Facets an item may hold several values of are counted from one value per item, its set of
# values joined (`health-policy|medicines-and-procurement`), then split: a terms aggregation over
# a single-valued column is about ten times as fast as over a multi-valued one, and each item
# still counts once for each of its values. The multi-valued field stays, for filtering.
SET_FIELDS = {facet.field: f"{facet.field}_set" for facet in FACETS if facet.many and facet.offered}
# Fields aggregated as they are: the counted facets holding one value per item.
COUNTED_FIELDS = {facet.field for facet in FACETS if facet.offered and not facet.many}
SET_SEPARATOR = "|"  # in no slug, country code or region slug
# Hyphenated words written joined (`stock-out` -> `stockout`, search/variants.py), folded, not
# stored; they also go into the stemmed fields, so `stockouts` finds `stock-out` too.
JOINED = "joined"
# The words an item writes with letters beyond ASCII, each as its folded form and itself
# (`sante:santé`, one raw term each), indexed, not stored. A query word is also looked up in the
# stemmed fields as each of these forms stems (`securite`: `securit`, and `secur` from `sécurité`
# in French), so they find every item the folded title, summary and body find: searches that only
# count leave those out, and the page scores their phrases on its best matches only
# (engines/tantivy_engine.py `Vocabulary.stems`).
ACCENTED = "accented_forms"
FORM_SEPARATOR = ":"  # in no folded word
# The reader facet: the interface languages whose readers are not shown this version of an item
# (the complement of the document's `readers`), raw, indexed, not stored. Every search keeps to
# one reader's versions: left out through the few items hidden from them, the filter costs next
# to nothing, where requiring the reader among the `readers` of nearly every item cost a search
# 1-1.3 ms more at 100,000 items.
HIDDEN_FROM = "hidden_from_readers"


# Text fields whose neighbouring stems are also indexed as pairs (search/schema.py `phrases`).
PAIRED_FIELDS = tuple(field.name for field in TEXT_FIELDS if field.phrases)
ANALYSED = "analysed"  # the tokenizer of text analysed in Python (stems, pairs): split on spaces
PAIR_SEPARATOR = "+"  # in no token: tokens are letters and digits


def stemmed_field(field: str, language: str) -> str:
    return f"{field}_{language}"


def pairs_field(field: str, language: str) -> str:
    return f"{field}_pairs_{language}"


def pair(first: str, second: str) -> str:
    return f"{first}{PAIR_SEPARATOR}{second}"


def _folded() -> tantivy.TextAnalyzer:
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(MAX_TOKEN))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .build()
    )


def _stemmed(language: str) -> tantivy.TextAnalyzer:
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(MAX_TOKEN))
        .filter(Filter.lowercase())
        .filter(Filter.stemmer(LANGUAGES[language]))
        .filter(Filter.ascii_fold())
        .build()
    )


class Analysers:
    """The analysers by tokenizer name, registered on every Index object (tantivy keeps their
    names in the schema, not the analysers themselves), and used on the query side."""

    def __init__(self):
        self.by_name = {
            FOLDED: _folded(),
            **{f"stemmed_{code}": _stemmed(code) for code in LANGUAGES},
            ANALYSED: TextAnalyzerBuilder(Tokenizer.whitespace()).build(),
        }

    def register(self, index: tantivy.Index) -> tantivy.Index:
        for name, analyser in self.by_name.items():
            index.register_tokenizer(name, analyser)
        return index

    def folded(self, text: str) -> list[str]:
        return self.by_name[FOLDED].analyze(text)

    def stemmed(self, text: str, language: str) -> list[str]:
        return self.by_name[f"stemmed_{language}"].analyze(text)

    def american_stems(self, text: str, language: str) -> list[str]:
        """`stemmed(american(text), language)`, word by word: a word's stems do not depend on its
        neighbours, and the words of a library repeat, so each distinct word is rewritten and
        analysed once (a body's stems cost 0.3 ms instead of 0.7)."""
        return list(chain.from_iterable(map(self._word_stems[language], words(text))))

    @functools.cached_property
    def _word_stems(self) -> dict:
        def stems_of(language: str, word: str) -> tuple[str, ...]:
            return tuple(self.stemmed(american_word(word), language))

        return {code: functools.lru_cache(maxsize=WORD_CACHE)(functools.partial(stems_of, code)) for code in LANGUAGES}


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for field in FOLDED_FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name=FOLDED)
    for field in STEMMED_FIELDS:
        for language in LANGUAGES:
            # Positions: phrases find their inflected forms here (proximity reads the folded
            # fields); where the field has pairs, phrases read those instead.
            name = stemmed_field(field, language)
            if field in PAIRED_FIELDS:
                builder.add_text_field(name, tokenizer_name=ANALYSED, index_option="freq")
                builder.add_text_field(pairs_field(field, language), tokenizer_name=ANALYSED)
            else:
                builder.add_text_field(name, tokenizer_name=f"stemmed_{language}")
    builder.add_text_field(JOINED, tokenizer_name=FOLDED, index_option="freq")
    builder.add_text_field(ACCENTED, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(HIDDEN_FROM, tokenizer_name="raw", index_option="basic")
    for field in KEYWORD_FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name="raw", fast=field in COUNTED_FIELDS)
    for field in SET_FIELDS.values():
        builder.add_text_field(field, tokenizer_name="raw", fast=True, index_option="basic")
    for field in INTEGER_FIELDS:
        builder.add_integer_field(field, stored=True, indexed=True, fast=True)
    # Date, then id: one value to sort by newest or oldest, ties never left to chance.
    builder.add_integer_field("date_order", fast=True)
    for field in STORED_FIELDS:
        builder.add_text_field(field, stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


def schema_fields(schema: tantivy.Schema) -> list[dict]:
    """The schema's fields and their options, as tantivy writes them in an index's meta.json."""
    return schema.__reduce__()[1][0]["inner"]  # what pickling a Schema carries


def date_order(publication_date: str, pk: int) -> int:
    return datetime.date.fromisoformat(publication_date).toordinal() * 2**32 + pk


def with_variants(document: dict) -> dict:
    """The document with what its text adds for matching: the stemmed fields' text with American
    spellings (the body's already stemmed, with its pairs), and the hyphenated words joined. Run
    where documents are built (the rebuild's worker processes, engines/base.py `prepare`), not in
    the one process that writes."""
    if "_stemmed" in document:
        return document
    texts = [document[field.name] for field in TEXT_FIELDS]
    flat = "\n".join(text for value in texts for text in (value if isinstance(value, list) else [value]) if text)
    language = document["language"] if document["language"] in LANGUAGES else DEFAULT_LANGUAGE
    stemmed, pairs = {}, {}
    for field in STEMMED_FIELDS:
        if not document[field]:
            continue
        if field in PAIRED_FIELDS:  # analysed here, for the pairs: the field takes the stems
            stems = _analysers().american_stems(document[field], language)
            stemmed[field] = " ".join(stems)
            pairs[field] = " ".join(map(PAIR_SEPARATOR.join, zip(stems, stems[1:], strict=False)))
        else:
            stemmed[field] = american(document[field])
    joined = joined_forms(flat)
    return {
        **document,
        "_stemmed": stemmed,
        # (A token too long to index is left out of the stems: its two neighbours pair up.)
        "_pairs": pairs,
        "_joined": joined,
        # The joined words also go into the stemmed body (`stockouts` finds `stock-out`).
        "_joined_stems": _analysed(joined, language, "body"),
        "_accented": accented_words(flat),
    }


def _analysed(text: str, language: str, field: str) -> str:
    """Text for a stemmed field: its stems where the field takes them analysed (it has pairs)."""
    if field in PAIRED_FIELDS and text:
        return " ".join(_analysers().stemmed(text, language))
    return text


def accented_words(text: str) -> list[str]:
    """The text's words holding a letter beyond ASCII, once each, in lower case, as
    `folded:written` (punctuation such as `’` is no word). Most items are plain ASCII: nothing to
    look for. (One regular expression for such words cost seven times as much, backtracking
    through every word; splitting only the runs between spaces that hold such letters costs a
    sixth of splitting the whole text.)"""
    if text.isascii():
        return []
    accented = " ".join([run for run in text.split() if not run.isascii()])
    written = dict.fromkeys(word.lower() for word in TOKEN.findall(accented) if not word.isascii())
    return [f"{folded}{FORM_SEPARATOR}{word}" for word in written for folded in _analysers().folded(word)]


@functools.cache
def _analysers() -> "Analysers":
    return Analysers()


def to_tantivy(document: dict) -> tantivy.Document:
    """A search document (search/documents.py) as the fields above."""
    document = with_variants(document)
    doc = tantivy.Document()
    doc.add_integer("id", document["id"])
    for field in FOLDED_FIELDS:
        value = document[field]
        for text in value if isinstance(value, list) else [value]:
            if text:
                doc.add_text(field, text)
    language = document["language"] if document["language"] in LANGUAGES else DEFAULT_LANGUAGE
    for field, text in document["_stemmed"].items():
        doc.add_text(stemmed_field(field, language), text)
    for field, text in document["_pairs"].items():
        doc.add_text(pairs_field(field, language), text)
    if document["_joined"]:
        doc.add_text(JOINED, document["_joined"])
        doc.add_text(stemmed_field("body", language), document["_joined_stems"])
    for form in document.get("_accented", ()):
        doc.add_text(ACCENTED, form)
    for field in KEYWORD_FIELDS:
        value = document[field]
        for text in value if isinstance(value, list) else [value]:
            if text:
                doc.add_text(field, str(text))
        if field in SET_FIELDS and value:
            doc.add_text(SET_FIELDS[field], SET_SEPARATOR.join(sorted(str(text) for text in value)))
    for code, _name in settings.LANGUAGES:
        if code not in document["readers"]:
            doc.add_text(HIDDEN_FROM, code)
    for field in INTEGER_FIELDS:
        doc.add_integer(field, int(document[field]))
    doc.add_integer("date_order", date_order(document["publication_date"], document["id"]))
    for field in STORED_FIELDS:
        doc.add_text(field, str(document[field]))
    return doc
