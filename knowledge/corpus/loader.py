"""A synthetic corpus of N knowledge items for the benchmark.

Partnerships, institutions and people are made first (about one partnership per 25 items, at
most 350, as in the alliance), published through Wagtail. Then the items: the first
`PUBLISHED_ITEMS` are added and published as the admin does, in batches of one transaction
each, and after each commit the search index queue is drained as it is for real content (the
benchmark reports the rate of this path); the rest are made by the same code (`_make_item`) and
written in bulk to the rows publishing leaves (bulk.py), a batch per transaction, without the
search queue: `search_index rebuild` (or `update`) indexes them. Item i depends only on
(seed, i): a second run tops the corpus up to N.

Wagtail's two side indexes, its own search index (the admin's page search) and its reference
index, are not updated on each save (per save they cost as much as the rest of publishing):
each bulk batch writes its items' entries, and the items published one by one get theirs at the
end, by the calls Wagtail's `update_index` and `rebuild_references_index` make (bulk.py,
`index_in_wagtail`); rerunning those commands over the whole corpus would take half an hour
at 100,000 items.
"""

import dataclasses
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models.signals import post_save
from django.utils.text import slugify
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from ..demo_loader import DemoLoader, publish_new
from ..models import (
    CaseStudyAuthor,
    CaseStudyOutcome,
    CaseStudyPage,
    Country,
    FocusArea,
    Institution,
    KnowledgeItemPage,
    LessonPage,
    LibraryIndexPage,
    PartnershipPage,
    Person,
    TestimonialPage,
)
from .bulk import BulkPublisher, index_in_wagtail, refresh_title_norms
from .text import TextMaker
from .words import (
    FIRST_NAMES,
    FRANCOPHONE,
    LAST_NAMES,
    NORTH,
    NORTH_INSTITUTION_KINDS,
    SOUTH,
    SOUTH_INSTITUTION_KINDS,
    TAGS,
)

SLUG_PREFIX = "corpus-"
BATCH = 250
# Items published through Wagtail's own path, one by one: enough to time it (the benchmark reports
# that rate); the rest are written in bulk, BULK_BATCH to a transaction.
PUBLISHED_ITEMS = 1_000
BULK_BATCH = 500
MAX_PARTNERSHIPS = 350
LAST_DAY = date(2026, 11, 1)
# Quality and safety is the commonest focus; policy the rarest (as in the demo content).
FOCUS_WEIGHTS = [5, 4, 3, 3, 2]
# Case studies, lessons learned, testimonials.
TYPE_WEIGHTS = [60, 25, 15]
TOPICS = ["laboratory", "surgical care", "nursing education", "maternal health", "health information", "pharmacy"]


@contextmanager
def wagtail_side_indexes_deferred() -> Iterator[None]:
    """Saves update neither Wagtail's search index nor its reference index while this lasts."""
    models = [m for m in index.get_indexed_models() if post_save.disconnect(post_save_signal_handler, sender=m)]
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def partnership_count(items: int) -> int:
    return min(MAX_PARTNERSHIPS, max(4, items // 25))


def item_words(rng: random.Random) -> int:
    """Between 300 and 3,000 words, log-uniform: most items are short, a few long."""
    return int(math.exp(rng.uniform(math.log(300), math.log(3000))))


@dataclass
class Step:
    items: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


@dataclass
class CorpusRun:
    """What a run added, and how long each part took."""

    published: Step = dataclasses.field(default_factory=Step)  # through Wagtail's publishing path
    bulk: Step = dataclasses.field(default_factory=Step)  # written in bulk
    # Wagtail's search and reference indexes of the items published one by one (bulk batches
    # write their own), and the admin search's title norms.
    side_indexes: Step = dataclasses.field(default_factory=Step)
    making_seconds: float = 0.0  # of the bulk part's seconds, those spent making the items in memory

    @property
    def added(self) -> int:
        return self.published.items + self.bulk.items


class CorpusLoader:
    def __init__(
        self,
        items: int,
        seed: int,
        progress: Callable[[int], None] = lambda n: None,
        published_items: int = PUBLISHED_ITEMS,
    ):
        self.items = items
        self.seed = seed
        self.progress = progress
        self.published_items = published_items

    def rng(self, *key) -> random.Random:
        return random.Random("-".join(map(str, (self.seed, *key))))

    def run(self) -> CorpusRun:
        """Make the corpus N items large; says how many items this run added, and how."""
        DemoLoader().run()  # the site, the library and the taxonomy
        self.library = LibraryIndexPage.objects.get(locale=Locale.get_default())  # not its translations
        self.focus_areas = list(FocusArea.objects.order_by("sort_order"))
        self.countries = Country.objects.in_bulk()
        with transaction.atomic():
            self.partnerships = [self._partnership(j) for j in range(partnership_count(self.items))]
        done = self._existing_items()
        self.progress(done)
        run = CorpusRun()
        with wagtail_side_indexes_deferred():
            published = range(done, min(self.items, self.published_items))
            started = time.perf_counter()
            for start in range(published.start, published.stop, BATCH):
                with transaction.atomic():
                    for index in range(start, min(start + BATCH, published.stop)):
                        publish_new(*self._make_item(index))
                self.progress(min(BATCH, published.stop - start))
            run.published = Step(len(published), time.perf_counter() - started)

            bulk = range(max(done, published.stop), self.items)
            started = time.perf_counter()
            publisher = BulkPublisher()
            for start in range(bulk.start, bulk.stop, BULK_BATCH):
                with transaction.atomic():
                    made = time.perf_counter()
                    items = [self._make_item(index) for index in range(start, min(start + BULK_BATCH, bulk.stop))]
                    run.making_seconds += time.perf_counter() - made
                    publisher.publish(items)
                self.progress(min(BULK_BATCH, bulk.stop - start))
            run.bulk = Step(len(bulk), time.perf_counter() - started)
        if done < self.items:
            started = time.perf_counter()
            # Bulk batches wrote their own entries; the items published one by one are entered here,
            # all of them (a build that was stopped may have left some out), then the norms.
            published = KnowledgeItemPage.objects.filter(
                slug__startswith=SLUG_PREFIX, slug__lt=f"{SLUG_PREFIX}{self.published_items:06d}"
            )
            for start in range(0, published.count(), BATCH):
                with transaction.atomic():
                    index_in_wagtail(list(published.order_by("pk").specific()[start : start + BATCH]))
            refresh_title_norms()
            run.side_indexes = Step(min(self.items, self.published_items), time.perf_counter() - started)
        return run

    def _existing_items(self) -> int:
        return KnowledgeItemPage.objects.filter(slug__startswith=SLUG_PREFIX).count()

    # Partnerships and the people in them ---------------------------------------------------

    def _institution(self, country: str, name: str, kind: str, city: str) -> Institution:
        institution, _ = Institution.objects.get_or_create(
            name=name, country=self.countries[country], defaults={"type": kind, "city": city}
        )
        return institution

    def _partnership(self, j: int) -> PartnershipPage:
        rng = self.rng("partnership", j)
        slug_start = f"{SLUG_PREFIX}{j:03d}-"
        existing = PartnershipPage.objects.child_of(self.library).filter(slug__startswith=slug_start).first()
        if existing is not None:
            return existing
        south_code, south_cities = rng.choice(SOUTH)
        north_code, north_cities = rng.choice(NORTH)
        south_city, north_city = rng.choice(south_cities), rng.choice(north_cities)
        kind, english, french = rng.choice(SOUTH_INSTITUTION_KINDS)
        south = self._institution(
            south_code, (french if south_code in FRANCOPHONE else english).format(city=south_city), kind, south_city
        )
        kind, name = rng.choice(NORTH_INSTITUTION_KINDS)
        north = self._institution(north_code, name.format(city=north_city), kind, north_city)
        topic = rng.choice(TOPICS)
        title = f"{north_city}–{south_city} {topic} partnership"
        start = rng.randint(2002, 2022)
        text = TextMaker(rng, "en")
        page = PartnershipPage(
            title=title,
            slug=f"{slug_start}{slugify(title)}"[:80],
            summary=text.summary(),
            description="".join(f"<p>{p}</p>" for p in text.paragraphs(rng.randint(80, 200))),
            start_year=start,
            end_year=None if rng.random() < 0.6 else min(2026, start + rng.randint(2, 10)),
            status=PartnershipPage.Status.ACTIVE,
        )
        if page.end_year:
            page.status = PartnershipPage.Status.COMPLETED
        page.north_institutions = [north]
        page.south_institutions = [south]
        page.countries = [self.countries[south_code]]
        page.focus_areas = self._focus_areas(rng)
        publish_new(self.library, page)
        for _ in range(3):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            Person.objects.get_or_create(
                name=name, institution=rng.choice([north, south]), defaults={"role": rng.choice(["Nurse", "Doctor"])}
            )
        page.language_hint = "fr" if south_code in FRANCOPHONE else "en"
        return page

    def _focus_areas(self, rng: random.Random) -> list[FocusArea]:
        chosen = {rng.choices(range(len(self.focus_areas)), FOCUS_WEIGHTS)[0] for _ in range(rng.randint(1, 3))}
        return [self.focus_areas[i] for i in sorted(chosen)]

    def _people(self, partnership: PartnershipPage) -> list[Person]:
        if not hasattr(partnership, "people_cache"):
            institutions = [*partnership.north_institutions.all(), *partnership.south_institutions.all()]
            partnership.people_cache = list(Person.objects.filter(institution__in=institutions).order_by("pk"))
        return partnership.people_cache

    # Items ---------------------------------------------------------------------------------

    def _make_item(self, index: int) -> tuple[PartnershipPage, KnowledgeItemPage]:
        """Item `index`, unsaved, with its relations in memory, and the partnership it goes under."""
        rng = self.rng("item", index)
        weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.partnerships))]
        partnership = rng.choices(self.partnerships, weights)[0]
        language = getattr(partnership, "language_hint", None) or (
            "fr" if partnership.countries.filter(code__in=FRANCOPHONE).exists() else "en"
        )
        if rng.random() < 0.25:  # partnerships also write in the other language
            language = "en" if language == "fr" else "fr"
        text = TextMaker(rng, language)
        model = rng.choices([CaseStudyPage, LessonPage, TestimonialPage], TYPE_WEIGHTS)[0]
        title = text.title()
        page = model(
            title=title,
            slug=f"{SLUG_PREFIX}{index:06d}-{slugify(title)[:40]}".rstrip("-"),
            summary=text.summary(),
            language=language,
            publication_date=self._date(rng, partnership.start_year),
        )
        page.focus_areas = self._focus_areas(rng)
        tags = rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3]))
        if tags:
            page.tags.add(*tags)
        people = self._people(partnership)
        words = item_words(rng)
        if model is CaseStudyPage:
            self._case_study(page, rng, text, words, people)
        elif model is LessonPage:
            self._lesson(page, rng, text, words)
        else:
            self._testimonial(page, rng, text, people)
        return partnership, page

    @staticmethod
    def _date(rng: random.Random, start_year: int) -> date:
        # More items in recent years: the alliance has grown.
        first = date(max(2003, start_year + 1), 1, 1)
        span = (LAST_DAY - first).days
        return first + timedelta(days=int(span * math.sqrt(rng.random())))

    def _case_study(self, page, rng, text: TextMaker, words: int, people: list[Person]) -> None:
        body = []
        for section in range(rng.randint(2, 5)):
            body.append({"type": "heading", "value": text.title()})
            for paragraph in text.paragraphs(words // (section + 2) if section < 4 else words // 8):
                body.append({"type": "paragraph", "value": f"<p>{paragraph}</p>"})
        page.body = json.dumps(body)
        start = page.publication_date.year - rng.randint(1, 4)
        page.period_start, page.period_end = start, page.publication_date.year
        if people:
            chosen = rng.sample(people, min(len(people), rng.randint(1, 3)))
            # In order, as the admin's form numbers them: unnumbered, PostgreSQL lists them in any order.
            page.authors = [CaseStudyAuthor(person=p, sort_order=i) for i, p in enumerate(chosen)]
        page.outcomes = [
            CaseStudyOutcome(
                sort_order=i,
                indicator=text.title()[:200],
                baseline=rng.randint(5, 60),
                result=rng.randint(5, 95),
                unit="%",
                period=f"{start}–{page.publication_date.year}",
            )
            for i in range(rng.randint(0, 3))
        ]

    def _lesson(self, page, rng, text: TextMaker, words: int) -> None:
        page.lesson = text.sentence()[:250]
        for field, share in (("context", 0.3), ("what_worked", 0.3), ("what_did_not", 0.2), ("recommendation", 0.2)):
            setattr(page, field, "".join(f"<p>{p}</p>" for p in text.paragraphs(int(words * share))))

    def _testimonial(self, page, rng, text: TextMaker, people: list[Person]) -> None:
        quote = ""
        for sentence in text.sentences(400):
            if len(quote) + len(sentence) + 1 > 1990:
                break
            quote = f"{quote} {sentence}".strip()
        page.quote = quote
        speaker = rng.choice(people) if people else Person.objects.order_by("pk").first()
        page.speaker = speaker
        page.speaker_role = speaker.role
        page.given_on = page.publication_date - timedelta(days=rng.randint(0, 90))
        page.consent_recorded = True
