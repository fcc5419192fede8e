"""The benchmark's synthetic corpus, and what it proves: pages cost the same SQL at 10 items as at 100.

The demo site and a corpus of 10 items (seed 1) are built once for the module (`corpus_of_10`):
the query-count test grows it to 100, the command's test tops it up to 12; each in its own
savepoint and copy of the search index.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.images import get_image_model

from knowledge.corpus.loader import CorpusLoader
from knowledge.models import (
    CaseStudyAuthor,
    CaseStudyPage,
    KnowledgeItemPage,
    LessonPage,
    PartnershipPage,
    TestimonialPage,
)
from search.engines import get_engine
from search.synonyms import forget_synonyms

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def allow_corpus(settings):
    settings.ALLOW_SYNTHETIC_CORPUS = True


@pytest.fixture(scope="module")
def corpus_of_10(build_once):
    """The demo site (which the corpus loader starts with) and 10 corpus items of seed 1, published
    and indexed: their ids."""

    def build() -> list[int]:
        assert CorpusLoader(10, seed=1).run().added == 10
        return list(generated().values_list("pk", flat=True))

    return build_once(build)


def generated():
    return KnowledgeItemPage.objects.filter(slug__startswith="corpus-")


def test_generate_corpus_publishes_indexed_items_and_tops_up_to_n(
    corpus_of_10, allow_corpus, capsys, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_corpus", "--items", "12", "--seed", "1", "--no-progress")
    assert "added 2" in capsys.readouterr().out  # the 10 already there are kept, not made again
    items = generated()
    assert items.count() == 12 and items.live().count() == 12
    assert set(corpus_of_10) < set(items.values_list("id", flat=True))
    # Published the admin's way: each item has a revision, its partnership and taxonomy.
    assert all(page.latest_revision_id and page.partnership_id for page in items)
    assert all(page.focus_areas.exists() and page.countries.exists() for page in items)
    assert {CaseStudyPage, LessonPage} <= {type(page.specific) for page in items}
    # Authors numbered in order, as the admin numbers them (unnumbered, PostgreSQL lists them in any order).
    assert not CaseStudyAuthor.objects.filter(page__in=items, sort_order=None).exists()
    # Indexed through the queue, as real content is: searchable by a word of its title.
    assert set(items.values_list("id", flat=True)) <= set(get_engine().indexed_versions())
    title = items.type(CaseStudyPage).first().title
    word = max(title.split(), key=len)
    found = client.get("/api/search/", {"q": word}).json()
    assert title in [hit["title"] for hit in found["results"]] or found["total"] > 10

    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_corpus", "--items", "12", "--seed", "7", "--no-progress")
    assert "added 0" in capsys.readouterr().out
    assert generated().count() == 12


def test_the_same_seed_gives_the_same_items(allow_corpus):
    first = CorpusLoader(5, seed=3)
    second = CorpusLoader(5, seed=3)
    assert first.rng("item", 4).random() == second.rng("item", 4).random()
    assert first.rng("item", 4).random() != CorpusLoader(5, seed=4).rng("item", 4).random()


@pytest.mark.parametrize("args", [["--items", "0"], ["--items", "many"]])
def test_bad_sizes_exit_2_with_a_reason(allow_corpus, args):
    with pytest.raises(CommandError, match="items"):
        call_command("generate_corpus", *args)


def test_it_refuses_a_production_database(settings):
    settings.DEBUG = False
    settings.ALLOW_SYNTHETIC_CORPUS = False
    before = generated().count()  # 10 once the module's corpus is built, 0 before
    with pytest.raises(CommandError, match="production"):
        call_command("generate_corpus", "--items", "30")
    assert generated().count() == before


def test_every_page_makes_as_many_queries_at_100_items_as_at_10(
    corpus_of_10, allow_corpus, client, queries_for, django_capture_on_commit_callbacks
):
    def urls() -> list[str]:
        case_study = generated().type(CaseStudyPage).order_by("pk").first()
        lesson = generated().type(LessonPage).order_by("pk").first()
        testimonial = TestimonialPage.objects.live().order_by("pk").first()
        partnership = PartnershipPage.objects.filter(slug__startswith="corpus-").order_by("pk").first()
        return [
            "/",
            "/library/",
            "/library/in-numbers/",
            case_study.url,
            lesson.url,
            testimonial.url,
            partnership.url,
            "/search/",
            "/search/?q=health+training",
            "/search/?q=hospital&type=case-study&focus_area=quality-and-safety-of-care",
            "/api/search/?q=health",
            "/api/search/?q=laboratry",  # a typo: the vocabulary is consulted
            "/api/search/autocomplete/?q=hea",
            "/feeds/latest.atom",
        ]

    def warm_up() -> None:
        # Caches that expire with time (synonyms after 60 s, content figures after 600 s) are
        # emptied first: filled just before counting, they cannot expire between the two.
        # Loading 90 more items can take a minute on a busy machine.
        forget_synonyms()
        cache.clear()
        for url in urls():
            client.get(url)  # per-process caches (site root paths, region names) warm up
        # Which related items a page shows is the engine's choice, and a card's image gets its
        # rendition made (a one-off write) the first time it is shown: made for all beforehand.
        for image in get_image_model().objects.all():
            image.get_rendition("fill-480x270|format-webp")

    assert generated().count() == 10
    warm_up()
    at_10 = {url: queries_for(url) for url in urls()}

    with django_capture_on_commit_callbacks(execute=True):
        CorpusLoader(100, seed=1).run()
    assert generated().count() == 100
    warm_up()
    at_100 = {url: queries_for(url) for url in urls()}
    assert at_100 == at_10
