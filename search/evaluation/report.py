"""Runs the judged queries through a ranking, scores them, and reports in Markdown."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import fmean

from . import metrics
from .judged import KINDS, JudgedQuery

K = 10
MARKER = "eval"


@dataclass
class QueryRun:
    query: JudgedQuery
    ranked: list[str]  # item keys (slugs) of the first K results, best first
    total: int  # how many items matched

    @property
    def ndcg(self) -> float:
        return metrics.ndcg_at(K, self.ranked, self.query.judgements)

    @property
    def p3(self) -> float:
        return metrics.precision_at(3, self.ranked, self.query.judgements)

    @property
    def recall(self) -> float:
        return metrics.recall_at(K, self.ranked, self.query.judgements)

    @property
    def rr(self) -> float:
        return metrics.reciprocal_rank(self.ranked, self.query.judgements, K)

    @property
    def missed(self) -> list[str]:
        """Relevant items (grade 2 or 3) not in the first K, best first."""
        judged = sorted(self.query.judgements.items(), key=lambda kv: (-kv[1], kv[0]))
        return [key for key, grade in judged if grade >= metrics.RELEVANT and key not in self.ranked]


@dataclass(frozen=True)
class Scores:
    queries: int
    ndcg: float
    p3: float
    recall: float
    mrr: float
    zero: float  # share of queries with no result

    @classmethod
    def of(cls, runs: list[QueryRun]) -> "Scores":
        if not runs:
            return cls(0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return cls(
            len(runs),
            fmean(run.ndcg for run in runs),
            fmean(run.p3 for run in runs),
            fmean(run.recall for run in runs),
            fmean(run.rr for run in runs),
            fmean(run.total == 0 for run in runs),
        )


@dataclass
class SystemRun:
    name: str
    runs: dict[str, QueryRun] = field(default_factory=dict)

    def scores(self, keep: Callable[[JudgedQuery], bool] = lambda query: True) -> Scores:
        return Scores.of([run for run in self.runs.values() if keep(run.query)])


def run_system(name: str, queries: Iterable[JudgedQuery], search: Callable[[str], tuple[list[str], int]]) -> SystemRun:
    """`search(text)` returns the keys of the first K items and the number matched."""
    system = SystemRun(name)
    for query in queries:
        ranked, total = search(query.text)
        system.runs[query.id] = QueryRun(query, ranked[:K], total)
    return system


def _row(label: str, system: SystemRun, scores: Scores) -> str:
    return (
        f"| {label} | {scores.queries} | {system.name} | {scores.ndcg:.3f} | {scores.p3:.3f} | "
        f"{scores.recall:.3f} | {scores.mrr:.3f} | {scores.zero:.1%} |"
    )


HEADER = (
    "| {} | queries | system | nDCG@10 | P@3 | recall@10 | MRR | zero results |\n"
    "|---|---:|---|---:|---:|---:|---:|---:|"
)


@dataclass
class Report:
    systems: list[SystemRun]  # the engines first, the baseline last
    items: int
    about: str = ""

    @property
    def queries(self) -> list[JudgedQuery]:
        return [run.query for run in self.systems[0].runs.values()]

    def grouped(self, title: str, groups: list[tuple[str, Callable[[JudgedQuery], bool]]]) -> list[str]:
        lines = [HEADER.format(title)]
        for label, keep in groups:
            for system in self.systems:
                scores = system.scores(keep)
                if scores.queries:
                    lines.append(_row(label, system, scores))
        return lines

    def worst(self, limit: int = 15) -> list[tuple[QueryRun, QueryRun]]:
        """The first engine's lowest nDCG@10, ties broken by how far it falls below the baseline."""
        engine, baseline = self.systems[0], self.systems[-1]
        pairs = [(engine.runs[key], baseline.runs[key]) for key in engine.runs]
        pairs.sort(key=lambda pair: (pair[0].ndcg, pair[0].ndcg - pair[1].ndcg, pair[0].query.id))
        return pairs[:limit]

    def beaten(self, limit: int = 10, margin: float = 0.05) -> list[tuple[QueryRun, QueryRun]]:
        """Where the baseline ranks clearly better than the first engine."""
        engine, baseline = self.systems[0], self.systems[-1]
        pairs = [(engine.runs[key], baseline.runs[key]) for key in engine.runs]
        pairs = [pair for pair in pairs if pair[1].ndcg - pair[0].ndcg > margin]
        pairs.sort(key=lambda pair: (pair[0].ndcg - pair[1].ndcg, pair[0].query.id))
        return pairs[:limit]

    def markdown(self) -> str:
        queries = self.queries
        languages = sorted({query.language for query in queries})
        lines = [
            f"### {len(queries)} judged queries over {self.items} demo items, {date.today():%Y-%m-%d}",
            "",
            self.about,
            "",
            *self.grouped("", [("all", lambda query: True)]),
            "",
            "By kind of query (a query of several kinds counts in each):",
            "",
            *self.grouped("kind", [(kind, lambda query, kind=kind: kind in query.kinds) for kind in KINDS]),
            "",
            "By language of the query:",
            "",
            *self.grouped("language", [(lang, lambda query, lang=lang: query.language == lang) for lang in languages]),
            "",
            f"Worst queries for {self.systems[0].name} (lowest nDCG@10), beside {self.systems[-1].name}; "
            "*missed*: items graded 2 or 3 not in its first ten:",
            "",
            *self._pairs_table(self.worst()),
            "",
            f"Where {self.systems[-1].name} ranks better than {self.systems[0].name}:",
            "",
            *self._pairs_table(self.beaten()),
            "",
        ]
        return "\n".join(lines)

    def _pairs_table(self, pairs: list[tuple[QueryRun, QueryRun]]) -> list[str]:
        if not pairs:
            return ["(none)"]
        engine, baseline = self.systems[0].name, self.systems[-1].name
        lines = [
            f"| query | kinds | {engine} nDCG@10 | {baseline} nDCG@10 | {engine} results | missed |",
            "|---|---|---:|---:|---:|---|",
        ]
        for run, base in pairs:
            missed = ", ".join(run.missed[:4]) + (f" (+{len(run.missed) - 4})" if len(run.missed) > 4 else "")
            lines.append(
                f"| `{run.query.text}` | {', '.join(run.query.kinds)} | {run.ndcg:.2f} | {base.ndcg:.2f} | "
                f"{run.total} | {missed} |"
            )
        return lines

    def write_into(self, path: Path) -> None:
        """Replace the block between the markers (or add it at the end)."""
        start, end = f"<!-- {MARKER} -->", f"<!-- /{MARKER} -->"
        block = f"{start}\n{self.markdown()}{end}"
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
        text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + f"\n\n{block}\n"
        path.write_text(text, encoding="utf-8")
