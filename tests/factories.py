"""Builders for test content. Pages go the admin's way: added as a draft, then a revision published."""

import datetime
import itertools
import json

import factory
from wagtail.models import Page, Site

from knowledge.models import (
    CaseStudyOutcome,
    CaseStudyPage,
    Country,
    FocusArea,
    Institution,
    LessonPage,
    LibraryIndexPage,
    PartnershipPage,
    Person,
    TestimonialPage,
)

_counter = itertools.count(1)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Test Institution {n}")
    type = Institution.Type.HOSPITAL
    city = "Somewhere"
    country = factory.LazyFunction(lambda: Country.objects.get(code="KE"))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    role = "Nurse"
    institution = factory.SubFactory(InstitutionFactory)


def home_page():
    return Site.objects.get(is_default_site=True).root_page.specific


def publish(parent: Page, page: Page, live: bool = True) -> Page:
    page.live = False
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
        page.refresh_from_db()
    return page


def make_library() -> LibraryIndexPage:
    existing = LibraryIndexPage.objects.first()
    return existing or publish(home_page(), LibraryIndexPage(title="Library", slug="library"))


def make_partnership(library=None, *, north_country="FR", south_country="KE", focus=("health-policy",), **fields):
    library = library or make_library()
    n = next(_counter)
    page = PartnershipPage(
        title=fields.pop("title", f"Partnership {n}"),
        slug=fields.pop("slug", f"partnership-{n}"),
        summary=fields.pop("summary", "A test partnership."),
        start_year=fields.pop("start_year", 2010),
        **fields,
    )
    page.north_institutions = [InstitutionFactory(country=Country.objects.get(code=north_country))]
    page.south_institutions = [InstitutionFactory(country=Country.objects.get(code=south_country))]
    page.focus_areas = list(FocusArea.objects.filter(slug__in=focus))
    return publish(library, page)


def _item_defaults(model, fields):
    n = next(_counter)
    focus = fields.pop("focus", ("quality-and-safety-of-care",))
    countries = fields.pop("countries", ())
    tags = fields.pop("tags", ())
    live = fields.pop("live", True)
    page = model(
        title=fields.pop("title", f"{model._meta.verbose_name.capitalize()} {n}"),
        slug=fields.pop("slug", f"{model.TYPE_SLUG}-{n}"),
        summary=fields.pop("summary", "What was done and what it achieved."),
        publication_date=fields.pop("publication_date", datetime.date(2024, 5, 1)),
        **fields,
    )
    page.focus_areas = list(FocusArea.objects.filter(slug__in=focus))
    page.countries = list(Country.objects.filter(code__in=countries))
    page.tags.add(*tags)
    return page, live


def make_case_study(partnership, **fields) -> CaseStudyPage:
    body = fields.pop(
        "body",
        [
            {"type": "heading", "value": "What we did"},
            {"type": "paragraph", "value": "<p>Hand hygiene audits on every ward, every month.</p>"},
        ],
    )
    outcomes = fields.pop("outcomes", [])
    page, live = _item_defaults(CaseStudyPage, fields)
    page.body = json.dumps(body)
    page.outcomes = [CaseStudyOutcome(sort_order=i, **outcome) for i, outcome in enumerate(outcomes)]
    for i, author in enumerate(page.authors.all()):  # in the order given, as the admin's form numbers them
        author.sort_order = i if author.sort_order is None else author.sort_order
    return publish(partnership, page, live=live)


def make_lesson(partnership, **fields) -> LessonPage:
    page, live = _item_defaults(LessonPage, fields)
    page.lesson = page.lesson or "Plan for staff turnover from the start."
    for name in ("context", "what_worked", "what_did_not", "recommendation"):
        setattr(page, name, getattr(page, name) or f"<p>Test {name.replace('_', ' ')}.</p>")
    return publish(partnership, page, live=live)


def make_testimonial(partnership, **fields) -> TestimonialPage:
    fields.setdefault("speaker", PersonFactory())
    fields.setdefault("quote", "The partnership changed how we work.")
    fields.setdefault("consent_recorded", True)
    page, live = _item_defaults(TestimonialPage, fields)
    return publish(partnership, page, live=live)
