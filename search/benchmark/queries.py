"""The fixed query set: what people type, from one common word to four-word questions, rare
names, phrases, typos, French, and filters alone or with words."""

from knowledge.corpus.text import tail_words

from ..analysis import fold
from ..evaluation.judged import load_queries


def _rare(rank: int) -> str:
    # The corpus's invented names, from the long tail (the later, the rarer).
    return tail_words()[rank].lower()


def search_queries() -> list[tuple[str, dict]]:
    """(kind, GET parameters) pairs, the same for every run and every corpus size."""
    return [
        # One common word
        ("common", {"q": "health"}),
        ("common", {"q": "hospital"}),
        ("common", {"q": "training"}),
        ("common", {"q": "patients"}),
        ("common", {"q": "santé"}),
        ("common", {"q": "formation"}),
        ("common", {"q": "laboratory"}),
        ("common", {"q": "nurses"}),
        # Less common and rare words
        ("uncommon", {"q": "tuberculosis"}),
        ("uncommon", {"q": "pharmacovigilance"}),
        ("uncommon", {"q": "sterilisation"}),
        ("uncommon", {"q": "paludisme"}),
        ("rare", {"q": _rare(1500)}),
        ("rare", {"q": _rare(2500)}),
        ("rare", {"q": _rare(3500)}),
        ("rare", {"q": _rare(3990)}),
        ("rare", {"q": "Quetzaltenango"}),
        ("rare", {"q": "Quispe"}),
        # Two to four words
        ("two words", {"q": "hand hygiene"}),
        ("two words", {"q": "laboratory accreditation"}),
        ("two words", {"q": "stock outages"}),
        ("two words", {"q": "maternal mortality"}),
        ("two words", {"q": "chirurgie pédiatrie"}),
        ("three words", {"q": "community health workers"}),
        ("three words", {"q": "nurses training mentoring"}),
        ("three words", {"q": "data quality dashboard"}),
        ("four words", {"q": "surgical site infections audit"}),
        ("four words", {"q": "supply chain essential medicines"}),
        ("four words", {"q": "prévention des infections hôpital"}),
        ("four words", {"q": f"health {_rare(2000)} training results"}),
        # Phrases
        ("phrase", {"q": '"hand hygiene"'}),
        ("phrase", {"q": '"patient safety"'}),
        ("phrase", {"q": '"supply chain"'}),
        ("phrase", {"q": '"hygiène des mains"'}),
        ("phrase", {"q": '"community health workers" training'}),
        # Typos
        ("typo", {"q": "tuberculossis"}),
        ("typo", {"q": "hygeine"}),
        ("typo", {"q": "pharmacovigilence"}),
        ("typo", {"q": "laboratroy accreditation"}),
        ("typo", {"q": "surveilance"}),
        ("typo", {"q": "vacination"}),
        # Words with filters
        ("filtered", {"q": "health", "focus_area": "health-policy"}),
        ("filtered", {"q": "training", "type": "case-study"}),
        ("filtered", {"q": "laboratory", "country": "ML"}),
        ("filtered", {"q": "santé", "lang": "fr"}),
        ("filtered", {"q": "hospital", "region": "africa", "year_from": "2020"}),
        ("filtered", {"q": "malaria", "focus_area": ["quality-and-safety-of-care", "health-policy"]}),
        ("filtered", {"q": "hand hygiene", "type": "lesson", "year_from": "2015", "year_to": "2022"}),
        ("filtered", {"q": "nurses", "sort": "newest"}),
        ("filtered", {"q": "data", "page": "3"}),
        # Filters alone (browsing)
        ("browse", {}),
        ("browse", {"focus_area": "medicines-and-procurement"}),
        ("browse", {"country": "KE"}),
        ("browse", {"type": "testimonial", "lang": "fr"}),
        ("browse", {"year_from": "2024", "year_to": "2024"}),
        ("browse", {"region": "asia", "sort": "oldest"}),
    ]


AUTOCOMPLETE_PREFIXES = [
    "he", "hea", "heal", "hos", "hosp", "tra", "train", "lab", "labo", "tub", "tuber", "phar", "san",
    "sant", "form", "hand h", "hand hyg", "patient s", "supply ch", "qu", "ma", "mat", "inf", "infec",
]  # fmt: skip


def other_searches(queries: list[tuple[str, dict]]) -> list[dict]:
    """The judged query set's texts (search/evaluation), each in its own language, less any text the
    benchmark times: the searches a served process has answered before one is first asked."""
    timed = {fold(params["q"]) for _kind, params in queries if "q" in params}
    return [{"q": query.text, "reader": query.language} for query in load_queries() if fold(query.text) not in timed]
