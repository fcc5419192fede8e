"""Migration 0011 numbers the authors and outcomes that code stored unnumbered."""

import importlib

import pytest
from django.apps import apps

from knowledge.models import CaseStudyAuthor, CaseStudyOutcome
from tests.factories import PersonFactory, make_case_study, make_partnership

pytestmark = pytest.mark.django_db

number_rows = importlib.import_module("knowledge.migrations.0011_number_authors_and_outcomes").number_rows


def test_unnumbered_authors_and_outcomes_are_numbered_in_the_order_they_were_written():
    partnership = make_partnership()
    people = [PersonFactory(name=name) for name in ("Awa Diallo", "Bruno Costa", "Chen Li")]
    page = make_case_study(
        partnership,
        authors=[CaseStudyAuthor(person=person) for person in people],
        outcomes=[{"indicator": f"Indicator {n}", "baseline": 1, "result": 2} for n in range(3)],
    )
    other = make_case_study(partnership, authors=[CaseStudyAuthor(person=people[0], sort_order=5)])
    # As the demo loader and the corpus stored them before: no order at all.
    CaseStudyAuthor.objects.filter(page=page).update(sort_order=None)
    CaseStudyOutcome.objects.filter(page=page).update(sort_order=None)

    number_rows(apps, None)

    authors = CaseStudyAuthor.objects.filter(page=page).order_by("pk")
    assert [(a.person.name, a.sort_order) for a in authors] == [("Awa Diallo", 0), ("Bruno Costa", 1), ("Chen Li", 2)]
    assert list(CaseStudyOutcome.objects.filter(page=page).order_by("pk").values_list("sort_order", flat=True)) == [
        0,
        1,
        2,
    ]
    assert CaseStudyAuthor.objects.get(page=other).sort_order == 5  # a case study numbered already is left as it was
    assert [author.person.name for author in page.specific_class.objects.get(pk=page.pk).authors.all()] == [
        "Awa Diallo",
        "Bruno Costa",
        "Chen Li",
    ]
