import pytest
from django.core.management import call_command
from wagtail.models import Page
from wagtail_localize.models import Translation

from home.models import SiteSettings
from knowledge.models import (
    CaseStudyAuthor,
    CaseStudyOutcome,
    CaseStudyPage,
    Country,
    KnowledgeItemPage,
    LessonPage,
    PartnershipPage,
    TestimonialPage,
)

pytestmark = pytest.mark.django_db


def test_demo_content_covers_the_charter_and_loads_only_once(client, capsys):
    call_command("load_demo")
    assert "Created" in capsys.readouterr().out
    assert PartnershipPage.objects.live().count() >= 20
    assert CaseStudyPage.objects.live().count() >= 40
    assert LessonPage.objects.live().count() >= 20
    assert TestimonialPage.objects.live().count() >= 15
    items = KnowledgeItemPage.objects.live()
    assert set(items.values_list("focus_areas__slug", flat=True)) == {
        "quality-and-safety-of-care",
        "health-workforce-capacity",
        "health-information-systems",
        "medicines-and-procurement",
        "health-policy",
    }
    item_countries = Country.objects.filter(knowledge_items__in=items).distinct()
    assert item_countries.count() >= 20
    # Sub-Saharan and Northern Africa, Latin America, Western (Middle East), South-eastern and Southern Asia.
    assert item_countries.values("subregion").distinct().count() >= 6
    partners = Country.objects.filter(institutions__north_partnerships__isnull=False).distinct()
    regions = set(item_countries.values_list("region", flat=True)) | set(partners.values_list("region", flat=True))
    assert {"Africa", "Americas", "Asia", "Europe"} <= regions
    assert set(items.values_list("language", flat=True)) == {"en", "fr", "pt", "es"}
    # Authors and outcomes numbered in the order written, as the admin numbers them: a citation's
    # first author is the same on every database (PostgreSQL lists unnumbered rows in any order).
    for model in (CaseStudyAuthor, CaseStudyOutcome):
        assert model.objects.exists() and not model.objects.filter(sort_order=None).exists(), model
    # Translated with wagtail-localize, each under its partnership's translation, with the same
    # partner group's rights there.
    for code, least in (("fr", 12), ("pt", 6), ("es", 6)):
        translated = items.filter(locale__language_code=code).specific()
        partnerships = PartnershipPage.objects.live().filter(locale__language_code=code)
        assert translated.count() >= least, code
        assert all(item.language == code and item.partnership.locale.language_code == code for item in translated)
        # (Lyon–Bamako is in French with none of its items: the demo partner's to translate.)
        assert {item.partnership_id for item in translated} <= set(partnerships.values_list("pk", flat=True))
        made_with_memory = Translation.objects.filter(target_locale__language_code=code, enabled=True)
        assert made_with_memory.count() == translated.count() + partnerships.count() + 1, code  # + the library
        for partnership in partnerships:
            original = PartnershipPage.objects.get(
                translation_key=partnership.translation_key, locale__language_code="en"
            )
            group = original.partner_group.group
            assert set(
                group.page_permissions.filter(page=partnership).values_list("permission__codename", flat=True)
            ) == {
                "add_page",
                "change_page",
            }
    # Translated case studies carry their outcomes translated (the figures are the source's).
    for code in ("fr", "pt"):
        outcomes = CaseStudyOutcome.objects.filter(page__locale__language_code=code)
        assert outcomes.exists(), code
        for outcome in outcomes:
            source = CaseStudyOutcome.objects.get(translation_key=outcome.translation_key, locale__language_code="en")
            assert outcome.locale.language_code == code
            assert outcome.indicator != source.indicator, (code, outcome.indicator)
            assert (outcome.baseline, outcome.result) == (source.baseline, source.result)
    # Every item has its partnership and at least one country.
    assert not items.filter(partnership__isnull=True).exists()
    assert not items.filter(countries__isnull=True).exists()

    # Editors change things; the notice goes off. A second run must keep all of it.
    case_study = CaseStudyPage.objects.live().first()
    case_study.title = "Edited by an editor"
    case_study.save_revision().publish()
    settings = SiteSettings.objects.get()
    assert settings.sample_content_notice
    settings.sample_content_notice = False
    settings.save()
    pages_before = Page.objects.count()

    call_command("load_demo")
    assert "nothing to do" in capsys.readouterr().out
    assert Page.objects.count() == pages_before
    assert CaseStudyPage.objects.get(pk=case_study.pk).title == "Edited by an editor"
    assert not SiteSettings.objects.get().sample_content_notice

    # The sample pages all render.
    for page in [*PartnershipPage.objects.live()[:3], *items.specific()[:12]]:
        assert client.get(page.url).status_code == 200, page.url
    assert client.get("/").status_code == 200
    assert client.get("/about/").status_code == 200
