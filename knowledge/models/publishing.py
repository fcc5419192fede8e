"""Who may publish what: each partnership's own group of partner accounts."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection


class PartnerGroup(models.Model):
    """The group of a partnership's partner accounts and the collection their uploads go to.
    Created with the partnership and renamed with it (knowledge/publishing/partners.py)."""

    partnership = models.OneToOneField(
        "knowledge.PartnershipPage", on_delete=models.CASCADE, related_name="partner_group"
    )
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="partnership_link")
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="partnership_link")

    class Meta:
        verbose_name = _("partner group")

    def __str__(self) -> str:
        return self.group.name
