"""The embedded engine on tantivy (Lucene's design, in Rust): an index in a folder.

BM25 over the folded and stemmed fields with boosts (engines/tantivy_schema.py), phrase queries
over positions, fuzzy terms for typos, terms aggregations over fast fields for facets, and
more-like-this. The folder, its generations and its one writer are engines/tantivy_folder.py.
Queries are built from the parsed text (search/query.py) term by term: user text never reaches
tantivy's query parser, so no input can form query syntax.
"""

import datetime
import functools
import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import tantivy
from django.utils.functional import cached_property
from rapidfuzz import process
from rapidfuzz.distance import OSA
from tantivy import Occur, Order, Query

from ..analysis import TOKEN, stems_in_every_language
from ..query import COUNTED_FACETS, FACET_FIELDS, FACETS, Clause, ParsedText, SearchQuery
from ..schema import ALTERNATIVES_TIE_BREAKER, EVERY_WORD_BONUS, JOINED_BOOST, PROXIMITY_SLOP, PROXIMITY_WINDOW
from ..spelling import allowed_edits, is_vocabulary_word
from ..variants import american
from .base import MATCHED_ELSEWHERE, EngineResults, EngineUnavailable, FacetCount, Hit, SearchEngine, Suggestion
from .highlight import Marks, highlight, matches
from .tantivy_folder import WRITER_WAIT, IndexFolder, SchemaChanged
from .tantivy_schema import (
    ACCENTED,
    FOLDED_FIELDS,
    FORM_SEPARATOR,
    HIDDEN_FROM,
    JOINED,
    LANGUAGES,
    PAIRED_FIELDS,
    SET_FIELDS,
    SET_SEPARATOR,
    SPELLING_FIELDS,
    STEMMED_FIELDS,
    Analysers,
    build_schema,
    pair,
    pairs_field,
    stemmed_field,
    to_tantivy,
    with_variants,
)

FUZZY_WEIGHT = 0.5  # a typo costs relevance: exact and stemmed matches rank above fuzzy ones
FACET_SIZE = 1000
# Distinct sets of values of a many-valued facet counted at most (tantivy's bucket limit is 65,000).
SET_FACET_SIZE = 60_000
MATCHED = "_matched"  # the aggregation counting the matches (no facet is called so)
# The ways a phrase's words may stem together that are asked at most (`_stem_sequences`).
STEM_SEQUENCES = 8
MORE_LIKE_THIS_TERMS = 12
MORE_LIKE_THIS_TIES = 50  # extra hits read to order equal scores by id
# Hits read past a page with it, and at most, to order a run of equal scores that crosses its edge.
TIES_AHEAD = 50
TIES_READ = 1000
# Words in more than this share of the items say nothing about an item (as in the database engine).
MORE_LIKE_THIS_COMMON = 0.3
AUTOCOMPLETE_MIN_PREFIX = 2
# A joined word is tried as two words of three letters or more, at most two ways.
MIN_COMPOUND_PART = 3
MAX_SPLITS = 2
# Each language's stemmed fields, named, with their boosts.
STEMMED_BY_LANGUAGE = {
    language: [(stemmed_field(name, language), boost) for name, boost in STEMMED_FIELDS.items()]
    for language in LANGUAGES
}
# How much more proximity (search/schema.py PROXIMITY_SLOP) weighs than the field's own boost.
PROXIMITY = 1.0
REBUILD_PROGRESS_EVERY = 100
# Threads a process runs a search's passes on (the page, each group of facet counts): tantivy
# releases the GIL while it matches, so they share the cores instead of queueing on one.
SEARCH_THREADS = min(4, os.cpu_count() or 1)


class Condition(NamedTuple):
    """A filter: what an item must match, or (`Occur.MustNot`) must not."""

    query: Query
    occur: Occur = Occur.Must


@dataclass
class ClauseQuery:
    """One clause of the user's text as a tantivy query, and the words and phrases it matches, for highlights."""

    query: Query
    # The same items, asked without the parts that only add to scores: what the counts read.
    matching: Query | None = None
    # Its covered phrases (`Part`), scored on the best matches only (`_ranked_page`): they find no
    # item the rest misses, and reading their positions in every match cost as much as the rest.
    rescored: list[Query] = field(default_factory=list)
    optional: bool = False  # a function word: never required, never matched or marked on its own
    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    stemmed_phrases: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)


class Vocabulary:
    """The index's own term dictionary, read through one searcher: which words it knows, and the
    closest known words to one it does not (typos, "did you mean")."""

    def __init__(self, searcher: tantivy.Searcher, analysers: Analysers):
        self.searcher = searcher
        self.analysers = analysers
        self._corrections: dict[str, list[str]] = {}
        self._known: dict[str, bool] = {}
        self._forms: dict[str, list[str]] = {}
        self._stems: dict[tuple[str, str], list[str]] = {}
        # A search asks the same terms many times over (its synonyms share words, `known` and the
        # queries' own `has` read the same fields).
        self.doc_freq = functools.lru_cache(maxsize=None)(searcher.doc_freq)

    def forms(self, word: str) -> list[str]:
        """The (folded) word, and each form of it with letters beyond ASCII that some item writes."""
        if word not in self._forms:
            prefix = f"{word}{FORM_SEPARATOR}"
            found = self.searcher.terms_with_prefix(ACCENTED, prefix)
            self._forms[word] = [word] + [term[len(prefix) :] for term, _items in found]
        return self._forms[word]

    def stems(self, word: str, language: str) -> list[str]:
        """The stems, in the language's analysis, of every way items write the (folded) word: as
        it is, and each form with letters beyond ASCII some item writes (`accented_forms`). An
        item's stemmed text is its own words stemmed, then folded, so these stems find in the
        stemmed fields every item whose folded text holds the word: `securite` stems to `securit`
        in French, `sécurité` to `secur`; `hygiène` and `hygiene` both to `hygien`."""
        if (word, language) not in self._stems:
            stems = [stem for form in self.forms(word) for stem in self.analysers.american_stems(form, language)]
            self._stems[word, language] = list(dict.fromkeys(stems))
        return self._stems[word, language]

    def known(self, word: str) -> bool:
        """Some item holds the (folded) word as written, joined, or stemmed in its language:
        `jumelage` is no typo where items say `jumelages`."""
        if word not in self._known:
            self._known[word] = any(self.doc_freq(name, word) for name in (*FOLDED_FIELDS, JOINED)) or any(
                self.stemmed_in(language, stem)
                for language in LANGUAGES
                for stem in self.analysers.american_stems(word, language)
            )
        return self._known[word]

    def stemmed_in(self, language: str, stem: str) -> bool:
        """Some item in `language` holds the stem in its stemmed text."""
        return any(self.doc_freq(stemmed_field(name, language), stem) for name in STEMMED_FIELDS)

    def has(self, field: str, *terms: str) -> bool:
        """Some item holds each of the terms in the field, so a query of them can match. One that
        cannot is left out of the search: tantivy still prepares it on every segment, and a
        synonym's dozens of phrases and stems no item holds cost a clause as much as its matches."""
        return all(map(functools.partial(self.doc_freq, field), terms))

    def holds(self, word: str) -> int:
        """How many items hold the folded word in their own text (title, summary, body)."""
        return max(self.doc_freq(name, word) for name in SPELLING_FIELDS)

    def corrections(self, word: str, limit: int = 3) -> list[str]:
        """Indexed words within the allowed edits, closest and most common first. Like
        Elasticsearch's suggesters, the first letter is taken as typed."""
        if word not in self._corrections:
            self._corrections[word] = self._closest(word, 3)
        return self._corrections[word][:limit]

    def _closest(self, word: str, limit: int) -> list[str]:
        edits = allowed_edits(word)
        if not edits:
            return []
        candidates: Counter = Counter()
        for name in SPELLING_FIELDS:
            for term, documents in self.searcher.terms_with_prefix(name, word[0]):
                if abs(len(term) - len(word)) <= edits and term != word and is_vocabulary_word(term):
                    candidates[term] += documents
        found = process.extract(word, list(candidates), scorer=OSA.distance, score_cutoff=edits, limit=limit * 4)
        found = sorted(((term, distance) for term, distance, _ in found), key=lambda p: (p[1], -candidates[p[0]]))
        return [term for term, _ in found[:limit]]


class Part(NamedTuple):
    """One query of a clause's alternative."""

    query: Query
    # The stemmed fields find every item it finds (`Vocabulary.stems`): it adds to scores, and is left
    # out of the queries that only match (the counts).
    covered: bool
    # What it matches, whatever its weight (its field and terms): a synonym asks many of its
    # alternatives' stems again (`nurse`, `nursing`: `nurs`), which the counts read once.
    key: tuple
    phrase: bool = False


@dataclass
class TextQuery:
    """The text as tantivy queries: what an item must match (at least m of the n clauses),
    scored and only matched; and, when that is fewer than all, every clause (their items first)."""

    scored: Query
    matching: Query
    every: Query | None = None
    rescored: list[Query] = field(default_factory=list)


def _by_score(searcher: tantivy.Searcher, combined: Query, offset: int, limit: int) -> tuple[int, list]:
    """How many items match, and a page of (score, address) hits by score, equal scores newest
    first, then by id (as Elasticsearch sorts them): tantivy leaves ties in the order of the
    index's segments, which merges change, so the same search could show an item on two pages or
    on none. The page is read with one hit before it and TIES_AHEAD after it, which hold most runs
    of equal scores that cross its edges; a run that goes on past them is read whole in one more
    search, at most TIES_READ hits past the page. Each search costs a pass over every match: the
    hits read in it add little. The run's order comes from the `date_order` fast field, with no
    stored document read."""
    start = max(0, offset - 1)
    read = offset + limit - start + TIES_AHEAD
    found = searcher.search(combined, limit=read, offset=start, count=True)
    hits = found.hits
    first, last = offset - start, offset - start + limit - 1  # the page's place in `hits`
    crosses_top = 0 < first < len(hits) and hits[first - 1][0] == hits[first][0]
    crosses = crosses_top or (last + 1 < len(hits) and hits[last][0] == hits[last + 1][0])
    if crosses:
        edge = min(hits[first][0], hits[min(last, len(hits) - 1)][0])
        read_whole = len(hits) < read or hits[-1][0] < edge  # the run ends among the hits read
        if not read_whole or (crosses_top and start > 0):  # it may go on above or below them
            hits = searcher.search(combined, limit=offset + limit + TIES_READ, count=False).hits
            first = offset
    else:
        hits = hits[first : first + limit]
        first = 0
    orders = searcher.fast_field_values("date_order", [address for _score, address in hits])
    ordered = sorted(zip(hits, orders, strict=True), key=lambda pair: (-pair[0][0], -(pair[1] or 0)))
    return found.count, [hit for hit, _order in ordered[first : first + limit]]


def _terms(field: str) -> dict:
    if field in SET_FIELDS:  # every set of values held, however many: the counts must be exact
        return {"terms": {"field": SET_FIELDS[field], "size": SET_FACET_SIZE}}
    return {"terms": {"field": field, "size": FACET_SIZE}}


def _facet_counts(searcher: tantivy.Searcher, combined: Query, facets: list[str], matched: bool) -> tuple[int, dict]:
    """One aggregation of `_count_facets`, read on the pool's thread: its buckets are turned into
    counts there, mostly while the page's own pass holds the searching thread in tantivy. How
    many items match (when `matched`, else 0), and these facets' counts."""
    aggregations = {facet: _terms(FACET_FIELDS[facet]) for facet in facets}
    if matched:
        aggregations[MATCHED] = {"value_count": {"field": "date_order"}}  # one value per item
    answer = searcher.aggregate(combined, aggregations)
    total = int(answer[MATCHED]["value"] or 0) if matched else 0
    counts = {}
    for facet in facets:
        found: Counter = Counter()
        for bucket in answer.get(facet, {}).get("buckets", []):
            if FACET_FIELDS[facet] in SET_FIELDS:  # a set of values: each of them counts the items
                for value in bucket["key"].split(SET_SEPARATOR):
                    found[value] += bucket["doc_count"]
            else:
                found[str(bucket["key"])] += bucket["doc_count"]
        ordered = sorted(found.items(), key=lambda pair: (-pair[1], pair[0]))
        counts[facet] = [FacetCount(value, count) for value, count in ordered[:FACET_SIZE] if count]
    return total, counts


def _counted(counting: list[Future]) -> tuple[int, dict[str, list[FacetCount]]]:
    """How many items match, and each facet's counts, from the aggregations `_count_facets` asked for."""
    total, counts = 0, {}
    for future in counting:
        matched, found = future.result()
        total += matched
        counts |= found
    return total, counts


def _scored(
    searcher: tantivy.Searcher, text: TextQuery, filters: dict[str, Condition], offset: int, limit: int
) -> list:
    """(score, address) hits `offset` to `offset + limit` of the text's matches under the filters:
    those matching every clause first (their scores raised by EVERY_WORD_BONUS, as Elasticsearch's
    are), then the others. Most pages hold only the first tier, read from the conjunction alone."""
    if text.every is None:
        return _by_score(searcher, TantivyEngine._combined(text.scored, filters), offset, limit)[1]
    every, hits = _by_score(searcher, TantivyEngine._combined(text.every, filters), offset, limit)
    hits = [(score + EVERY_WORD_BONUS, address) for score, address in hits]
    if len(hits) < limit:  # the page reaches past the items matching every clause
        rest = Query.boolean_query([(Occur.Must, text.scored), (Occur.MustNot, text.every)])
        start = max(0, offset - every)
        hits += _by_score(searcher, TantivyEngine._combined(rest, filters), start, limit - len(hits))[1]
    return hits


def _matched_elsewhere(stored: dict, language: str, marks: Marks) -> list[str]:
    return [name for name in MATCHED_ELSEWHERE if matches("\n".join(stored.get(name, [])), language, marks)]


class TantivyEngine(SearchEngine):
    name = "tantivy"

    def __init__(self, path, writer_wait: float = WRITER_WAIT):
        self.analysers = Analysers()
        self.folder = IndexFolder(path, self.analysers, writer_wait)
        self._threads: tuple[int, ThreadPoolExecutor] | None = None

    @cached_property
    def schema(self) -> tantivy.Schema:
        return build_schema()

    # Writing ---------------------------------------------------------------------------------

    def prepare(self, document: dict) -> dict:
        return with_variants(document)

    def upsert(self, documents: list[dict]) -> None:
        if not documents:
            return
        with self.folder.writer() as writer:
            for document in documents:
                # A delete applies to what was added before it: the new version stays.
                writer.delete_documents_by_term("id", document["id"])
                writer.add_document(to_tantivy(document))

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids or self.folder.current_name() is None:  # no index: nothing to remove
            return
        with self.folder.writer() as writer:
            for pk in ids:
                writer.delete_documents_by_term("id", pk)

    def rebuild(self, prepared: Iterable[dict], progress: Callable[[int], None]) -> None:
        """A new generation beside the live one; readers switch to it once it is committed."""
        with self.folder.new_generation() as writer:
            pending = 0
            for document in prepared:
                writer.add_document(to_tantivy(document))
                pending += 1
                if pending == REBUILD_PROGRESS_EVERY:
                    progress(pending)
                    pending = 0
            if pending:
                progress(pending)

    def indexed_versions(self) -> dict[int, str]:
        if self.folder.current_name() is None:
            return {}  # nothing indexed yet: `check` lists every item as missing, `update` adds them
        searcher = self.folder.searcher()
        if not searcher.num_docs:
            return {}
        hits = searcher.search(Query.all_query(), limit=searcher.num_docs, count=False).hits
        versions = {}
        for _score, address in hits:
            stored = searcher.doc(address)
            versions[stored.get_first("id")] = stored.get_first("version")
        return versions

    # Queries ---------------------------------------------------------------------------------

    def _term(self, name: str, value, boost: float = 1.0) -> Query:
        query = Query.term_query(self.schema, name, value)
        return query if boost == 1.0 else Query.boost_query(query, boost)

    def _exact(self, typed: str, word: str, weight: float, out: ClauseQuery, vocabulary: Vocabulary) -> list[Part]:
        """A word folded in every text field and, stemmed by each language, in its fields: as typed,
        and as items write it (`Vocabulary.stems`), so the stemmed fields find every item the
        folded title, summary and body find, and the counts need not read those (`Part.covered`)."""
        parts = [
            Part(self._term(name, word, boost * weight), name in STEMMED_FIELDS, key=(name, word))
            for name, boost in FOLDED_FIELDS.items()
            if vocabulary.has(name, word)
        ]
        if vocabulary.has(JOINED, word):
            parts.append(Part(self._term(JOINED, word, JOINED_BOOST * weight), False, key=(JOINED, word)))
        for language in LANGUAGES:
            for stem in dict.fromkeys(
                [*self.analysers.american_stems(typed, language), *vocabulary.stems(word, language)]
            ):
                parts += [
                    Part(self._term(name, stem, boost * weight), False, key=(name, stem))
                    for name, boost in STEMMED_BY_LANGUAGE[language]
                    if vocabulary.has(name, stem)
                ]
        out.words.add(word)
        out.stems |= stems_in_every_language(american(word))
        return parts

    def _word(
        self, typed: str, word: str, vocabulary: Vocabulary, out: ClauseQuery, weight: float = 1.0, typos: bool = True
    ) -> list[Part]:
        """A single word; when it may hold a typo (`typos`: the reader typed it) and the index does
        not know it and it has five letters or more, also the known words within the allowed
        edits (as the database engine corrected them, stemmed too) and tantivy's fuzzy terms
        (typos in the first letter as well), at half weight."""
        parts = self._exact(typed, word, weight, out, vocabulary)
        edits = allowed_edits(word)
        if typos and edits and not vocabulary.known(word):
            for correction in vocabulary.corrections(word):
                parts += self._exact(correction, correction, FUZZY_WEIGHT * weight, out, vocabulary)
            for name in SPELLING_FIELDS:
                fuzzy = Query.fuzzy_term_query(self.schema, name, word, distance=edits, transposition_cost_one=True)
                boosted = Query.boost_query(fuzzy, FUZZY_WEIGHT * weight * FOLDED_FIELDS[name])
                parts.append(Part(boosted, False, key=(name, word, f"~{edits}")))
        return parts

    def _phrase(
        self,
        words: list[str],
        out: ClauseQuery,
        vocabulary: Vocabulary,
        weight: float,
        typed: str,
    ) -> list[Part]:
        """The words side by side in any text field, as written; and, stemmed by each language,
        in its stemmed fields, so a phrase finds its inflected forms (`rupture de stock` finds
        `ruptures de stock`): each word as typed and as items write it (`Vocabulary.stems`), so the
        stemmed phrases find every item the folded ones find in the title, summary and body
        (`Part.covered`), unless its words have more than STEM_SEQUENCES ways together."""
        out.phrases.add(tuple(words))
        sequences = {language: self._stem_sequences(words, typed, language, vocabulary) for language in LANGUAGES}
        covered = all(found is not None for found in sequences.values())
        parts = [
            Part(
                Query.boost_query(Query.phrase_query(self.schema, name, words), boost * weight),
                covered and name in STEMMED_FIELDS,
                phrase=True,
                key=(name, *words),
            )
            for name, boost in FOLDED_FIELDS.items()
            if vocabulary.has(name, *words)
        ]
        for language in LANGUAGES:
            for stems in sequences[language] or [tuple(self.analysers.american_stems(typed, language))]:
                # A language whose items lack one of the stems cannot hold the phrase: not asked.
                if len(stems) > 1 and all(vocabulary.stemmed_in(language, s) for s in stems):
                    out.stemmed_phrases.add((language, stems))
                    for name, boost in STEMMED_FIELDS.items():
                        phrase = self._stemmed_phrase(name, language, list(stems), vocabulary)
                        if phrase is not None:
                            key = (stemmed_field(name, language), *stems)
                            parts.append(Part(Query.boost_query(phrase, boost * weight), False, key, phrase=True))
        return parts

    def _stem_sequences(
        self, words: list[str], typed: str, language: str, vocabulary: Vocabulary
    ) -> list[tuple[str, ...]] | None:
        """Each way the phrase's words stem together in the language, as typed and as items write
        them (`sécurité des patients`: `secur de patient` and `securit de patient` in French);
        None where there are more than STEM_SEQUENCES, or a word has no stem."""
        typed_stems = self.analysers.american_stems(typed, language)
        per_word = [vocabulary.stems(word, language) for word in words]
        if len(typed_stems) == len(words):
            per_word = [list(dict.fromkeys([first, *rest])) for first, rest in zip(typed_stems, per_word, strict=True)]
        if not all(per_word):
            return None
        sequences = list(itertools.islice(itertools.product(*per_word), STEM_SEQUENCES + 1))
        return sequences if len(sequences) <= STEM_SEQUENCES else None

    def _stemmed_phrase(self, name: str, language: str, stems: list[str], vocabulary: Vocabulary) -> Query | None:
        """The stems side by side in a stemmed field; where the field has pairs (the body), read
        from them: two stems are one pair's term, more are their pairs side by side. A phrase of
        common words then reads the positions of its pairs, not of every one of its words. None
        where no item holds them all (`Vocabulary.has`)."""
        if name not in PAIRED_FIELDS:
            field, terms = stemmed_field(name, language), stems
        else:
            field, terms = pairs_field(name, language), [pair(a, b) for a, b in zip(stems, stems[1:], strict=False)]
        if not vocabulary.has(field, *terms):
            return None
        return self._term(field, terms[0]) if len(terms) == 1 else Query.phrase_query(self.schema, field, terms)

    def _split(self, word: str, vocabulary: Vocabulary) -> list[list[str]]:
        """A joined word as two words items hold (`handrub` -> `hand rub`, `rollout` -> `roll
        out`, `workloads` -> `work loads`): each split into halves of three letters or more that
        some item's text holds, as written or stemmed (the phrase is looked up stemmed too)."""
        if len(word) < 2 * MIN_COMPOUND_PART:
            return []

        def held(left: str, right: str) -> int:
            # The first half as written, the second also stemmed (`work` + `loads`).
            first = vocabulary.holds(left)
            return min(first, vocabulary.holds(right) or int(vocabulary.known(right))) if first else 0

        splits = [
            (held(word[:i], word[i:]), [word[:i], word[i:]])
            for i in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1)
        ]
        return [split for documents, split in sorted(splits, reverse=True)[:MAX_SPLITS] if documents]

    def _clause(self, clause: Clause, vocabulary: Vocabulary) -> ClauseQuery | None:
        """Any of the clause's alternatives (the word or phrase typed, or a synonym)."""
        out = ClauseQuery(Query.empty_query())
        per_alternative: list[Query] = []
        matching: dict = {}  # by `Part.key`
        asked = False  # some alternative has words, held by an item or not
        asked_with: dict[tuple, float] = {}  # each part's key, by the weight it is asked with
        for position, alternative in enumerate(clause.alternatives):
            weight = clause.weight(position)
            typed = " ".join(alternative.words)
            words = self.analysers.folded(typed)
            asked = asked or bool(words)
            parts: list[Part] = []
            if len(words) > 1:  # a quoted phrase, a multi-word synonym, `hiv/aids` or `stock-out`
                parts += self._phrase(words, out, vocabulary, weight, typed)
                # Two words (`stock-out`, `hand rub`) also written as one, where some item does.
                if len(words) == 2 and vocabulary.known("".join(words)):
                    parts += self._exact("".join(TOKEN.findall(typed)), "".join(words), weight, out, vocabulary)
            elif words:
                # A synonym is the vocabulary's word, spelt as editors wrote it: no typo to forgive
                # (one no item holds would only be "corrected" into another word).
                parts += self._word(typed, words[0], vocabulary, out, weight, typos=position == 0)
                # Nor any joined words to take apart: only what the reader typed may be run together.
                for split in self._split(words[0], vocabulary) if position == 0 else ():
                    parts += self._phrase(split, out, vocabulary, weight, " ".join(split))
            matching |= {part.key: part.query for part in parts if not part.covered}
            # What an alternative at least as heavy already asks, this one does not ask again:
            # inflections listed as synonyms (`infirmier`, `infirmiers`, `infirmière`) share their
            # stems, which would each add a tenth of their score and be read once more.
            parts = [part for part in parts if asked_with.get(part.key, 0.0) < weight]
            asked_with |= {part.key: weight for part in parts}
            if parts:
                per_alternative.append(self._alternative(parts, out, as_typed=position == 0))
        for compound in clause.compounds:  # the word joined with its neighbour: `hand rub` -> `handrub`
            if not vocabulary.known(compound):
                continue
            joined = self._exact(compound, compound, 1.0, out, vocabulary)
            per_alternative.append(self._alternative(joined, out))
            matching |= {part.key: part.query for part in joined if not part.covered}
        if not asked:
            return None
        if not per_alternative:  # words no item holds: the clause stays, matching nothing
            per_alternative.append(Query.empty_query())
        out.query = Query.disjunction_max_query(per_alternative, ALTERNATIVES_TIE_BREAKER)
        out.matching = Query.boolean_query([(Occur.Should, query) for query in matching.values()])
        out.optional = clause.optional
        return out

    @staticmethod
    def _alternative(parts: list[Part], out: ClauseQuery, as_typed: bool = True) -> Query:
        """An alternative's parts, each matching item's scores summed. A covered phrase is scored
        on the best matches only (`out.rescored`): checking its positions in every item that holds
        its words costs as much as the stemmed phrase that finds the same items. A synonym's
        covered phrase (`as_typed` false) is not scored at all: its stems score it within the
        clause, where its alternative counts a tenth beside a better one; added outside it, the
        exact writing of words the reader did not type outweighed the words typed (`make eval`:
        nDCG@10 0.905 without it, 0.918 with)."""
        if as_typed:
            out.rescored += [part.query for part in parts if part.covered and part.phrase]
        return Query.boolean_query([(Occur.Should, part.query) for part in parts if not (part.covered and part.phrase)])

    def _filters(self, query: SearchQuery) -> dict[str, Condition]:
        """What each active facet filter allows: values of one facet OR-ed."""
        filters = {}
        for facet in FACETS:
            values = query.chosen(facet)
            if facet == "reader" and values:
                filters[facet] = self._shown_to(values)
            elif values:
                name = FACET_FIELDS[facet]
                if facet == "year":
                    filters[facet] = Condition(Query.term_set_query(self.schema, name, [int(v) for v in values]))
                else:
                    filters[facet] = Condition(Query.term_set_query(self.schema, name, [str(v) for v in values]))
        if query.year_from or query.year_to:
            # The range belongs to the year facet: its counts show the other years too.
            years = Query.range_query(self.schema, "year", tantivy.FieldType.Integer, query.year_from, query.year_to)
            filters["year"] = Condition(
                Query.boolean_query(
                    [(Occur.Must, years)] + ([(Occur.Must, filters["year"].query)] if "year" in filters else [])
                )
            )
        return filters

    def _shown_to(self, readers) -> Condition:
        """The versions shown to any of these readers: not hidden from all of them (`HIDDEN_FROM`)."""
        hidden = [(Occur.Must, self._term(HIDDEN_FROM, str(reader))) for reader in readers]
        return Condition(hidden[0][1] if len(hidden) == 1 else Query.boolean_query(hidden), Occur.MustNot)

    @staticmethod
    def _text(clauses: list[ClauseQuery], minimum: int | None) -> TextQuery | None:
        """Items matching at least `minimum` clauses (None: all), those matching all of them first:
        Elasticsearch's `bool.should` with `minimum_should_match` and a constant added to the
        items matching every clause (search/schema.py EVERY_WORD_BONUS), each matching clause's
        score counted once. The two tiers are asked apart (`_scored`): the page reads the items
        matching every clause, a conjunction, cheaper than the union, and the rest only when the
        page reaches past them."""
        if not clauses:
            return None
        # Function words typed among others count only where the typed words stand together
        # (`_near`): an item need not hold them, and they never match on their own.
        clauses = [clause for clause in clauses if not clause.optional] or clauses
        n = len(clauses)
        m = n if minimum is None else max(1, min(minimum, n))

        def at_least(queries: list[Query]) -> Query:
            if m == n:
                return Query.boolean_query([(Occur.Must, query) for query in queries])
            return Query.boolean_query([(Occur.Should, query) for query in queries], minimum_number_should_match=m)

        scored = at_least([clause.query for clause in clauses])
        matching = at_least([clause.matching for clause in clauses])
        rescored = [query for clause in clauses for query in clause.rescored]
        every = Query.boolean_query([(Occur.Must, clause.query) for clause in clauses]) if m < n else None
        return TextQuery(scored, matching, every, rescored)

    @staticmethod
    def _combined(text: Query | None, filters: dict[str, Condition], leave_out: str | None = None) -> Query:
        parts = [(Occur.Must, text)] if text is not None else []
        parts += [(condition.occur, condition.query) for name, condition in filters.items() if name != leave_out]
        if not any(occur == Occur.Must for occur, _query in parts):  # exclusions alone match nothing
            parts.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(parts)

    def _near(self, parsed: ParsedText, vocabulary: Vocabulary) -> list[Query]:
        """Proximity: the typed words close together, in the order typed (at most PROXIMITY_SLOP
        words apart), one phrase query per field; none for a single word or a quoted phrase,
        which says itself where its words stand."""
        words = []
        for clause in parsed.clauses:
            folded = self.analysers.folded(" ".join(clause.alternatives[0].words))
            if len(folded) != 1:
                return []
            words.append(folded[0])
        if len(words) < 2:
            return []
        return [
            Query.boost_query(Query.phrase_query(self.schema, name, words, slop=PROXIMITY_SLOP), boost * PROXIMITY)
            for name, boost in FOLDED_FIELDS.items()
            if name in SPELLING_FIELDS and vocabulary.has(name, *words)
        ]

    def needs_rebuild(self) -> str | None:
        try:
            self.folder.index()
        except SchemaChanged as changed:
            return str(changed)
        except EngineUnavailable:  # missing or unreadable: `check` and `update` say so themselves
            pass
        return None

    # Reading ---------------------------------------------------------------------------------

    def search(self, query: SearchQuery, parsed: ParsedText, minimum: int | None = None) -> EngineResults:
        searcher = self.folder.searcher()  # one consistent view of the index for the whole search
        vocabulary = Vocabulary(searcher, self.analysers)
        clauses = self._clauses(parsed, vocabulary)
        filters = self._filters(query)
        text = self._text(clauses, minimum)
        matching = text.matching if text else None
        # The facet counts (and with them how many items match) are counted on other threads
        # while this one reads the page and highlights its hits.
        counting = self._count_facets(searcher, matching, filters)
        if text and query.sort == "relevance":
            addresses = self._ranked_page(searcher, text, filters, self._near(parsed, vocabulary), query)
        else:  # by date: what matches, not how well
            addresses = self._dated_page(searcher, self._combined(matching, filters), query)
        matched = [clause for clause in clauses if not clause.optional] or clauses  # never a lone `de` or `the`
        marks = Marks(
            words={w for c in matched for w in c.words},
            stems={s for c in matched for s in c.stems},
            phrases={p for c in matched for p in c.phrases},
            stemmed_phrases={p for c in matched for p in c.stemmed_phrases},
        )
        hits = [self._hit(searcher.doc(address), marks) for address in addresses]
        total, facets = _counted(counting)
        return EngineResults(total=total, hits=hits, facets=facets)

    def count(self, query: SearchQuery, parsed: ParsedText) -> int:
        searcher = self.folder.searcher()
        text = self._text(self._clauses(parsed, Vocabulary(searcher, self.analysers)), None)
        matching = text.matching if text else None
        return searcher.search(self._combined(matching, self._filters(query)), limit=1, count=True).count

    def spelling(self, words: list[str]) -> dict[str, list[str]]:
        if not words:
            return {}
        vocabulary = Vocabulary(self.folder.searcher(), self.analysers)
        corrections = {}
        for word in words:
            folded = self.analysers.folded(word)  # the index's own folding (`œ` is `oe` there)
            if len(folded) == 1 and not vocabulary.known(folded[0]):
                found = vocabulary.corrections(folded[0])
                if found:
                    corrections[word] = found
        return corrections

    def _clauses(self, parsed: ParsedText, vocabulary: Vocabulary) -> list[ClauseQuery]:
        return [c for c in (self._clause(clause, vocabulary) for clause in parsed.clauses) if c]

    def _ranked_page(
        self,
        searcher: tantivy.Searcher,
        text: TextQuery,
        filters: dict[str, Condition],
        near: list[Query],
        query: SearchQuery,
    ) -> list:
        """The best PROXIMITY_WINDOW matches by their words' scores, rescored with proximity and
        the covered phrases (`TextQuery.rescored`); below the window, matches keep their order by
        words, as Elasticsearch's `rescore` leaves them. Scored on every match, proximity cost ten
        times the rest of a three-word search at 100,000 items, and a covered phrase half of a
        phrase search. (A window of 300 or 1,000 changed the first ten of fewer searches, but
        each rescoring phrase then reads the positions of most items: slower than no window.)"""
        end = query.offset + query.page_size
        if query.offset >= PROXIMITY_WINDOW:
            return [address for _score, address in _scored(searcher, text, filters, query.offset, query.page_size)]
        window = _scored(searcher, text, filters, 0, PROXIMITY_WINDOW)
        if near or text.rescored:
            window = self._rescored(searcher, window, near + text.rescored)
        if end > PROXIMITY_WINDOW:
            window += _scored(searcher, text, filters, PROXIMITY_WINDOW, end - PROXIMITY_WINDOW)
        return [address for _score, address in window[query.offset : end]]

    def _rescored(self, searcher: tantivy.Searcher, window: list, phrases: list[Query]) -> list:
        """These (score, address) hits with what the phrase queries add to their scores, ordered
        as Elasticsearch sorts (score, then newer, then higher id). One search per phrase, among
        these items only: with three phrase queries or more in one union, tantivy checks
        positions in every item holding the words, not only in these."""
        if not window:
            return window
        addresses = [address for _score, address in window]
        ids = searcher.fast_field_values("id", addresses)
        # Terms OR-ed, not a term set: tantivy reads a set's items as one docset of unknown size
        # and checks the phrase first, in every item.
        among = Query.const_score_query(Query.boolean_query([(Occur.Should, self._term("id", pk)) for pk in ids]), 0.0)
        added: Counter = Counter()
        for phrase in phrases:
            # Required, not optional: an optional phrase is advanced to its next match past each
            # of these items, reading the positions of every item that holds the words where few
            # hold the phrase (`surgical site infection` in the body: 8.7 against 0.2 ms).
            query = Query.boolean_query([(Occur.Must, among), (Occur.Must, phrase)])
            hits = searcher.search(query, limit=len(ids), count=False).hits
            found = searcher.fast_field_values("id", [address for _score, address in hits])
            for (score, _address), pk in zip(hits, found, strict=True):
                added[pk] += score
        newer = searcher.fast_field_values("date_order", addresses)
        rescored = [
            (score + added.get(pk, 0.0), order, address)
            for (score, address), pk, order in zip(window, ids, newer, strict=True)
        ]
        return [(score, address) for score, _order, address in sorted(rescored, key=lambda hit: hit[:2], reverse=True)]

    @staticmethod
    def _dated_page(searcher: tantivy.Searcher, combined: Query, query: SearchQuery) -> list:
        found = searcher.search(
            combined,
            limit=query.page_size,
            offset=query.offset,
            count=False,  # counted with the facets
            order_by_field="date_order",
            order=Order.Asc if query.sort == "oldest" else Order.Desc,
        )
        return [address for _key, address in found.hits]

    @staticmethod
    def _hit(stored: tantivy.Document, marks: Marks) -> Hit:
        values = stored.to_dict()

        def first(name: str, default=""):
            return values.get(name, [default])[0]

        summary, language = first("summary"), first("language")
        highlights = highlight(f"{summary}\n{first('body')}", language, marks) if marks else []
        return Hit(
            id=first("id"),
            title=first("title"),
            url=first("url"),
            type=first("type"),
            summary=summary,
            language=language,
            publication_date=datetime.date.fromisoformat(first("publication_date")),
            focus_areas=values.get("focus_areas", []),
            countries=values.get("countries", []),
            highlights=highlights,
            matched_in=[] if highlights or not marks else _matched_elsewhere(values, language, marks),
        )

    def _count_facets(
        self, searcher: tantivy.Searcher, text: Query | None, filters: dict[str, Condition]
    ) -> list[Future]:
        """Each facet counts the matches under every filter but its own: the facets without a
        filter in one aggregation, which also counts the matches, and each filtered facet in one
        of its own; each aggregation on a thread of the pool."""
        groups: list[tuple[str | None, list[str]]] = [(None, [f for f in COUNTED_FACETS if f not in filters])]
        groups += [(facet, [facet]) for facet in COUNTED_FACETS if facet in filters]
        pool = self._pool()
        return [
            pool.submit(_facet_counts, searcher, self._combined(text, filters, leave_out), facets, leave_out is None)
            for leave_out, facets in groups
        ]

    def _pool(self) -> ThreadPoolExecutor:
        # Made in the process that searches: a pool's threads do not survive a fork (gunicorn).
        if self._threads is None or self._threads[0] != os.getpid():
            self._threads = (os.getpid(), ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="tantivy-search"))
        return self._threads[1]

    def autocomplete(self, prefix: str, limit: int = 8, readers: tuple[str, ...] = ()) -> list[Suggestion]:
        """Titles with every typed word, the last one as a prefix (`surgical saf`)."""
        words = self.analysers.folded(prefix)
        if not words or len(words[-1]) < AUTOCOMPLETE_MIN_PREFIX:
            return []
        searcher = self.folder.searcher()
        # Folded tokens are letters and digits only: nothing in them is regex syntax.
        parts = [(Occur.Must, self._term("title", word)) for word in words[:-1]]
        parts.append((Occur.Must, Query.regex_query(self.schema, "title", f"{words[-1]}.*")))
        if readers:  # each item once: the version for the reader's language
            shown = self._shown_to(readers)
            parts.append((shown.occur, shown.query))
        found = searcher.search(Query.boolean_query(parts), limit=limit, count=False)
        suggestions = []
        for _score, address in found.hits:
            stored = searcher.doc(address)
            suggestions.append(Suggestion(stored.get_first("title"), stored.get_first("url"), stored.get_first("type")))
        return suggestions

    def more_like_this(self, item_id: int, limit: int = 4) -> list[int]:
        """Items sharing the item's distinctive words (in two items or more, and in fewer than
        30% of them), over title, summary and body."""
        searcher = self.folder.searcher()
        found = searcher.search(self._term("id", item_id), limit=1, count=False).hits
        if not found:
            return []
        stored = searcher.doc(found[0][1]).to_dict()
        fields = {name: stored[name] for name in ("title", "summary", "body") if stored.get(name)}
        if not fields:
            return []
        like = Query.more_like_this_document_fields_query(
            self.schema,
            fields,
            min_doc_frequency=2,
            max_doc_frequency=max(2, int(searcher.num_docs * MORE_LIKE_THIS_COMMON)),
            min_term_frequency=1,
            max_query_terms=MORE_LIKE_THIS_TERMS,
            min_word_length=4,
        )
        query = Query.boolean_query([(Occur.Must, like), (Occur.MustNot, self._term("id", item_id))])
        # Equal scores come back in the order of the index's segments, which background merges
        # change: ties go to the newer id, so a page's related items stay the same.
        hits = searcher.search(query, limit=limit + MORE_LIKE_THIS_TIES).hits
        if len(hits) > limit:  # only the hits that tie with the last one shown need their ids read
            last = round(hits[limit - 1][0], 3)
            hits = [(score, address) for score, address in hits if round(score, 3) >= last]
        ranked = sorted(
            ((round(score, 3), searcher.doc(address).get_first("id")) for score, address in hits), reverse=True
        )
        return [pk for _score, pk in ranked[:limit]]
