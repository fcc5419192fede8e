"""British spellings rewritten as American ones (search/variants.py), word by word."""

import pytest

from search.variants import SPELLING_RULES, american, american_word

# One British word or more for each rule, in the order of SPELLING_RULES.
EXAMPLES = [
    {"haemorrhage": "hemorrhage", "anaemia": "anemia", "leukaemia": "leukemia"},
    {"paediatric": "pediatric", "orthopaedic": "orthopedic"},
    {"gynaecology": "gynecology", "anaecdote": "anecdote"},
    {"caesarean": "cesarean"},
    {"anaesthesia": "anesthesia"},
    {"foetal": "fetal"},
    {"amoebic": "amebic"},
    {"diarrhoea": "diarrhea", "pnoea": "pnea"},
    {"oedema": "edema", "oesophagus": "esophagus", "aetiology": "etiology"},
    {"organisation": "organization", "sterilised": "sterilized", "prioritising": "prioritizing"},
    {"analyse": "analyze", "paralysed": "paralyzed"},
    {"colour": "color", "labours": "labors", "behaviour": "behavior"},
    {"counselling": "counseling", "labelled": "labeled"},
    {"centre": "center", "litres": "liters"},
    {"programme": "program", "programmes": "programs"},
    {"catalogue": "catalog", "dialogues": "dialogs"},
    {"licence": "license", "defences": "defenses"},
]


def test_every_rule_has_an_example():
    assert len(EXAMPLES) == len(SPELLING_RULES)


@pytest.mark.parametrize("examples", EXAMPLES)
def test_each_rule_rewrites_its_words_whatever_their_case(examples):
    for british, us in examples.items():
        assert american_word(british) == us
        assert american_word(british.capitalize()).lower() == us
        assert american(f"The {british}, again.") == f"The {us}, again."


@pytest.mark.parametrize("word", ["hospital", "four", "hour", "tour", "your", "nurses", "santé", "x"])
def test_words_no_rule_applies_to_are_left_as_they_are(word):
    assert american_word(word) == word
