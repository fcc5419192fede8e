"""The benchmark's results as Markdown, kept per corpus size in docs/PERFORMANCE.md."""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .load import LoadResult
from .measure import Timing

# p95 targets at 100,000 items (issue 6), in milliseconds.
TARGETS = {"search API": 50, "search page": 80, "autocomplete": 15}


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _target(name: str) -> str:
    for prefix, limit in TARGETS.items():
        if name.startswith(prefix):
            return f"< {limit}"
    return ""


@dataclass
class Report:
    items: int
    seed: int
    command: str
    environment: str = ""
    # Seconds, the items published in them, and which run built the corpus.
    load: tuple[float, int, str] | None = None
    rebuild: tuple[int, float] | None = None
    publication: tuple[str, float] | None = None  # the item published mid-run, seconds until searchable
    second_rebuild: tuple[float, str] | None = None  # seconds, and the rebuild's line on its warming
    timings: list[Timing] = field(default_factory=list)
    by_kind: dict[str, Timing] = field(default_factory=dict)
    pages: list[Timing] = field(default_factory=list)
    compare: list[Timing] = field(default_factory=list)
    admin_search: Timing | None = None
    load_test: LoadResult | None = None
    load_error: str = ""
    total_seconds: float = 0.0

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
        if self.load:
            seconds, published, how = self.load
            lines.append(
                f"- Corpus load: {published:,} items published and indexed in {seconds:.0f} s "
                f"({published / seconds:.1f} items/s; {how})."
            )
        if self.rebuild:
            items, seconds = self.rebuild
            lines.append(f"- Full index rebuild: {items:,} items in {seconds:.1f} s ({items / seconds:.0f} items/s).")
        if self.publication:
            title, seconds = self.publication
            lines.append(
                f"- Publishing one item (“{title}”) through Wagtail, its index update and the warming of recent "
                f"searches included: {seconds * 1000:.0f} ms; then each search's first request was timed again."
            )
        if self.second_rebuild:
            seconds, said = self.second_rebuild
            lines.append(f"- A second rebuild, once the searches below were asked: {seconds:.1f} s, ending “{said}”")
        lines += [
            "",
            "| Request (in-process, whole Django stack) | median ms | p95 ms | p95 target at 100k | SQL queries |",
            "|---|---:|---:|---:|---:|",
        ]
        for timing in [*self.timings, *self.pages]:
            lines.append(
                f"| {timing.name} ({len(timing.samples)} timed) | {_ms(timing.median)} | {_ms(timing.p95)} "
                f"| {_target(timing.name)} | {timing.queries if timing.queries is not None else ''} |"
            )
        if self.by_kind:
            lines += ["", "Search API by kind of query:", "", "| Kind | median ms | p95 ms |", "|---|---:|---:|"]
            for kind, timing in self.by_kind.items():
                lines.append(f"| {kind} | {_ms(timing.median)} | {_ms(timing.p95)} |")
        if self.compare:
            ours = self.compare[0]
            lines += [
                "",
                "The same one-line texts, three ways:",
                "",
                "| Path | median ms | p95 ms | capped | ours ÷ this (median) | (p95) |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for timing in self.compare:
                bound = "≥ " if timing.capped else ""
                lines.append(
                    f"| {timing.name} | {bound}{_ms(timing.median)} | {bound}{_ms(timing.p95)} "
                    f"| {timing.capped}/{len(timing.samples)} | {ours.median / timing.median:.2f} "
                    f"| {ours.p95 / timing.p95:.2f} |"
                )
            lines.append("")
            lines.append(
                "Capped queries were stopped at the cap; their time is a lower bound, and so are the plain path's "
                "figures and our speed-up over it."
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
        start, end = f"<!-- {self.marker} -->", f"<!-- /{self.marker} -->"
        block = f"{start}\n{self.markdown()}{end}"
        text = path.read_text() if path.exists() else "# Performance\n"
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: block, text)
        elif "<!-- results -->" in text:
            text = text.replace("<!-- results -->", f"<!-- results -->\n\n{block}", 1)
        else:
            text = text.rstrip() + f"\n\n{block}\n"
        path.write_text(text)
