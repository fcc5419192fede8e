"""manage.py generate_corpus --items N --seed S: a synthetic corpus for the benchmark."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from knowledge.corpus.loader import PUBLISHED_ITEMS, CorpusLoader


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add synthetic knowledge items (English and French, 300-3,000 words, spread over focus areas, "
        "countries, partnerships and years) until there are N. The first --published items go through the same "
        "path as real content (published as in the admin, then indexed by the search queue); the rest are written "
        "in bulk to the same rows, and reach the search index with `search_index update` or `rebuild`. The same "
        "seed gives the same corpus. Meant for a separate benchmark database, never the live site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=positive, required=True, help="how many items the corpus should have")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same corpus (default 1)")
        parser.add_argument(
            "--published",
            type=int,
            default=PUBLISHED_ITEMS,
            help=f"how many of the first items go through Wagtail's publishing path (default {PUBLISHED_ITEMS:,})",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        parser.add_argument(
            "--record",
            metavar="FILE",
            help="append a line '<seconds> <items>' to FILE for the items this run published through Wagtail "
            "(used by make bench)",
        )

    def handle(self, *args, items, seed, published, no_progress, record, **options):
        if not settings.DEBUG and not getattr(settings, "ALLOW_SYNTHETIC_CORPUS", False):
            raise CommandError("Refusing to add synthetic content to a production database.", returncode=2)
        started = time.perf_counter()
        with tqdm(total=items, desc="Adding", unit=" items", disable=no_progress or not sys.stderr.isatty()) as bar:
            run = CorpusLoader(items, seed, progress=bar.update, published_items=published).run()
        elapsed = time.perf_counter() - started
        if record and run.published.items:
            with open(record, "a") as runs:
                runs.write(f"{run.published.seconds:.1f} {run.published.items}\n")
        self.stdout.write(
            f"Published through Wagtail: {run.published.items} items in {run.published.seconds:.1f} s "
            f"({run.published.rate:.1f} items/s).\n"
            f"Written in bulk: {run.bulk.items} items in {run.bulk.seconds:.1f} s ({run.bulk.rate:.0f} items/s; "
            f"{run.making_seconds:.1f} s of it making them in memory, the rest writing them and their entries in "
            "Wagtail's search and reference indexes).\n"
            f"Wagtail's search and reference indexes of the {run.side_indexes.items} items published one by one, "
            f"and the admin search's title norms: {run.side_indexes.seconds:.1f} s."
        )
        if run.bulk.items:
            self.stdout.write(
                "Items written in bulk reach the site's search index with `manage.py search_index update`."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Corpus of {items} items (seed {seed}): added {run.added} in {elapsed:.1f} s.")
        )
