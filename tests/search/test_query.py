"""Parsing what users type: synonyms recognised by their forms, function words, neighbouring words
written joined, and what each alternative weighs. The engines translate the result as it is."""

from search.query import SynonymLookup, parse_text
from search.schema import SYNONYM_WEIGHT

VOCABULARY = {
    ("stock-out",): [("rupture", "de", "stock"), ("desabastecimiento",)],
    ("rupture", "de", "stock"): [("stock-out",), ("desabastecimiento",)],
    ("desabastecimiento",): [("stock-out",), ("rupture", "de", "stock")],
    ("nurse",): [("enfermera",)],
    ("enfermera",): [("nurse",)],
    ("esterilización",): [("sterilisation",)],
    ("sterilisation",): [("esterilización",)],
    ("check-list", "de", "sécurité", "chirurgicale"): [("surgical", "safety", "checklist")],
    ("surgical", "safety", "checklist"): [("check-list", "de", "sécurité", "chirurgicale")],
    ("pph",): [("postpartum", "haemorrhage")],
    ("postpartum", "haemorrhage"): [("pph",)],
    ("twinning",): [("jumelage", "hospitalier")],
}


def alternatives(text: str, **options) -> list[list[tuple[str, ...]]]:
    return [[a.words for a in clause.alternatives] for clause in parse_text(text, VOCABULARY, **options).clauses]


def test_a_synonym_is_found_in_any_of_its_forms():
    # Inflected (stemmed in each language), without accents, written joined, hyphenated or apart.
    assert alternatives("enfermeras") == [[("enfermeras",), ("enfermera",), ("nurse",)]]
    assert alternatives("esterilizacion")[0][1:] == [("esterilización",), ("sterilisation",)]
    for typed in ("stockouts", "stock-outs", "stock outs", "Stock Out"):
        found = alternatives(typed)
        assert len(found) == 1 and found[0][1:] == [("stock-out",), ("rupture", "de", "stock"), ("desabastecimiento",)]
    assert alternatives("ruptures de stock")[0][:2] == [("ruptures", "de", "stock"), ("rupture", "de", "stock")]


def test_a_synonym_is_found_without_its_function_words_and_a_run_never_starts_with_one():
    assert alternatives("check-list sécurité chirurgicale") == [
        [
            ("check-list", "sécurité", "chirurgicale"),
            ("check-list", "de", "sécurité", "chirurgicale"),
            ("surgical", "safety", "checklist"),
        ]
    ]
    # `de nurse` is no form of `nurse`: the function word stays a clause of its own.
    assert [clause.source for clause in parse_text("stock de nurse", VOCABULARY).clauses] == ["stock", "de", "nurse"]


def test_a_quoted_phrase_gets_the_synonyms_of_the_whole_phrase():
    assert alternatives('"stock out" rupture') == [
        [("stock", "out"), ("stock-out",), ("rupture", "de", "stock"), ("desabastecimiento",)],
        [("rupture",)],
    ]


def test_a_misspelt_word_finds_its_synonyms_through_its_correction():
    assert alternatives("postpartum haemorage") == [[("postpartum",)], [("haemorage",)]]
    corrected = alternatives("postpartum haemorage", corrections={"haemorage": "haemorrhage"})
    assert corrected == [[("postpartum", "haemorage"), ("postpartum", "haemorrhage"), ("pph",)]]


def test_function_words_typed_among_others_are_not_required():
    parsed = parse_text("lista de verificação", VOCABULARY)
    assert [(clause.source, clause.optional) for clause in parsed.clauses] == [
        ("lista", False),
        ("de", True),
        ("verificação", False),
    ]
    assert parsed.required == 2
    # Nothing but function words: each is required.
    assert parse_text("de la", VOCABULARY).required == 2


def test_neighbouring_words_also_match_written_as_one():
    parsed = parse_text("hand rub audits of work load", VOCABULARY)
    assert [(clause.source, clause.compounds) for clause in parsed.clauses] == [
        ("hand", ("handrub",)),
        ("rub", ("handrub", "rubaudits")),
        ("audits", ("rubaudits",)),
        ("of", ()),  # never across a function word
        ("work", ("workload",)),
        ("load", ("workload",)),
    ]
    # Not a synonym run nor a quoted phrase: those already say how their words stand.
    assert [clause.compounds for clause in parse_text('"hand rub" nurse stock', VOCABULARY).clauses] == [(), (), ()]


def test_a_synonym_of_more_words_than_typed_weighs_proportionally_less():
    (twinning,) = parse_text("twinning", VOCABULARY).clauses
    assert [twinning.weight(position) for position in range(2)] == [1.0, SYNONYM_WEIGHT / 2]
    (pph,) = parse_text("postpartum haemorrhage", VOCABULARY).clauses
    assert [pph.weight(position) for position in range(2)] == [1.0, SYNONYM_WEIGHT]


def test_only_a_word_a_typo_away_from_the_vocabulary_may_find_synonyms_through_its_correction():
    lookup = SynonymLookup(VOCABULARY)
    assert lookup.near("haemorage") and lookup.near("enfermerra")
    # A word of the vocabulary itself, one far from every word of it, or too short for a typo.
    assert not lookup.near("haemorrhage") and not lookup.near("workload") and not lookup.near("nurs")
