import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import TestCase
from django.utils import translation
from pytest_django.plugin import blocking_manager_key
from wagtail.models import Site

from search.engines import get_engine
from search.synonyms import forget_synonyms
from tests.factories import make_case_study, make_lesson, make_library, make_partnership, make_testimonial


@pytest.fixture(scope="session")
def _migrated_once(django_db_blocker):
    """On SQLite, the test database is migrated once and copied after (tests/database_template.py)."""
    from tests import database_template

    if not database_template.enabled():
        return None
    once = database_template.MigratedOnce()
    once.start()
    return once


@pytest.fixture(scope="session")
def django_db_setup(_migrated_once, django_db_setup, django_db_blocker):
    """The site's address is the test client's host, as `make setup` makes it the server's: every
    absolute URL (built from the Wagtail site, config/absolute_urls.py) then reads http://testserver/."""
    with django_db_blocker.unblock():
        if _migrated_once:
            _migrated_once.finish()
        if not hasattr(connection, "_test_serialized_contents"):  # to restore after a test that commits
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        _site_at_testserver()


def _site_at_testserver() -> None:
    Site.objects.filter(is_default_site=True).update(hostname="testserver", port=80)


def _commits(item: pytest.Item) -> bool:
    """Whether a test runs outside a transaction (pytest-django's `transaction=True` and the like)."""
    marker = item.get_closest_marker("django_db")
    if marker and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or marker.args[:1] == (True,)
    ):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits ends by emptying every table (Django's TransactionTestCase), and the
    seeded rows (site, countries, focus areas, groups) come back only at the start of the next such
    test. pytest-django runs those tests last for that reason, but test files are the unit of
    distribution here (pyproject.toml): put the rows back at once for the tests that follow."""
    result = yield
    if nextitem is not None and _commits(item):
        with item.config.stash[blocking_manager_key].unblock():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
            _site_at_testserver()
        for cache in caches.all(initialized_only=True):
            cache.clear()  # what was cached of the emptied rows (Wagtail's site root paths...)
    return result


@pytest.fixture
def library(db):
    return make_library()


@pytest.fixture
def partnership(library):
    return make_partnership(library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML")


@pytest.fixture
def one_of_each(partnership):
    """A partnership with a live case study, lesson and testimonial."""
    return {
        "case_study": make_case_study(
            partnership,
            title="Cutting surgical site infections in Bamako",
            outcomes=[{"indicator": "Surgical site infections", "baseline": 12, "result": 5, "unit": "%"}],
        ),
        "lesson": make_lesson(
            partnership, title="Mentoring outlasts workshops", lesson="Mentors on the ward beat workshops."
        ),
        "testimonial": make_testimonial(partnership, title="A lab manager speaks", quote="We stopped losing samples."),
    }


@pytest.fixture(autouse=True)
def isolated_state():
    """Each test starts in English with empty caches: a request under /fr/ switches the language
    on, and cached renditions or settings keyed by ids the next test's database reuses would
    otherwise leak from one test into another."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
    for cache in caches.all():
        cache.clear()
    forget_synonyms()  # the synonyms each process keeps for a minute, likewise


@pytest.fixture(scope="session")
def empty_search_index(tmp_path_factory):
    """An empty tantivy index, made once and copied for each test (a copy is a few small files)."""
    from search.engines.tantivy_engine import TantivyEngine

    folder = tmp_path_factory.mktemp("empty-search-index") / "index"
    TantivyEngine(folder).rebuild([], lambda n: None)
    return folder


T = TypeVar("T")


class SharedContent:
    """Content built once for a whole test module (see `build_once` and docs/TESTING.md).

    It lives in a transaction opened at the first build and rolled back when the module ends, and
    in a tantivy index of the module's own; each test still runs in a savepoint of that
    transaction and on a copy of that index, so what one test writes never reaches the next."""

    index_folder: Path | None = None  # the index the module's tests start from, while one is open

    def __init__(self, django_db_blocker, folder: Path, empty_index: Path):
        self._blocker = django_db_blocker
        self._folder = folder
        self._empty_index = empty_index
        self._stack: ExitStack | None = None

    def __call__(self, build: Callable[[], T]) -> T:
        """Run `build` in the module's transaction, as if each of its writes had committed: the
        search queue drains into the module's index, as it does after a real publish."""
        from search.engines import get_engine

        if self._stack is None:
            self._open()
        with TestCase.captureOnCommitCallbacks(execute=True):
            result = build()
        get_engine.cache_clear()  # tests open the index afresh, on their own copy
        return result

    def _open(self) -> None:
        from django.test.utils import override_settings

        from search.engines import get_engine

        self._stack = ExitStack()
        self._stack.enter_context(self._blocker.unblock())
        self._stack.enter_context(transaction.atomic())
        if settings.SEARCH_ENGINE == "tantivy":
            shutil.copytree(self._empty_index, self._folder)
            self._stack.enter_context(override_settings(SEARCH_INDEX_DIR=self._folder))
            SharedContent.index_folder = self._folder
        get_engine.cache_clear()

    def close(self) -> None:
        from search.engines import get_engine

        if self._stack is None:
            return
        SharedContent.index_folder = None
        transaction.set_rollback(True)
        self._stack.close()
        get_engine.cache_clear()


@pytest.fixture(scope="module")
def build_once(django_db_setup, django_db_blocker, tmp_path_factory, empty_search_index):
    """`build_once(make)` runs `make()` once for the module and returns what it made: for module
    fixtures whose content every test of the module may see (docs/TESTING.md)::

        @pytest.fixture(scope="module")
        def catalogue(build_once):
            return build_once(lambda: [make_case_study(make_partnership()) for _ in range(20)])

    Tests still ask for `db` (or carry `django_db`); keep transactional tests out of such modules."""
    folder = tmp_path_factory.mktemp("shared-search-index") / "index"
    shared = SharedContent(django_db_blocker, folder, empty_search_index)
    yield shared
    shared.close()


@pytest.fixture(autouse=True)
def search_index_of_its_own(request):
    """With the tantivy engine, each test starts with an index in a folder of its own: empty, or a
    copy of what its module built once (`build_once`). The index, unlike the database, is not
    rolled back after a test, and ids come back in the next test's database."""
    if settings.SEARCH_ENGINE != "tantivy":
        yield
        return
    folder = request.getfixturevalue("tmp_path") / "search-index"
    shutil.copytree(SharedContent.index_folder or request.getfixturevalue("empty_search_index"), folder)
    previous = settings.SEARCH_INDEX_DIR
    settings.SEARCH_INDEX_DIR = folder
    get_engine.cache_clear()
    yield
    settings.SEARCH_INDEX_DIR = previous
    get_engine.cache_clear()


@pytest.fixture
def queries_for(client):
    """How many SQL queries a GET of a URL makes (it must answer 200): for tests that a page's
    cost does not grow with its content."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        return len(queries)

    return count
