"""Spellings that should meet: British and American forms, and words written joined, hyphenated
or apart (stock-out, stockout, stock out).

`american()` rewrites British forms the same way on both sides, the item's stemmed text when it
is indexed and the query's words when they are looked up, so `haemorrhage` finds `hemorrhage`
and `sterilisation` finds `sterilization`. A rewrite that also catches a word it was not meant
for (`promise` -> `promize`) does no harm: both sides get it.
"""

import re
from functools import lru_cache

# Greek-derived medical words: ae and oe became e in American spelling.
_LIGATURES = re.compile(
    r"\b(h|an|septic|leuk|isch|glyc|hyperglyc|hypoglyc|bacter|tox)aem"
    r"|\b(p|orthop)aed"
    r"|\b(an|gyn)aec"
    r"|\b(c)aesar"
    r"|\b(an)aesth"
    r"|\b(f)oet"
    r"|\b(am)oeb"
    r"|(rrh|pn)oea",
    re.IGNORECASE,
)
_ENDINGS = [
    # oedema, oesophagus, oestrogen, aetiology: the ligature starts the word
    (re.compile(r"\b[ao]e(dem|sophag|str|tiol)", re.IGNORECASE), r"e\1"),
    # organisation, sterilised, prioritising, analyse -> -iz-, -yz-
    (re.compile(r"\b(\w{3,})is(e|ed|es|er|ers|ing|ation|ations)\b", re.IGNORECASE), r"\1iz\2"),
    (re.compile(r"\b(\w{2,})ys(e|ed|es|ing)\b", re.IGNORECASE), r"\1yz\2"),
    # colour, labour, tumour, behaviour (not four, hour, tour, your: six letters at least)
    (re.compile(r"\b(\w{3,})our(s|ed|ing)?\b", re.IGNORECASE), r"\1or\2"),
    # counselling, labelled, modelling, travelled
    (re.compile(r"\b(\w{3,}[aeiou])ll(ing|ed|er|ers|or|ors)\b", re.IGNORECASE), r"\1l\2"),
    # centre, litre, fibre, theatre, programme, catalogue
    (re.compile(r"\b(cent|lit|met|fib|theat|calib|spect|lust)re(s|d)?\b", re.IGNORECASE), r"\1er\2"),
    (re.compile(r"\b(program)me(s)?\b", re.IGNORECASE), r"\1\2"),
    (re.compile(r"\b(catalog|dialog|analog)ue(s)?\b", re.IGNORECASE), r"\1\2"),
    (re.compile(r"\b(licen|defen|offen)ce(s)?\b", re.IGNORECASE), r"\1se\2"),
]


def _ligature(match: re.Match) -> str:
    text = match.group(0)
    for prefix in match.groups():
        if prefix is not None:
            rest = text[len(prefix) :]
            # Drop the a or o of the ligature, keep the e and whatever follows.
            return prefix + rest[1:]
    return text


# Every rewrite above stays within one word, so a text is rewritten word by word.
_WORD = re.compile(r"\w+")
# Distinct words remembered with their American form: a few MiB at most.
WORD_CACHE = 200_000


@lru_cache(maxsize=WORD_CACHE)
def _american_word(word: str) -> str:
    word = _LIGATURES.sub(_ligature, word)
    for pattern, replacement in _ENDINGS:
        word = pattern.sub(replacement, word)
    return word


def american(text: str) -> str:
    """The text with British spellings rewritten as American ones. Words repeat from text to
    text: each distinct word is rewritten once (ten patterns over a whole item cost more than
    the rest of building its search document)."""
    return _WORD.sub(lambda match: _american_word(match.group(0)), text)


# A word written with hyphens: stock-out, roll-out, hand-rub, covid-19.
# (Starting only where a word starts: tried from every letter, it cost a millisecond an item.)
HYPHENATED = re.compile(r"(?<![^\W_])[^\W_]+(?:-[^\W_]+)+")


def joined_forms(text: str) -> str:
    """Each hyphenated word of the text written joined (`stock-out` -> `stockout`), space-separated:
    indexed beside the text so that a reader typing the joined form finds it."""
    return " ".join(dict.fromkeys(match.group(0).replace("-", "") for match in HYPHENATED.finditer(text)))
