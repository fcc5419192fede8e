import pytest
from django.core.exceptions import ValidationError

from knowledge.models import (
    CaseStudyPage,
    Country,
    FocusArea,
    KnowledgeItemPage,
    LessonPage,
    LibraryIndexPage,
    PartnershipPage,
    Person,
    TestimonialPage,
)
from tests.factories import InstitutionFactory, PersonFactory, make_case_study, make_partnership, make_testimonial

pytestmark = pytest.mark.django_db


def test_the_five_charter_focus_areas_are_seeded_in_order():
    assert list(FocusArea.objects.values_list("name", flat=True)) == [
        "Quality and safety of care",
        "Health workforce capacity",
        "Health information systems",
        "Medicines and procurement",
        "Health policy",
    ]


def test_every_iso_country_is_seeded_with_its_m49_region():
    assert Country.objects.count() == 249
    kenya = Country.objects.get(code="KE")
    assert (kenya.iso3, kenya.region, kenya.subregion, kenya.intermediate_region) == (
        "KEN",
        "Africa",
        "Sub-Saharan Africa",
        "Eastern Africa",
    )
    assert kenya.region_slug == "africa"
    assert Country.objects.get(code="LB").subregion == "Western Asia"
    assert Country.objects.get(code="BO").region == "Americas"
    assert Country.objects.exclude(code="AQ").filter(region="").count() == 0
    assert Country.objects.filter(latitude__isnull=True).count() == 0


def test_country_name_follows_the_interface_language():
    from django.utils import translation

    ivory_coast = Country.objects.get(code="CI")
    with translation.override("fr"):
        assert ivory_coast.localized_name == "Côte d'Ivoire"
    with translation.override("en"):
        assert ivory_coast.localized_name == ivory_coast.name


@pytest.mark.parametrize(
    ("orcid", "message"),
    [
        ("0000-0002-1825-0097", None),
        ("0000-0002-1694-233X", None),
        ("0000-0002-1825-0098", "wrong check digit"),
        ("0000000218250097", "four groups"),
        ("https://orcid.org/0000-0002-1825-0097", "four groups"),
    ],
)
def test_orcid_is_checked_for_form_and_check_digit(orcid, message):
    person = PersonFactory.build(orcid=orcid, institution=InstitutionFactory())
    if message is None:
        person.full_clean()
    else:
        with pytest.raises(ValidationError, match=message):
            person.full_clean()


def test_knowledge_items_take_their_partnership_and_countries_from_the_tree(partnership):
    case_study = make_case_study(partnership)
    assert case_study.partnership_id == partnership.pk
    # No countries chosen: the partner (south) countries of the partnership, not the European ones.
    assert list(case_study.countries.values_list("code", flat=True)) == ["ML"]
    chosen = make_case_study(partnership, countries=["SN", "ML"])
    assert sorted(chosen.countries.values_list("code", flat=True)) == ["ML", "SN"]


def test_moving_an_item_to_another_partnership_moves_its_partnership(partnership, library):
    other = make_partnership(library)
    case_study = make_case_study(partnership)
    case_study.move(other, pos="last-child")
    assert KnowledgeItemPage.objects.get(pk=case_study.pk).partnership_id == other.pk


def test_partnership_countries_come_from_its_institutions_unless_set(library):
    derived = make_partnership(library, north_country="DE", south_country="UG")
    assert [c.code for c in derived.country_list] == ["DE", "UG"]
    derived.countries = [Country.objects.get(code="TZ")]
    assert [c.code for c in derived.country_list] == ["TZ"]


@pytest.mark.parametrize("slug", ["partnerships", "focus-areas", "countries"])
def test_a_partnership_cannot_take_a_library_route_as_its_slug(slug):
    page = PartnershipPage(title="x", slug=slug, summary="x", start_year=2010)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "slug" in error.value.message_dict


def test_a_partnership_cannot_end_before_it_starts():
    page = PartnershipPage(title="x", slug="x", summary="x", start_year=2015, end_year=2012)
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "end_year" in error.value.message_dict


def test_a_testimonial_needs_recorded_consent_to_be_published(partnership):
    testimonial = TestimonialPage(title="t", slug="t", summary="s", quote="q", speaker=PersonFactory())
    testimonial.clean()  # a draft may wait for the consent
    assert "consent_recorded" in testimonial.publication_problems()
    testimonial.consent_recorded = True
    assert testimonial.publication_problems() == {}


def test_a_testimonial_defaults_to_the_speakers_institution(partnership):
    speaker = PersonFactory()
    testimonial = make_testimonial(partnership, speaker=speaker)
    assert testimonial.institution_id == speaker.institution_id


def test_the_page_tree_only_allows_items_under_partnerships():
    assert CaseStudyPage.allowed_parent_page_models() == [PartnershipPage]
    assert LessonPage.allowed_parent_page_models() == [PartnershipPage]
    assert PartnershipPage.allowed_parent_page_models() == [LibraryIndexPage]
    assert not KnowledgeItemPage.is_creatable
    assert set(PartnershipPage.allowed_subpage_models()) == {CaseStudyPage, LessonPage, TestimonialPage}


def test_case_study_outcomes_know_their_change(partnership):
    case_study = make_case_study(
        partnership, outcomes=[{"indicator": "SSI rate", "baseline": 12.5, "result": 4, "unit": "%"}]
    )
    outcome = case_study.outcomes.get()
    assert outcome.change == -8.5
    assert case_study.licence == CaseStudyPage.Licence.CC_BY


def test_a_person_is_listed_by_name():
    assert str(Person(name="Awa Traoré")) == "Awa Traoré"
