import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_case_study, make_lesson, make_library, make_partnership, make_testimonial


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
def default_language():
    """A request under /fr/ switches the language on; the next test starts in English again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
