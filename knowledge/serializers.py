"""How knowledge items' taxonomy reads in the API (/api/v2/pages/): slugs and codes with their names."""

from rest_framework import serializers
from wagtail.models import Page
from wagtail.rich_text import expand_db_html


class FocusAreasField(serializers.Field):
    def to_representation(self, manager):
        return [{"slug": area.slug, "name": area.name} for area in manager.all()]


class CountriesField(serializers.Field):
    def to_representation(self, manager):
        return [{"code": c.code, "name": c.name, "region": c.region_slug} for c in manager.all()]


class TagsField(serializers.Field):
    def to_representation(self, manager):
        return sorted(tag.name for tag in manager.all())


class PartnershipField(serializers.Field):
    """Only a live, public partnership is named: the API must not reveal a draft's title."""

    def to_representation(self, partnership):
        if partnership is None or not partnership.live:
            return None
        return {
            "id": partnership.pk,
            "title": partnership.title,
            "slug": partnership.slug,
            "url": partnership.get_full_url(self.context.get("request")),
        }


class AuthorsField(serializers.Field):
    def to_representation(self, manager):
        return [
            {
                "name": author.person.name,
                "orcid": author.person.orcid or None,
                "institution": author.person.institution.name if author.person.institution else None,
            }
            for author in manager.all()
        ]


class OutcomesField(serializers.Field):
    def to_representation(self, manager):
        return [
            {
                "indicator": outcome.indicator,
                "baseline": None if outcome.baseline is None else float(outcome.baseline),
                "result": None if outcome.result is None else float(outcome.result),
                "unit": outcome.unit,
                "period": outcome.period,
                "source": outcome.source,
            }
            for outcome in manager.all()
        ]


class LicenceField(serializers.Field):
    def to_representation(self, page):
        return {"code": page.licence, "name": str(page.get_licence_display()), "url": page.licence_url or None}


class PeriodField(serializers.Field):
    def to_representation(self, page):
        return {"start": page.period_start, "end": page.period_end}


class SpeakerField(serializers.Field):
    def to_representation(self, person):
        return {"name": person.name} if person else None


class InstitutionField(serializers.Field):
    def to_representation(self, institution):
        if institution is None:
            return None
        return {"name": institution.name, "country": institution.country_id}


class CaseStudyLinksField(serializers.Field):
    """The case studies a lesson draws on, live ones only."""

    def to_representation(self, manager):
        request = self.context.get("request")
        links = list(manager.select_related("case_study"))
        public = set(
            Page.objects.live()
            .public()
            .filter(pk__in=[link.case_study_id for link in links])
            .values_list("pk", flat=True)
        )
        return [
            {"id": link.case_study.pk, "title": link.case_study.title, "url": link.case_study.get_full_url(request)}
            for link in links
            if link.case_study_id in public
        ]


class RichTextHTMLField(serializers.CharField):
    """Rich text as readers see it: internal links and embeds expanded to plain HTML."""

    def to_representation(self, value):
        return expand_db_html(value or "")
