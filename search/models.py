"""Tables behind search: the synonyms editors keep, and the durable queue of index updates.
The index itself lives in the engine (a tantivy folder, or Elasticsearch)."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchSynonym(models.Model):
    """Words and acronyms that mean the same thing in a search, in any of the site's languages."""

    terms = models.TextField(
        _("terms"),
        unique=True,
        help_text=_(
            "Comma-separated words or phrases that should find each other, e.g. "
            "“TB, tuberculosis, tuberculose”. Takes effect at once, with no re-indexing."
        ),
    )

    panels = [FieldPanel("terms")]

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


class IndexQueueEntry(models.Model):
    """A page whose index entry must be brought up to date. Written in the same transaction
    as the change that caused it, removed only once the engine has taken the update, so an
    engine that is down delays updates but loses none."""

    page_id = models.BigIntegerField(unique=True)
    enqueued_at = models.DateTimeField(auto_now=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pending index update")


class IndexRebuild(models.Model):
    """Present while `search_index rebuild` runs. Queued updates wait for the new index rather
    than go to the one about to be replaced; the rebuild applies them when it is done."""

    started_at = models.DateTimeField()

    # A rebuild that died without cleaning up must not hold updates back for ever.
    STALE_AFTER_HOURS = 6

    class Meta:
        verbose_name = _("search index rebuild")

    def __str__(self) -> str:
        return f"rebuild started {self.started_at:%Y-%m-%d %H:%M}"

    @classmethod
    def running(cls) -> bool:
        return cls.objects.filter(started_at__gte=timezone.now() - timedelta(hours=cls.STALE_AFTER_HOURS)).exists()
