"""The home page and the plain content pages (about, history, charter)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, Site
from wagtail.search import index

from config.languages import FallBackToDefaultTreeMixin, ReaderLanguagePageMixin, reader_language
from knowledge.blocks import PageBodyBlock
from knowledge.content_version import cached_until_content_changes
from knowledge.models import KnowledgeItemPage, LibraryIndexPage, TestimonialPage
from knowledge.selectors import (
    featured_testimonials,
    focus_areas_with_counts,
    home_figures,
    in_reader_language,
    live_pages_of_type,
    published_items,
    with_card_data,
)


class HomePage(FallBackToDefaultTreeMixin, ReaderLanguagePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("featured_items", label=_("Featured item"), heading=_("Featured items"), max_num=6),
        InlinePanel(
            "featured_testimonials", label=_("Testimonial"), heading=_("Testimonials in the carousel"), max_num=8
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge.LibraryIndexPage", "home.StandardPage"]
    max_count_per_parent = 1
    template = "home/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A translation of the home page (its intro, its choice of features) shows the library
        # of the default language's tree, where the partnerships and their items are.
        tree = self.default_language_version()
        library = live_pages_of_type(LibraryIndexPage).child_of(tree).first()
        context["library"] = library
        # Counted over the whole library: kept until something is published, moved or withdrawn.
        context["figures"] = cached_until_content_changes(f"home-figures-{tree.pk}", lambda: home_figures(within=tree))
        context["focus_areas"] = cached_until_content_changes(
            f"home-focus-areas-{tree.pk}", lambda: list(focus_areas_with_counts(within=tree))
        )
        # A translation with no choice of its own shows the default language's.
        curated = self if self.featured_items.exists() or tree is self else tree
        featured_ids = [link.item_id for link in curated.featured_items.all()]
        featured = with_card_data(KnowledgeItemPage.objects.live().public().filter(pk__in=featured_ids)).in_bulk()
        # Each card in the reader's language where the item has a translation.
        language = reader_language(request)
        context["featured"] = in_reader_language([featured[pk] for pk in featured_ids if pk in featured], language)
        chosen_ids = [link.testimonial_id for link in curated.featured_testimonials.all()]
        if chosen_ids:
            chosen = (
                TestimonialPage.objects.live()
                .public()
                .filter(pk__in=chosen_ids)
                .select_related("speaker", "institution__country", "image")
                .in_bulk()
            )
            context["testimonials"] = [chosen[pk] for pk in chosen_ids if pk in chosen]
        else:
            context["testimonials"] = featured_testimonials(within=tree)
        context["latest"] = in_reader_language(
            list(published_items(within=tree).exclude(pk__in=featured_ids)[:6]), language
        )
        return context

    def default_language_version(self) -> "HomePage":
        """This home page in the default language (itself, or the page it translates)."""
        default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
        if default is None or self.locale_id == default.pk:
            return self
        source = self.get_translation_or_none(default)
        return source.specific if source is not None else self


class HomePageFeaturedItem(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    item = models.ForeignKey(
        "knowledge.KnowledgeItemPage", verbose_name=_("item"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("item")]


class HomePageTestimonial(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_testimonials")
    testimonial = models.ForeignKey(
        "knowledge.TestimonialPage", verbose_name=_("testimonial"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("testimonial")]


class StandardPage(ReaderLanguagePageMixin, Page):
    """A plain content page: about, history, charter."""

    introduction = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(PageBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    template = "home/standard_page.html"

    class Meta:
        verbose_name = _("content page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        default="ESTHER Alliance for Global Health Partnerships",
        help_text=_("Named as publisher in citations and metadata."),
    )
    sample_content_notice = models.BooleanField(
        _("show the sample content notice"),
        default=False,
        help_text=_(
            "Tells visitors that the content is fictional demonstration material. Turn off once real content is in."
        ),
    )

    panels = [FieldPanel("publisher"), FieldPanel("sample_content_notice")]

    @classmethod
    def publisher_for(cls, request) -> str:
        """Who citations, metadata, feeds and OAI-PMH name as publisher: this setting for the
        request's site, else the site's name."""
        site = Site.find_for_request(request) if request is not None else None
        # for_request keeps the settings on the request: a page's metadata, citation and
        # footer each ask.
        publisher = cls.for_request(request).publisher if site is not None else ""
        return publisher or settings.WAGTAIL_SITE_NAME

    class Meta:
        verbose_name = _("site settings")
