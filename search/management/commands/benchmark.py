"""manage.py benchmark --items N --seed S: what `make bench` runs. See docs/PERFORMANCE.md."""

import platform
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import tantivy
import wagtail
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.long_lived import freeze_what_is_loaded
from knowledge.corpus.loader import PUBLISHED_ITEMS
from knowledge.models import CaseStudyPage, FocusArea, KnowledgeItemPage, PartnershipPage
from search.benchmark import corpus_cache, engine_bench, fts5_floor
from search.benchmark.load import run_load
from search.benchmark.measure import (
    RequestTimer,
    Timing,
    index_bytes,
    plain_wagtail_search,
    publish_an_item,
    resident_megabytes,
    time_capped,
    url_with,
)
from search.benchmark.new_process import time_in_new_process
from search.benchmark.queries import AUTOCOMPLETE_PREFIXES, other_searches, search_queries
from search.benchmark.report import Report, floor_ratios
from search.document_workers import usable_cores
from search.documents import count_documents
from search.engines import get_engine
from search.query import SearchQuery, parse_text
from search.synonyms import synonym_map

TANTIVY_VERSION = tantivy.__version__.split()[1].strip("v,")  # "tantivy v0.27.0, index_format v7"
ADMIN_SEARCHES = ["health", "hand hygiene", "tuberculosis", "laboratory accreditation", "santé"]


class Command(BaseCommand):
    help = (
        "Build (or reuse) a synthetic corpus of N items in .bench/, copy it to this run's database, rebuild the "
        "search index, then time searches, autocomplete and pages in-process, the plain Wagtail search path and "
        "the raw FTS5 floor on the same corpus, and finally load gunicorn for --load-seconds. "
        "Run it through `make bench`, which points DATABASE_URL at .bench/. With --engine-only, index N "
        "synthetic documents straight into a tantivy index in a temporary folder and time the engine alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeats", type=int, default=5, help="timed runs of each URL after its first request")
        parser.add_argument("--cap", type=float, default=2.0, help="seconds allowed to one plain-Wagtail query")
        parser.add_argument("--load-seconds", type=float, default=20.0)
        parser.add_argument(
            "--corpus-only",
            action="store_true",
            help="build (or carry on building) the corpus of N items in .bench/, then stop: nothing is timed",
        )
        parser.add_argument(
            "--engine-only",
            action="store_true",
            help="no Django pages: N synthetic documents of the corpus's text straight into tantivy, and FTS5",
        )
        parser.add_argument("--write", help="update this Markdown file's results for N items (docs/PERFORMANCE.md)")

    def handle(self, *args, items, seed, repeats, cap, load_seconds, corpus_only, engine_only, write, **options):
        started = time.perf_counter()
        database = Path(settings.DATABASES["default"]["NAME"])
        if connection.vendor != "sqlite" or ".bench" not in database.parts:
            raise CommandError("Run the benchmark through `make bench`: it needs a SQLite database under .bench/.")
        if items < 10:
            raise CommandError("--items must be at least 10.")
        environment = (
            f"{platform.machine()}, {usable_cores()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, tantivy {TANTIVY_VERSION}, Wagtail {wagtail.__version__}"
        )
        if engine_only:
            command = f"make bench-engine ITEMS={items} SEED={seed}"
            result = engine_bench.measure(
                items, seed, repeats, database.parent, environment, command, self.stdout.write
            )
            result.total_seconds = time.perf_counter() - started
            self._finish(result, write)
            return
        report = Report(items, seed, command=f"make bench ITEMS={items} SEED={seed}", environment=environment)

        corpus = corpus_cache.corpus_path(database.parent, items, seed)
        if corpus.exists():
            report.load = (*corpus_cache.recorded(corpus), "built by an earlier run")
            self.stdout.write(f"Reusing {corpus.name}.")
        else:
            self.stdout.write(
                f"Building {corpus.name} (its first {min(items, PUBLISHED_ITEMS):,} items published through Wagtail, "
                "the rest written in bulk)…"
            )
            report.load = (*corpus_cache.build(corpus, items, seed, log=self.stdout.write), "built by this run")
        if corpus_only:
            return
        connection.close()
        corpus_cache.copy_to(corpus, database)
        call_command("migrate", verbosity=0)

        floor_path = corpus.with_name(corpus.name + ".fts5-floor")
        if floor_path.exists():
            report.floor_build = (*fts5_floor.recorded(floor_path), "built by an earlier run")
        else:
            self.stdout.write("Building the raw FTS5 floor's own table from the search documents…")
            report.floor_build = (*fts5_floor.build_from_corpus(floor_path), "built by this run")

        self.stdout.write("Rebuilding the search index…")
        rebuild_started = time.perf_counter()
        call_command("search_index", "rebuild", stdout=self.stdout._out)
        seconds = time.perf_counter() - rebuild_started
        report.rebuild = (count_documents(), seconds, index_bytes(Path(settings.SEARCH_INDEX_DIR)))

        self.stdout.write("Timing searches, autocomplete and pages…")
        freeze_what_is_loaded()  # as a served process does (config/wsgi.py)
        timer = RequestTimer(repeats)
        queries = search_queries()
        # Web processes outlive a rebuild: when a search is first asked after one, its process has
        # answered others. Those are the judged query set's, none of them a text timed below.
        others = other_searches(queries)
        for params in others:
            timer.get(url_with("/api/search/", params))
        report.served_first = len(others)
        api = timer.time_urls("search API `/api/search/`", [url_with("/api/search/", p) for _, p in queries])
        page = timer.time_urls("search page `/search/`", [url_with("/search/", p) for _, p in queries])
        autocomplete = timer.time_urls(
            "autocomplete `/api/search/autocomplete/`",
            [url_with("/api/search/autocomplete/", {"q": p}) for p in AUTOCOMPLETE_PREFIXES],
        )
        for timing in (api, page, autocomplete):
            report.timings += [
                timing.every_request(f"{timing.name}, every request"),
                timing.first_requests(f"{timing.name.split(' `')[0]}, each one's first request after the rebuild"),
                Timing(f"{timing.name.split(' `')[0]}, repeated", timing.samples, timing.queries),
            ]
        report.by_kind = self._by_kind(api, queries)
        for name, url in self._pages() + self._translated_pages():
            report.pages.append(timer.time_urls(name, [url] * 4))
        report.memory.append(f"this process after the searches and pages, {resident_megabytes():.0f} MiB resident")

        self.stdout.write("Publishing an item, then timing each search's first request after it…")
        item = self._item_to_publish()
        report.publication = (item.title, publish_an_item(item))
        report.timings.insert(
            3, timer.time_once("search API, each search's first request after a publication", list(api.first_by_url))
        )
        self.stdout.write("Timing each search's first request in a newly started process…")
        try:
            in_new_process = time_in_new_process(list(api.first_by_url))
        except RuntimeError as error:  # the other figures still stand; say why this one is missing
            report.notes.append(f"A newly started process's first searches: not measured ({error}).")
        else:
            name = "search API, each search's first request in a newly started process"
            report.timings.insert(4, Timing(name, in_new_process))

        self.stdout.write("Timing the plain Wagtail path, the engine alone and the raw FTS5 floor…")
        self._compare(report, api, queries, floor_path, repeats, cap)
        report.admin_search = self._admin_search(timer, cap)
        if load_seconds > 0:
            self.stdout.write(f"Loading gunicorn for {load_seconds:.0f} s…")
            self._load(report, queries, load_seconds)

        report.total_seconds = time.perf_counter() - started
        self._finish(report, write)

    def _compare(self, report: Report, api: Timing, queries, floor_path: Path, repeats: int, cap: float) -> None:
        """The one-line texts: our first requests and repeats, the engine alone, plain Wagtail, raw FTS5."""
        texts = [params["q"] for _, params in queries if params.get("q") and len(params) == 1]
        urls = {text: url_with("/api/search/", {"q": text}) for text in texts}
        first = {text: api.first_by_url[url] for text, url in urls.items()}
        floor = fts5_floor.Floor(floor_path)
        try:
            floor_timing = time_capped(
                "raw FTS5 `bm25()` query, 10 ids", [floor.query(t) for t in texts], cap, repeats, floor.connection
            )
        finally:
            floor.close()
        report.compare = [
            Timing("our search API, each search's first request after the rebuild", list(first.values())),
            api.subset("our search API, repeated", list(urls.values())),
            self._engine_alone(texts, repeats),
            time_capped(
                "plain Wagtail `Page.objects.live().search(q)[:10]`", [plain_wagtail_search(t) for t in texts], cap, 1
            ),
            floor_timing,
        ]
        if not floor_timing.capped:
            report.ratios = floor_ratios(first, floor_timing, [text for text in texts for _ in range(repeats)])

    def _load(self, report: Report, queries, seconds: float) -> None:
        mix = [url_with("/api/search/", p) for _, p in queries[::2]] + [
            url_with("/search/", p) for _, p in queries[1::4]
        ]
        mix += [url_with("/api/search/autocomplete/", {"q": p}) for p in AUTOCOMPLETE_PREFIXES[::3]]
        mix += [url for _, url in self._pages()] * 3
        try:
            report.load_test = run_load(mix, seconds, workers=2, clients=6)
        except RuntimeError as error:  # the other figures still stand; say why this one is missing
            report.load_error = str(error)
        else:
            sizes = ", ".join(f"{size:.0f}" for size in report.load_test.worker_megabytes)
            report.memory.append(f"each gunicorn worker after the load, {sizes} MiB resident")

    def _finish(self, report, write: str | None) -> None:
        self.stdout.write("\n" + report.markdown())
        if write:
            report.write_into(Path(write))
            self.stdout.write(self.style.SUCCESS(f"Results for {report.items} items written to {write}."))

    @staticmethod
    def _engine_alone(texts: list[str], repeats: int) -> Timing:
        """The engine's own search (facets, highlights, "did you mean"), without Django's stack."""
        engine, synonyms = get_engine(), synonym_map()
        timing = Timing("the tantivy engine alone, repeated (`engine.search`: facets, highlights)")
        for text in texts:
            query = SearchQuery(text=text)
            for _ in range(repeats):
                started = time.perf_counter()
                engine.search(query, parse_text(text, synonyms))
                timing.samples.append(time.perf_counter() - started)
        return timing

    @staticmethod
    def _by_kind(api: Timing, queries) -> dict[str, Timing]:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for kind, params in queries:
            by_kind[kind].append(url_with("/api/search/", params))
        return {kind: api.subset(kind, urls) for kind, urls in by_kind.items()}

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

    @staticmethod
    def _translated_pages() -> list[tuple[str, str]]:
        """A translation's page (the demo site's French items): its language links name its
        English source among every item. Timed, not in the load's mix, which stays as it was."""
        french = KnowledgeItemPage.objects.live().filter(locale__language_code="fr").order_by("pk").first()
        return [("a French item page (a translation)", french.url)] if french else []

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
