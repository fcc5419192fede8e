"""manage.py benchmark --items N --seed S: what `make bench` runs. See docs/PERFORMANCE.md."""

import io
import platform
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import wagtail
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from knowledge.models import CaseStudyPage, FocusArea, PartnershipPage
from search.benchmark import corpus_cache
from search.benchmark.load import run_load
from search.benchmark.measure import (
    RequestTimer,
    Timing,
    plain_wagtail_search,
    publish_an_item,
    raw_fulltext_floor,
    start_a_new_process,
    time_capped,
    url_with,
)
from search.benchmark.queries import AUTOCOMPLETE_PREFIXES, search_queries
from search.benchmark.report import Report
from search.document_workers import usable_cores
from search.engines.bitsets import shared_values
from search.models import SearchDocument

ADMIN_SEARCHES = ["health", "hand hygiene", "tuberculosis", "laboratory accreditation", "santé"]


class Command(BaseCommand):
    help = (
        "Build (or reuse) a synthetic corpus of N items in .bench/, copy it to this run's database, rebuild the "
        "search index, then time searches, autocomplete and pages in-process, the plain Wagtail search path and "
        "the raw full-text floor on the same corpus, and finally load gunicorn for --load-seconds. "
        "Run it through `make bench`, which points DATABASE_URL at .bench/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeats", type=int, default=5, help="timed runs of each URL after a warm-up")
        parser.add_argument("--cap", type=float, default=2.0, help="seconds allowed to one plain-Wagtail query")
        parser.add_argument("--load-seconds", type=float, default=20.0)
        parser.add_argument(
            "--corpus-only",
            action="store_true",
            help="build (or carry on building) the corpus of N items in .bench/, then stop: nothing is timed",
        )
        parser.add_argument("--write", help="update this Markdown file's results for N items (docs/PERFORMANCE.md)")

    def handle(self, *args, items, seed, repeats, cap, load_seconds, corpus_only, write, **options):
        started = time.perf_counter()
        database = Path(settings.DATABASES["default"]["NAME"])
        if connection.vendor != "sqlite" or ".bench" not in database.parts:
            raise CommandError("Run the benchmark through `make bench`: it needs a SQLite database under .bench/.")
        if items < 10:
            raise CommandError("--items must be at least 10.")
        report = Report(items, seed, command=f"make bench ITEMS={items} SEED={seed}")
        report.environment = (
            f"{platform.machine()}, {usable_cores()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, Wagtail {wagtail.__version__}"
        )

        corpus = corpus_cache.corpus_path(database.parent, items, seed)
        if corpus.exists():
            report.load = (*corpus_cache.recorded(corpus), "built by an earlier run")
            self.stdout.write(f"Reusing {corpus.name}.")
        else:
            self.stdout.write(f"Building {corpus.name} (publishing {items} items through Wagtail)…")
            report.load = (*corpus_cache.build(corpus, items, seed, log=self.stdout.write), "built by this run")
        if corpus_only:
            return
        connection.close()
        corpus_cache.copy_to(corpus, database)
        call_command("migrate", verbosity=0)

        shared_values.clear()  # a previous run's searches are not this run's to warm
        self.stdout.write("Rebuilding the search index…")
        rebuild_started = time.perf_counter()
        call_command("search_index", "rebuild", stdout=self.stdout._out)
        indexed = SearchDocument.objects.count()
        report.rebuild = (indexed, time.perf_counter() - rebuild_started)

        self.stdout.write("Timing searches, autocomplete and pages…")
        timer = RequestTimer(repeats)
        queries = search_queries()
        api = timer.time_urls("search API `/api/search/`", [url_with("/api/search/", p) for _, p in queries])
        report.timings += [
            api,
            timer.time_urls("search page `/search/`", [url_with("/search/", p) for _, p in queries]),
            timer.time_urls(
                "autocomplete `/api/search/autocomplete/`",
                [url_with("/api/search/autocomplete/", {"q": p}) for p in AUTOCOMPLETE_PREFIXES],
            ),
        ]
        report.timings.insert(1, Timing("search API, each query's first request", api.first, api.queries))
        report.by_kind = self._by_kind(api, queries)
        for name, url in self._pages():
            report.pages.append(timer.time_urls(name, [url] * 4))

        self.stdout.write("Publishing an item, then timing each search's first request after it…")
        page = self._item_to_publish()
        report.publication = (page.title, publish_an_item(page))
        report.timings.insert(2, self._first_requests("after a publication", timer, api))

        self.stdout.write("Timing each search's first request in a process started after them…")
        start_a_new_process()
        report.timings.insert(3, self._first_requests("in a newly started process", timer, api))

        self.stdout.write("Rebuilding again, then timing each search's first request after it…")
        output = io.StringIO()
        rebuild_started = time.perf_counter()
        call_command("search_index", "rebuild", stdout=output)
        report.second_rebuild = (time.perf_counter() - rebuild_started, output.getvalue().strip().splitlines()[-1])
        start_a_new_process()  # a worker other than the one that warmed
        report.timings.insert(4, self._first_requests("after a rebuild that warmed it", timer, api))

        self.stdout.write("Timing the plain Wagtail path and the raw full-text floor…")
        texts = [params["q"] for _, params in queries if params.get("q") and len(params) == 1]
        ours = api.subset("our search API, same words", [url_with("/api/search/", {"q": t}) for t in texts])
        report.compare = [
            ours,
            time_capped(
                "plain Wagtail `Page.objects.live().search(q)[:10]`", [plain_wagtail_search(t) for t in texts], cap, 1
            ),
            time_capped("raw FTS5 query, 10 ids", [raw_fulltext_floor(t) for t in texts], cap, repeats),
        ]
        report.admin_search = self._admin_search(timer, cap)

        if load_seconds > 0:
            self.stdout.write(f"Loading gunicorn for {load_seconds:.0f} s…")
            mix = [url_with("/api/search/", p) for _, p in queries[::2]] + [
                url_with("/search/", p) for _, p in queries[1::4]
            ]
            mix += [url_with("/api/search/autocomplete/", {"q": p}) for p in AUTOCOMPLETE_PREFIXES[::3]]
            mix += [url for _, url in self._pages()] * 3
            try:
                report.load_test = run_load(mix, load_seconds, workers=2, clients=6)
            except RuntimeError as error:  # the other figures still stand; say why this one is missing
                report.load_error = str(error)

        report.total_seconds = time.perf_counter() - started
        text = report.markdown()
        self.stdout.write("\n" + text)
        if write:
            report.write_into(Path(write))
            self.stdout.write(self.style.SUCCESS(f"Results for {items} items written to {write}."))

    @staticmethod
    def _by_kind(api: Timing, queries) -> dict[str, Timing]:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, params in queries:
            by_kind[kind].append(url_with("/api/search/", params))
        return {kind: api.subset(kind, urls) for kind, urls in by_kind.items()}

    @staticmethod
    def _first_requests(when: str, timer: RequestTimer, api: Timing) -> Timing:
        """Each search's first request again, after one untimed request without words: a
        process that has just started reads the facet sets there, whatever it is asked first."""
        timer.get(url_with("/api/search/", {}))
        timing = Timing(f"search API, each query's first request {when}")
        timing.samples = [timer.get(url)[0] for url in api.by_url]
        timing.queries = api.queries
        return timing

    @staticmethod
    def _item_to_publish():
        """A case study, which most common words match, as they match most new items."""
        return CaseStudyPage.objects.live().order_by("pk").first()

    @staticmethod
    def _pages() -> list[tuple[str, str]]:
        case_studies = CaseStudyPage.objects.live().order_by("pk")
        middle = case_studies[case_studies.count() // 2]
        partnership = PartnershipPage.objects.live().order_by("pk").last()
        area = FocusArea.objects.order_by("sort_order").first()
        return [
            ("home page `/`", "/"),
            ("library page `/library/`", "/library/"),
            ("a case study page", middle.url),
            ("a partnership page", partnership.url),
            ("the partnerships list `/library/partnerships/`", "/library/partnerships/"),
            ("a focus area page", f"/library/focus-areas/{area.slug}/"),
            ("the library in numbers `/library/in-numbers/`", "/library/in-numbers/"),
            ("search page, no query", "/search/"),
        ]

    def _admin_search(self, timer: RequestTimer, cap: float) -> Timing:
        """The admin's page search (Wagtail's own index), as an editor uses it, time-capped."""
        user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
            "bench-admin", "bench@example.org", "bench-admin"
        )
        timer.client.force_login(user)
        try:
            return time_capped(
                "admin page search `/admin/pages/search/`",
                [lambda q=q: timer.client.get(url_with("/admin/pages/search/", {"q": q})) for q in ADMIN_SEARCHES],
                cap,
                1,
            )
        finally:
            timer.client.logout()
