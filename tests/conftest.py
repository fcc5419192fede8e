import shutil

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from search.engines import get_engine
from search.synonyms import forget_synonyms
from tests.factories import make_case_study, make_lesson, make_library, make_partnership, make_testimonial


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The site's address is the test client's host, as `make setup` makes it the server's: every
    absolute URL (built from the Wagtail site, config/absolute_urls.py) then reads http://testserver/."""
    from wagtail.models import Site

    with django_db_blocker.unblock():
        Site.objects.filter(is_default_site=True).update(hostname="testserver", port=80)


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


@pytest.fixture(autouse=True)
def search_index_of_its_own(request):
    """With the tantivy engine, each test starts with an empty index in a folder of its own: the
    index, unlike the database, is not rolled back after a test, and ids come back in the next
    test's database."""
    if settings.SEARCH_ENGINE != "tantivy":
        yield
        return
    folder = request.getfixturevalue("tmp_path") / "search-index"
    shutil.copytree(request.getfixturevalue("empty_search_index"), folder)
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
