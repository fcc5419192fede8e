"""Relevance on the judged query set: every engine that can run here beside a plain BM25 baseline.

Reads the items from the database (the demo content: `make eval` loads it into .eval/), indexes
them afresh in indexes of its own (tantivy in a temporary folder; Elasticsearch, when
ELASTICSEARCH_URL is set, under a prefix of its own, deleted afterwards), so the site's index is
never touched, then runs every judged query through `search.service.find` as the site does.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from knowledge.models import KnowledgeItemPage
from search.documents import iter_documents
from search.evaluation.judged import load_queries
from search.evaluation.report import Report
from search.evaluation.systems import run_baseline, run_engine

ABOUT = (
    "Engines: the site's search (`search.service.find`, first page of ten, no filters) on a fresh "
    "index. Baseline: plain BM25 (`search/evaluation/baseline.py`): one field of title, summary and "
    "body, tantivy's default tokenizer (lower case, no stemming, no accent folding, no synonyms, no "
    "typo tolerance), every word optional, each item once. nDCG@10 on grades 0-3; P@3, recall@10 and MRR count "
    "grades 2 and 3 as relevant."
)


def engine_names() -> list[str]:
    return ["tantivy"] + (["elasticsearch"] if settings.ELASTICSEARCH_URL else [])


class Command(BaseCommand):
    help = "Score search on the judged queries (nDCG@10, P@3, recall@10, MRR, zero results) beside plain BM25."

    def add_arguments(self, parser):
        parser.add_argument("--write", help="replace the results block of this Markdown file (docs/SEARCH.md)")
        parser.add_argument("--engine", action="append", help="only this engine (tantivy, elasticsearch)")

    def handle(self, *args, write, engine, **options):
        queries = load_queries()
        slugs = dict(KnowledgeItemPage.objects.values_list("pk", "slug"))
        documents = list(iter_documents())
        missing = {slug for query in queries for slug in query.judgements} - set(slugs.values())
        if not documents or missing:
            raise CommandError(
                f"{len(missing)} judged items are not in the database: load the demo content first (`make eval` does)."
            )
        systems = [run_engine(name, queries, documents, slugs) for name in (engine or engine_names())]
        systems.append(run_baseline(queries, documents, slugs))
        report = Report(systems, items=len(documents), about=ABOUT)
        self.stdout.write(report.markdown())
        if write:
            report.write_into(Path(write))
            self.stdout.write(self.style.SUCCESS(f"Results written to {write}."))
