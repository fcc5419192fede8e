"""Spellings that should meet: British and American forms, and words written joined, hyphenated
or apart (stock-out, stockout, stock out).

`american()` rewrites British forms the same way on both sides, the item's stemmed text when it
is indexed and the query's words when they are looked up, so `haemorrhage` finds `hemorrhage`
and `sterilisation` finds `sterilization`. A rewrite that also catches a word it was not meant
for (`promise` -> `promize`) does no harm: both sides get it.
"""

import re
from functools import lru_cache

# (pattern, replacement) pairs, applied in order, ignoring case, with Unicode word classes. Written
# in the regex syntax Python and Java share (groups as \1 here; the Elasticsearch mapping's
# pattern_replace character filters get them as $1): both engines rewrite with these very rules.
SPELLING_RULES: tuple[tuple[str, str], ...] = (
    # Greek-derived medical words: ae and oe became e in American spelling.
    (r"\b(h|an|septic|leuk|isch|glyc|hyperglyc|hypoglyc|bacter|tox)aem", r"\1em"),
    (r"\b(p|orthop)aed", r"\1ed"),
    (r"\b(an|gyn)aec", r"\1ec"),
    (r"\b(c)aesar", r"\1esar"),
    (r"\b(an)aesth", r"\1esth"),
    (r"\b(f)oet", r"\1et"),
    (r"\b(am)oeb", r"\1eb"),
    (r"(rrh|pn)oea", r"\1ea"),
    # oedema, oesophagus, oestrogen, aetiology: the ligature starts the word
    (r"\b[ao]e(dem|sophag|str|tiol)", r"e\1"),
    # organisation, sterilised, prioritising, analyse -> -iz-, -yz-
    (r"\b(\w{3,})is(e|ed|es|er|ers|ing|ation|ations)\b", r"\1iz\2"),
    (r"\b(\w{2,})ys(e|ed|es|ing)\b", r"\1yz\2"),
    # colour, labour, tumour, behaviour (not four, hour, tour, your: six letters at least)
    (r"\b(\w{3,})our(s|ed|ing)?\b", r"\1or\2"),
    # counselling, labelled, modelling, travelled
    (r"\b(\w{3,}[aeiou])ll(ing|ed|er|ers|or|ors)\b", r"\1l\2"),
    # centre, litre, fibre, theatre, programme, catalogue
    (r"\b(cent|lit|met|fib|theat|calib|spect|lust)re(s|d)?\b", r"\1er\2"),
    (r"\b(program)me(s)?\b", r"\1\2"),
    (r"\b(catalog|dialog|analog)ue(s)?\b", r"\1\2"),
    (r"\b(licen|defen|offen)ce(s)?\b", r"\1se\2"),
)
_RULES = [(re.compile(pattern, re.IGNORECASE), replacement) for pattern, replacement in SPELLING_RULES]


# Every rule above stays within one word, so a text is rewritten word by word (split keeps the
# words at odd places, what stands between them at even ones).
_WORDS = re.compile(r"(\w+)")
# Distinct words remembered with their American form: a few MiB at most.
WORD_CACHE = 200_000


# Whether any rule applies: most words meet none, and one search of them all costs a fraction of
# trying each (14 µs a new word, which a search's first highlights pay for each word they meet).
_ANY_RULE = re.compile("|".join(f"(?:{pattern})" for pattern, _replacement in SPELLING_RULES), re.IGNORECASE)


@lru_cache(maxsize=WORD_CACHE)
def american_word(word: str) -> str:
    if not _ANY_RULE.search(word):
        return word
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return word


def words(text: str) -> list[str]:
    """The text's words, as `american()` rewrites them one by one."""
    return _WORDS.split(text)[1::2]


def american(text: str) -> str:
    """The text with British spellings rewritten as American ones. Words repeat from text to
    text: each distinct word is rewritten once (the rules over a whole item cost more than the
    rest of building its search document)."""
    parts = _WORDS.split(text)
    # Mapped without a Python call per word (a third faster than a substitution's callback).
    parts[1::2] = map(american_word, parts[1::2])
    return "".join(parts)


# A word written with hyphens: stock-out, roll-out, hand-rub, covid-19.
HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
WORD_CHARACTER = re.compile(r"[^\W_]")


def joined_forms(text: str) -> str:
    """Each hyphenated word of the text written joined (`stock-out` -> `stockout`), space-separated:
    indexed beside the text so that a reader typing the joined form finds it. Looked for from
    each hyphen, back to its word's start: a pattern tried at every word's start cost a third of
    a millisecond an item, most of preparing its document."""
    found: dict[str, None] = {}
    hyphen = text.find("-")
    while hyphen != -1:
        start = hyphen
        while start > 0 and WORD_CHARACTER.match(text, start - 1):
            start -= 1
        match = HYPHENATED.match(text, start) if start < hyphen else None
        if match:
            found[match.group(0).replace("-", "")] = None
        hyphen = text.find("-", match.end() if match else hyphen + 1)
    return " ".join(found)
