"""manage.py generate_corpus --items N --seed S: a synthetic corpus for the benchmark."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from knowledge.corpus.loader import CorpusLoader


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add synthetic knowledge items (English and French, 300-3,000 words, spread over focus areas, "
        "countries, partnerships and years) until there are N, through the same path as real content: "
        "published as in the admin, then indexed by the search queue. The same seed gives the same corpus. "
        "Meant for a separate benchmark database, never the live site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=positive, required=True, help="how many items the corpus should have")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same corpus (default 1)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")
        parser.add_argument(
            "--record", metavar="FILE", help="append a line '<seconds> <items added>' to FILE (used by make bench)"
        )

    def handle(self, *args, items, seed, no_progress, record, **options):
        if not settings.DEBUG and not getattr(settings, "ALLOW_SYNTHETIC_CORPUS", False):
            raise CommandError("Refusing to add synthetic content to a production database.", returncode=2)
        started = time.perf_counter()
        with tqdm(total=items, desc="Publishing", unit=" items", disable=no_progress or not sys.stderr.isatty()) as bar:
            added = CorpusLoader(items, seed, progress=bar.update).run()
        elapsed = time.perf_counter() - started
        rate = added / elapsed if elapsed else 0
        if record and added:
            with open(record, "a") as runs:
                runs.write(f"{elapsed:.1f} {added}\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Corpus of {items} items (seed {seed}): added {added} in {elapsed:.1f} s ({rate:.0f} items/s)."
            )
        )
