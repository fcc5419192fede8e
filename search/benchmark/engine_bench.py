"""The engine alone at any size, without Django pages: `make bench-engine ITEMS=100000`.

N synthetic search documents of the corpus generator's text (knowledge/corpus/text.py: the same
vocabulary, Zipf weights, lengths, languages and facet spread as `generate_corpus`, without
publishing anything) go straight into a tantivy index in a temporary folder, and into an FTS5
table beside it. Then the benchmark's searches (facets, highlights and "did you mean"
included, as `engine.search` gives them) and autocomplete prefixes are timed on a newly opened
index, each one's first request and its repeats, against the raw FTS5 floor. It answers "is the
engine fast enough at this size" in minutes, where publishing the corpus through Wagtail takes
hours; it says nothing about Django, templates or SQL, which `make bench` measures.
"""

import csv
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings
from django.utils.text import slugify

from knowledge.corpus.loader import FOCUS_WEIGHTS, LAST_DAY, MAX_PARTNERSHIPS, TYPE_WEIGHTS, item_words
from knowledge.corpus.text import TextMaker
from knowledge.corpus.words import SOUTH, TAGS

from ..engines import SearchEngine, get_engine
from ..query import SearchQuery, parse_text
from ..service import most_words
from . import fts5_floor
from .measure import Timing, index_bytes, resident_megabytes, time_capped
from .queries import AUTOCOMPLETE_PREFIXES, search_queries
from .report import FLOOR_RATIO_TARGET, _ms, _size, _times, floor_ratios, timing_table, write_block

# The charter's five focus areas (knowledge/migrations/0002_seed_focus_areas.py), in FOCUS_WEIGHTS' order.
FOCUS_AREAS = [
    "quality-and-safety-of-care",
    "health-workforce-capacity",
    "health-information-systems",
    "medicines-and-procurement",
    "health-policy",
]
TYPES = ["case-study", "lesson", "testimonial"]


def _regions() -> dict[str, str]:
    with (settings.BASE_DIR / "knowledge" / "data" / "countries.csv").open(encoding="utf-8", newline="") as handle:
        return {row["iso2"]: slugify(row["region"]) for row in csv.DictReader(handle)}


def synthetic_documents(items: int, seed: int) -> Iterator[dict]:
    """Search documents shaped as search.documents.build_document makes them; item i depends only
    on (seed, i)."""
    regions = _regions()
    codes = [code for code, _cities in SOUTH]
    weights = [1 / (rank + 1) ** 0.7 for rank in range(MAX_PARTNERSHIPS)]
    for index in range(items):
        rng = random.Random(f"{seed}-engine-{index}")
        partnership = rng.choices(range(MAX_PARTNERSHIPS), weights)[0]
        language = "fr" if rng.random() < 0.35 else "en"
        text = TextMaker(rng, language)
        kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        words = item_words(rng) if kind != "testimonial" else rng.randint(150, 350)
        first = date(rng.randint(2003, 2022), 1, 1)
        published = first + timedelta(days=int((LAST_DAY - first).days * math.sqrt(rng.random())))
        country = codes[partnership % len(codes)]
        title = text.title()
        yield {
            "id": index + 1,
            "type": kind,
            "title": title,
            "summary": text.summary(),
            "body": "\n".join(text.paragraphs(words)),
            "language": language,
            "url": f"/library/partnership-{partnership}/{slugify(title)[:40]}-{index}/",
            "publication_date": published.isoformat(),
            "year": published.year,
            "focus_areas": sorted(
                {FOCUS_AREAS[rng.choices(range(5), FOCUS_WEIGHTS)[0]] for _ in range(rng.randint(1, 3))}
            ),
            "countries": [country],
            "regions": [regions[country]] if regions.get(country) else [],
            "partnership": f"partnership-{partnership:03d}",
            "partnership_title": f"Partnership {partnership}",
            "tags": sorted(rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3]))),
            "readers": ["en", "fr", "pt", "es"],  # no translations: every reader is shown the original
            "version": f"{seed}-{index}",
        }


@contextmanager
def tantivy_in(folder: Path) -> Iterator[SearchEngine]:
    """A new tantivy engine on `folder`, as the settings choose it (whatever its module is called),
    with nothing opened yet: as in a process that has just started."""
    with override_settings(SEARCH_ENGINE="tantivy", SEARCH_INDEX_DIR=folder):
        get_engine.cache_clear()
        try:
            yield get_engine()
        finally:
            get_engine.cache_clear()


def search_query(params: dict) -> SearchQuery:
    """The GET parameters of the benchmark's searches as the search form turns them into a query."""

    def many(name: str) -> tuple:
        value = params.get(name, ())
        return tuple([value] if isinstance(value, str) else value)

    text = params.get("q", "")
    return SearchQuery(
        text=text,
        types=many("type"),
        focus_areas=many("focus_area"),
        countries=many("country"),
        regions=many("region"),
        languages=many("lang"),
        year_from=int(params["year_from"]) if "year_from" in params else None,
        year_to=int(params["year_to"]) if "year_to" in params else None,
        sort=params.get("sort") or ("relevance" if text else "newest"),
        page=int(params.get("page", 1)),
    )


def engine_search(engine: SearchEngine, params: dict):
    """The engine's search as the search service asks for it: most of the words (`most_words`)."""
    parsed = parse_text(params.get("q", ""), {})
    return engine.search(search_query(params), parsed, minimum=most_words(len(parsed.clauses)))


def time_calls(name: str, calls: list[tuple[str, Callable[[], object]]], repeats: int) -> Timing:
    """Each call's first run (kept apart) and `repeats` more."""
    timing = Timing(name)
    for key, call in calls:
        started = time.perf_counter()
        call()
        timing.first.append(time.perf_counter() - started)
        timing.first_by_url[key] = timing.first[-1]
        for _ in range(repeats):
            started = time.perf_counter()
            call()
            timing.samples.append(time.perf_counter() - started)
            timing.by_url.setdefault(key, []).append(timing.samples[-1])
    return timing


@dataclass
class EngineReport:
    items: int
    seed: int
    command: str
    environment: str
    generated: float = 0.0  # seconds to make the documents' text
    rebuild: tuple[float, int] = (0.0, 0)  # seconds, index bytes
    floor_build: float = 0.0
    timings: list[Timing] = field(default_factory=list)
    compare: list[Timing] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    memory: float = float("nan")
    total_seconds: float = 0.0

    @property
    def marker(self) -> str:
        return f"bench-engine:{self.items}"

    def markdown(self) -> str:
        seconds, size = self.rebuild
        lines = [
            f"### Engine only: {self.items:,} synthetic documents (seed {self.seed}), {date.today():%Y-%m-%d}",
            "",
            f"`{self.command}` on {self.environment}; ran {self.total_seconds / 60:.1f} min. **The tantivy "
            "engine alone, no Django pages**: documents of the corpus generator's text put straight into an "
            "index in a temporary folder; no request, template, SQL or synonym is timed.",
            "",
            f"- Making the documents' text: {self.generated:.0f} s (not part of any rebuild below).",
            f"- Indexing them into a new tantivy generation (the engine's `rebuild`, 2 indexing threads): "
            f"{seconds:.1f} s ({self.items / seconds:.0f} documents/s); the index takes {_size(size)} on disk. "
            "A full `search_index rebuild` also builds each document from the database "
            "(measured by `make bench`).",
            f"- The raw FTS5 floor's table of the same documents: built in {self.floor_build:.0f} s.",
            f"- This process after indexing and searching: {self.memory:.0f} MiB resident (the documents' text "
            "is held in memory for both indexes).",
            "",
            *timing_table(self.timings, "Engine call (newly opened index)"),
        ]
        if self.compare:
            ours = self.compare[0]
            lines += [
                "",
                "| Path (one-line texts) | median ms | p95 ms | max ms | × tantivy's first search (median) | (p95) |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for timing in self.compare:
                lines.append(
                    f"| {timing.name} | {_ms(timing.median)} | {_ms(timing.p95)} | {_ms(timing.max)} "
                    f"| {timing.median / ours.median:.2f} | {timing.p95 / ours.p95:.2f} |"
                )
        if self.ratios:
            ordered = sorted(self.ratios)
            met = sum(ratio >= FLOOR_RATIO_TARGET for ratio in ordered)
            lines += [
                "",
                f"- Search by search ({len(ordered)} texts), the FTS5 floor over tantivy's first search: median "
                f"{_times(statistics.median(ordered))}, lowest {_times(ordered[0])}, highest {_times(ordered[-1])}; "
                f"{met} of {len(ordered)} at {FLOOR_RATIO_TARGET}× or more.",
            ]
        return "\n".join(lines) + "\n"

    def write_into(self, path: Path) -> None:
        write_block(path, self.marker, self.markdown())


def measure(
    items: int, seed: int, repeats: int, directory: Path, environment: str, command: str, log=print
) -> EngineReport:
    report = EngineReport(items, seed, command, environment)
    log(f"Making {items:,} synthetic documents…")
    started = time.perf_counter()
    documents = list(synthetic_documents(items, seed))
    report.generated = time.perf_counter() - started
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="engine-bench-", dir=directory) as scratch:
        folder = Path(scratch) / "index"
        log("Indexing them into tantivy…")
        with tantivy_in(folder) as builder:
            started = time.perf_counter()
            builder.rebuild((builder.prepare(document) for document in documents), lambda n: None)
            report.rebuild = (time.perf_counter() - started, index_bytes(folder))

        log("Building the FTS5 floor's table…")
        floor_path = Path(scratch) / "floor.sqlite3"
        report.floor_build = fts5_floor.build(floor_path, documents)[1]
        del documents

        log("Timing searches on a newly opened index…")
        queries = search_queries()
        with tantivy_in(folder) as engine:
            searches = time_calls(
                "search (`engine.search`: facets, highlights)",
                [(repr(params), lambda p=params: engine_search(engine, p)) for _, params in queries],
                repeats,
            )
            prefixes = time_calls(
                "autocomplete (`engine.autocomplete`)",
                [(prefix, lambda p=prefix: engine.autocomplete(p)) for prefix in AUTOCOMPLETE_PREFIXES],
                repeats,
            )
        for timing in (searches, prefixes):
            report.timings += [
                timing.every_request(f"{timing.name}, every call"),
                timing.first_requests(f"{timing.name}, each one's first call"),
                Timing(f"{timing.name}, repeated", timing.samples),
            ]
        texts = [params["q"] for _, params in queries if params.get("q") and len(params) == 1]
        keys = [repr({"q": text}) for text in texts]
        floor = fts5_floor.Floor(floor_path)
        try:
            floor_timing = time_capped(
                "raw FTS5 `bm25()` query, 10 ids", [floor.query(t) for t in texts], 60.0, repeats, floor.connection
            )
        finally:
            floor.close()
        report.compare = [
            Timing("tantivy, each search's first call", [searches.first_by_url[key] for key in keys]),
            searches.subset("tantivy, repeated", keys),
            floor_timing,
        ]
        floor_texts = [text for text in texts for _ in range(repeats)]
        report.ratios = floor_ratios(
            {text: searches.first_by_url[key] for text, key in zip(texts, keys, strict=True)}, floor_timing, floor_texts
        )
        report.memory = resident_megabytes()
    return report
