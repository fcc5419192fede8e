"""Tables behind search: the database engine's documents, the shared vocabulary of synonyms,
and the durable queue of index updates."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchDocument(models.Model):
    """The database engine's copy of one live item, flattened for matching and display."""

    id = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=20)
    title = models.CharField(max_length=255)
    summary = models.TextField()
    body = models.TextField()
    language = models.CharField(max_length=2)
    url = models.CharField(max_length=500)
    publication_date = models.DateField(db_index=True)
    year = models.PositiveSmallIntegerField()
    partnership = models.CharField(max_length=255)
    focus_areas = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    version = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["-publication_date", "-id"], name="search_doc_newest")]


class SearchIndexVersion(models.Model):
    """One row: a random token a rebuild of the database engine's index rewrites, in its own
    transaction. Each process drops its in-memory copies of the index (engines/version.py) when
    it changes; everyday writes are logged in SearchIndexChange instead. Random, not a counter:
    a rolled-back rebuild must never make an old token new."""

    token = models.CharField(max_length=32)


class SearchIndexChange(models.Model):
    """A document written or removed since the last rebuild, in commit order: a process brings
    its in-memory facet bitsets up to date from these rows instead of reading them all again.
    Ids only grow (a rolled-back id is never given again), so "newer than what I have" is an id
    comparison."""

    id = models.BigAutoField(primary_key=True)
    document_id = models.BigIntegerField()


class SearchFacetValue(models.Model):
    """One (facet, value) of a document: focus_area=health-policy, country=KE, year=2024, ..."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "document"], name="search_facet_lookup")]


class SearchTerm(models.Model):
    """A word of the indexed text (accents and case folded) and how many documents hold it:
    the vocabulary that typo tolerance and "did you mean" draw on."""

    term = models.CharField(max_length=100, primary_key=True)
    documents = models.PositiveIntegerField(default=0)
    length = models.PositiveSmallIntegerField(db_index=True)


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
        from datetime import timedelta

        from django.utils import timezone

        return cls.objects.filter(started_at__gte=timezone.now() - timedelta(hours=cls.STALE_AFTER_HOURS)).exists()
