"""What OAI-PMH harvesters are told about items that are no longer public (deletedRecord "persistent")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletedItemRecord(models.Model):
    """An item that was public and then unpublished, deleted or made private.

    Written by knowledge/oai/signals.py and removed when the item is public again. The page may be
    gone, so its id and set memberships are kept here rather than looked up.
    """

    page_id = models.PositiveIntegerField(_("page id"), primary_key=True)
    deleted_at = models.DateTimeField(_("withdrawn at"), db_index=True)
    # Space-separated OAI setSpecs with a space at each end, so that " type:lesson " is found
    # with a plain `contains` on every database.
    sets = models.TextField(_("OAI sets"), blank=True)

    class Meta:
        verbose_name = _("withdrawn item record")
        verbose_name_plural = _("withdrawn item records")

    def __str__(self) -> str:
        return f"#{self.page_id} withdrawn {self.deleted_at:%Y-%m-%d}"

    @property
    def set_specs(self) -> list[str]:
        return self.sets.split()
