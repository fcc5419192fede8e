"""The judged query set (search/evaluation/queries.json), read into plain objects."""

import json
from dataclasses import dataclass
from pathlib import Path

QUERIES_FILE = Path(__file__).with_name("queries.json")
KINDS = ("keyword", "words", "acronym", "typo", "variant", "phrase", "cross-language")


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    text: str
    language: str
    kinds: tuple[str, ...]
    # Item slug -> grade (1-3); an item not listed is 0.
    judgements: dict[str, int]


def load_queries(path: Path = QUERIES_FILE) -> list[JudgedQuery]:
    rows = json.loads(path.read_text(encoding="utf-8"))["queries"]
    queries = [
        JudgedQuery(row["id"], row["query"], row["language"], tuple(row["kinds"]), dict(row["judgements"]))
        for row in rows
    ]
    for query in queries:
        unknown = set(query.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"{query.id}: unknown kinds {sorted(unknown)}")
    return queries
