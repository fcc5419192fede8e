"""Fixtures for the search behaviour suite: every engine that can run here, and a small corpus
indexed through the real path (publish -> signals -> queue -> drain after commit)."""

import os
import socket
import uuid
from contextlib import contextmanager
from datetime import date

import pytest

from search.engines import get_engine
from tests.factories import make_case_study, make_lesson, make_partnership, make_testimonial

ENGINES = ["tantivy"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture(params=ENGINES)
def engine(request, settings, db, tmp_path):
    settings.SEARCH_ENGINE = request.param
    if request.param == "tantivy":
        settings.SEARCH_INDEX_DIR = tmp_path / "search-index"  # a real index, in a folder of its own
    if request.param == "elasticsearch":
        settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    get_engine.cache_clear()
    engine = get_engine()
    engine.rebuild([], lambda n: None)
    yield engine
    if request.param == "elasticsearch":
        engine.client.indices.delete(index=f"{settings.SEARCH_INDEX_PREFIX}-*", ignore_unavailable=True)
    get_engine.cache_clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what follows as if its transaction committed: the index queue drains, as in production."""

    @contextmanager
    def commit():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return commit


@pytest.fixture
def corpus(engine, library, committed):
    with committed():
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
