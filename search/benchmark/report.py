"""The benchmark's results as Markdown, kept per corpus size in docs/PERFORMANCE.md."""

import re
import statistics
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .load import LoadResult
from .measure import Timing

# p95 targets at 100,000 items (issue 18), in milliseconds.
TARGETS = {"search API": 20, "search page": 50, "autocomplete": 10}
FLOOR_RATIO_TARGET = 20  # each search's first request at least this many times faster than raw FTS5


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _target(name: str) -> str:
    for prefix, limit in TARGETS.items():
        if name.startswith(prefix):
            return f"< {limit}"
    return ""


def _times(ratio: float) -> str:
    if ratio < 0.1:
        return f"{ratio:.1g}×"
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


def _size(size: int) -> str:
    return f"{size / 2**20:.0f} MiB" if size >= 2**20 else f"{size / 1024:.0f} KiB"


def write_block(path: Path, marker: str, markdown: str) -> None:
    """Replace the block between this marker's comments (or add it after `<!-- results -->`)."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = f"{start}\n{markdown}{end}"
    text = path.read_text() if path.exists() else "# Performance\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    elif "<!-- results -->" in text:
        text = text.replace("<!-- results -->", f"<!-- results -->\n\n{block}", 1)
    else:
        text = text.rstrip() + f"\n\n{block}\n"
    path.write_text(text)


def timing_table(rows: list[Timing], heading: str) -> list[str]:
    lines = [
        f"| {heading} | median ms | p95 ms | max ms | p95 target at 100k | SQL queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for timing in rows:
        lines.append(
            f"| {timing.name} ({len(timing.samples)} timed) | {_ms(timing.median)} | {_ms(timing.p95)} "
            f"| {_ms(timing.max)} | {_target(timing.name)} | {timing.queries if timing.queries is not None else ''} |"
        )
    return lines


def floor_ratios(first_by_text: dict[str, float], floor: Timing, floor_texts: list[str]) -> list[float]:
    """Per search: the floor's median time for its text over our first request for it."""
    samples: dict[str, list[float]] = {}
    for text, sample in zip(floor_texts, floor.samples, strict=True):
        samples.setdefault(text, []).append(sample)
    return [statistics.median(samples[text]) / first for text, first in first_by_text.items() if text in samples]


@dataclass
class Report:
    items: int
    seed: int
    command: str
    environment: str = ""
    # Seconds, the items published in them, and which run built the corpus.
    load: tuple[float, int, str] | None = None
    rebuild: tuple[int, float, int] | None = None  # items, seconds, index bytes on disk
    floor_build: tuple[int, float, str] | None = None  # documents, seconds, which run built it
    publication: tuple[str, float] | None = None  # the item published mid-run, seconds until searchable
    served_first: int = 0  # other searches the process answered after the rebuild, before the timed ones
    timings: list[Timing] = field(default_factory=list)
    by_kind: dict[str, Timing] = field(default_factory=dict)
    pages: list[Timing] = field(default_factory=list)
    compare: list[Timing] = field(default_factory=list)  # the first is ours: the ratios divide by it
    ratios: list[float] = field(default_factory=list)  # per search: the floor over our first request
    admin_search: Timing | None = None
    memory: list[str] = field(default_factory=list)
    load_test: LoadResult | None = None
    load_error: str = ""
    total_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def marker(self) -> str:
        return f"bench:{self.items}"

    def markdown(self) -> str:
        lines = [
            f"### {self.items:,} items (seed {self.seed}), {date.today():%Y-%m-%d}",
            "",
            f"`{self.command}` on {self.environment}; benchmark ran {self.total_seconds / 60:.1f} min.",
            "",
        ]
        lines += [f"- {note}" for note in self.notes]
        if self.load:
            seconds, published, how = self.load
            rate = f"{published / seconds:.1f} items/s" if seconds else "not timed"
            lines.append(
                f"- Corpus load ({how}): its first {published:,} items published through Wagtail and indexed in "
                f"{seconds:.0f} s ({rate}); the other {max(0, self.items - published):,} written in bulk to the same "
                "rows (knowledge/corpus/bulk.py)."
            )
        if self.rebuild:
            items, seconds, size = self.rebuild
            lines.append(
                f"- Full index rebuild (`search_index rebuild`): {items:,} items in {seconds:.1f} s "
                f"({items / seconds:.0f} items/s); the index takes {_size(size)} on disk."
            )
        if self.floor_build:
            documents, seconds, how = self.floor_build
            lines.append(
                f"- The raw FTS5 floor's own table (a separate SQLite file): {documents:,} documents in "
                f"{seconds:.0f} s ({how})."
            )
        if self.served_first:
            lines.append(
                f"- After the rebuild and before the timed requests, the process answered {self.served_first} other "
                "searches (the judged query set's, none of them a timed text), as a web process outlives a rebuild."
            )
        if self.publication:
            title, seconds = self.publication
            lines.append(
                f"- Publishing one item (“{title}”) through Wagtail, its index update included: "
                f"{seconds * 1000:.0f} ms; then each search's first request was timed again."
            )
        if self.memory:
            lines.append(f"- Memory: {'; '.join(self.memory)}.")
        if self.timings or self.pages:
            lines += ["", *timing_table([*self.timings, *self.pages], "Request (in-process, whole Django stack)")]
        if self.by_kind:
            lines += [
                "",
                "Search API by kind of query (every request):",
                "",
                "| Kind | median ms | p95 ms | max ms |",
                "|---|---:|---:|---:|",
            ]
            for kind, timing in self.by_kind.items():
                lines.append(f"| {kind} | {_ms(timing.median)} | {_ms(timing.p95)} | {_ms(timing.max)} |")
        if self.compare:
            ours = self.compare[0]
            lines += [
                "",
                "The same one-line texts, several ways:",
                "",
                "| Path | median ms | p95 ms | max ms | capped | × our first request (median) | (p95) |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for timing in self.compare:
                bound = "≥ " if timing.capped else ""
                lines.append(
                    f"| {timing.name} | {bound}{_ms(timing.median)} | {bound}{_ms(timing.p95)} "
                    f"| {bound}{_ms(timing.max)} | {timing.capped}/{len(timing.samples)} "
                    f"| {bound}{timing.median / ours.median:.2f} | {bound}{timing.p95 / ours.p95:.2f} |"
                )
            lines.append("")
            lines.append(
                "Capped queries were stopped at the cap; their time is a lower bound, and so are the figures "
                "and ratios of that path."
            )
        if self.ratios:
            ordered = sorted(self.ratios)
            met = sum(ratio >= FLOOR_RATIO_TARGET for ratio in ordered)
            lines.append(
                f"- Each search's first request after the rebuild against the raw FTS5 floor for the same text, "
                f"search by search ({len(ordered)} texts): the floor takes {_times(statistics.median(ordered))} as "
                f"long at the median, {_times(ordered[0])} at the lowest, {_times(ordered[-1])} at the highest; "
                f"{met} of {len(ordered)} at {FLOOR_RATIO_TARGET}× or more."
            )
        if self.admin_search:
            timing = self.admin_search
            bound = "≥ " if timing.capped else ""
            lines.append(
                f"- {timing.name}: median {bound}{_ms(timing.median)} ms, {timing.capped} of "
                f"{len(timing.samples)} searches hit the cap."
            )
        if self.load_test:
            load = self.load_test
            failed = ", ".join(f"{n} × {what}" for what, n in load.failures.items()) or "none failed"
            lines += [
                "",
                f"Load: gunicorn ({load.workers} workers × 2 threads) on 127.0.0.1, {load.clients} concurrent clients, "
                f"{load.seconds:.0f} s of mixed searches, autocomplete and pages: {load.requests:,} requests, "
                f"{load.per_second:.0f} requests/s; latency median {_ms(load.timing.median)} ms, "
                f"p95 {_ms(load.timing.p95)} ms, p99 {_ms(load.timing.percentile(99))} ms; {failed}.",
            ]
        if self.load_error:
            lines += ["", f"Load: not measured ({self.load_error})."]
        return "\n".join(lines) + "\n"

    def write_into(self, path: Path) -> None:
        """Replace this size's block between its markers (or add it before the end marker)."""
        write_block(path, self.marker, self.markdown())
