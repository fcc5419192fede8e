import pytest
from django.core.management import call_command
from wagtail.models import Page

from home.models import SiteSettings
from knowledge.models import CaseStudyPage, Country, KnowledgeItemPage, LessonPage, PartnershipPage, TestimonialPage

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
