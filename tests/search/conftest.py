"""Fixtures for the search behaviour suite: every engine that can run here, and a small corpus
indexed through the real path (publish -> signals -> queue -> drain after commit)."""

import os
import socket
import uuid
from contextlib import contextmanager
from datetime import date

import pytest

from search.engines import get_engine
from tests.factories import make_case_study, make_lesson, make_library, make_partnership, make_testimonial

ENGINES = ["tantivy"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture(scope="module", params=ENGINES)
def engine_name(request):
    """The engine this module's tests run on, chosen once per module so that a corpus built once
    (`shared_corpus`) is built for each engine."""
    from django.test.utils import override_settings

    overrides = {"SEARCH_ENGINE": request.param}
    if request.param == "elasticsearch":
        overrides.update(ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"], SEARCH_INDEX_PREFIX=_prefix())
    with override_settings(**overrides):
        get_engine.cache_clear()
        if request.param == "elasticsearch":
            get_engine().rebuild([], lambda n: None)  # the module's indexes, which a shared corpus fills
        yield request.param
        if request.param == "elasticsearch":
            _drop_indexes(get_engine())
    get_engine.cache_clear()


def _prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def _drop_indexes(engine) -> None:
    from django.conf import settings

    engine.client.indices.delete(index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)


@pytest.fixture
def engine(engine_name, settings, db):
    """The search engine, with an index of the test's own: empty, or holding what the module built
    once (`shared_corpus`). With tantivy that is tests/conftest.py's copy of the module's index;
    with Elasticsearch, throw-away indexes filled from the database."""
    from search.documents import iter_documents

    if engine_name == "elasticsearch":
        settings.SEARCH_INDEX_PREFIX = _prefix()
    get_engine.cache_clear()
    engine = get_engine()
    if engine_name == "elasticsearch":
        engine.rebuild([engine.prepare(document) for document in iter_documents()], lambda n: None)
    yield engine
    if engine_name == "elasticsearch":
        _drop_indexes(engine)
    get_engine.cache_clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what follows as if its transaction committed: the index queue drains, as in production."""

    @contextmanager
    def commit():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return commit


def make_corpus() -> dict:
    """Two partnerships and five items in English and French, published and indexed."""
    library = make_library()
    bamako = make_partnership(
        library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML"
    )
    kisumu = make_partnership(
        library,
        title="Heidelberg–Kisumu surgical safety",
        slug="heidelberg-kisumu",
        south_country="KE",
        north_country="DE",
    )
    items = {
        "hygiene": make_case_study(
            kisumu,
            title="Hand hygiene audits on surgical wards",
            summary="Monthly hand hygiene audits raised compliance from 28% to 71%.",
            focus=("quality-and-safety-of-care",),
            countries=["KE"],
            publication_date=date(2019, 3, 1),
            tags=["ipc"],
            body=[{"type": "paragraph", "value": "<p>Peer auditors observed the five moments on every ward.</p>"}],
        ),
        "separated": make_case_study(
            kisumu,
            title="Hygiene of the operating theatre",
            summary="Cleaning schedules. The hand-over between shifts was also reorganised.",
            focus=("quality-and-safety-of-care", "health-workforce-capacity"),
            countries=["KE", "UG"],
            publication_date=date(2021, 6, 1),
            body=[{"type": "paragraph", "value": "<p>Theatre staff rewrote the cleaning rota.</p>"}],
        ),
        "sante": make_case_study(
            bamako,
            title="Santé communautaire et laboratoire à Bamako",
            summary="Les agents de santé communautaire envoient les échantillons au laboratoire de l'hôpital.",
            language="fr",
            focus=("health-information-systems",),
            publication_date=date(2023, 1, 10),
            body=[{"type": "paragraph", "value": "<p>Un coursier à moto relie les villages.</p>"}],
        ),
        "tuberculosis": make_lesson(
            bamako,
            title="Tuberculosis diagnosis needs a reliable sample transport",
            summary="GeneXpert machines stood idle when sputum samples did not arrive.",
            lesson="Fix sample transport before buying diagnostic machines.",
            focus=("medicines-and-procurement",),
            publication_date=date(2020, 9, 15),
        ),
        "testimonial": make_testimonial(
            kisumu,
            title="A theatre nurse on surgical safety",
            summary="Why the checklist stuck.",
            quote="The surgical safety checklist made us speak up before the first incision.",
            focus=("quality-and-safety-of-care",),
            publication_date=date(2024, 2, 2),
        ),
    }
    return {"bamako": bamako, "kisumu": kisumu, **items}


@pytest.fixture(scope="module")
def shared_corpus(engine_name, build_once):
    """`make_corpus()` built once for the module (and each engine): every test of the module sees it."""
    return build_once(make_corpus)


@pytest.fixture
def corpus(shared_corpus, engine, db):
    """The module's corpus, read afresh from the database: a test may change, move or delete its
    pages (in its own savepoint and its own copy of the index) without the next test noticing."""
    return {name: type(page).objects.get(pk=page.pk) for name, page in shared_corpus.items()}


@pytest.fixture
def unreachable_elasticsearch(settings):
    """Search switched to an Elasticsearch URL where nothing listens, as when a cluster is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends
    settings.SEARCH_ENGINE, settings.ELASTICSEARCH_URL, settings.SEARCH_TIMEOUT = (
        "elasticsearch",
        f"http://127.0.0.1:{port}",
        1,
    )
    get_engine.cache_clear()
    yield
    get_engine.cache_clear()
