"""The partner's dashboard panel: their partnership's items by state, and buttons to add more."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from knowledge.models import KnowledgeItemPage, PartnershipPage

# The states a partner follows an item through, in the order the panel lists them.
STATES = {
    "draft": _("Drafts"),
    "in_review": _("In review"),
    "changes_requested": _("Changes requested"),
    "published": _("Published"),
}


@dataclass
class PartnershipItems:
    partnership: PartnershipPage
    add_buttons: list[tuple[str, str]]
    items_by_state: dict[str, list[KnowledgeItemPage]] = field(default_factory=dict)

    @property
    def panel_id(self) -> str:
        return f"partner-items-{self.partnership.pk}"

    @property
    def states(self) -> list[tuple[str, Any, list[KnowledgeItemPage]]]:
        return [(state, label, self.items_by_state.get(state, [])) for state, label in STATES.items()]


def partnerships_of(user) -> list[PartnershipPage]:
    """The partnerships whose partner group the user belongs to."""
    return list(PartnershipPage.objects.filter(partner_group__group__user=user).order_by("title"))


def item_state(page: KnowledgeItemPage, workflow_status: str | None) -> str:
    if workflow_status == WorkflowState.STATUS_IN_PROGRESS:
        return "in_review"
    if workflow_status == WorkflowState.STATUS_NEEDS_CHANGES:
        return "changes_requested"
    return "published" if page.live else "draft"


def _latest_workflow_statuses(pages: list[KnowledgeItemPage]) -> dict[str, str]:
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(page.pk) for page in pages],
    ).order_by("created_at", "pk")
    return dict(states.values_list("object_id", "status"))  # the latest wins


def partner_items(user) -> list[PartnershipItems]:
    """For each of the user's partnerships, its items grouped by state, newest change first."""
    partnerships = partnerships_of(user)
    pages = list(
        KnowledgeItemPage.objects.filter(partnership__in=partnerships)
        .order_by("-latest_revision_created_at", "-pk")
        .specific()
    )
    statuses = _latest_workflow_statuses(pages)
    result = []
    for partnership in partnerships:
        buttons = [
            (
                _("Add a %(item_type)s") % {"item_type": model._meta.verbose_name},
                reverse("wagtailadmin_pages:add", args=(model._meta.app_label, model._meta.model_name, partnership.pk)),
            )
            for model in PartnershipPage.allowed_subpage_models()
        ]
        entry = PartnershipItems(partnership=partnership, add_buttons=buttons)
        for page in pages:
            if page.partnership_id == partnership.pk:
                entry.items_by_state.setdefault(item_state(page, statuses.get(str(page.pk))), []).append(page)
        result.append(entry)
    return result


class PartnerItemsPanel(Component):
    name = "partner_items"
    template_name = "knowledge/admin/partner_dashboard_panel.html"
    order = 50  # above Wagtail's own panels

    def __init__(self, partnerships: list[PartnershipItems]):
        self.partnerships = partnerships

    def get_context_data(self, parent_context: Mapping[str, Any]) -> Mapping[str, Any]:
        return {"partnerships": self.partnerships}


def add_partner_items_panel(request, panels: list) -> None:
    """construct_homepage_panels: a partner's own items come first on their dashboard."""
    partnerships = partner_items(request.user)
    if partnerships:
        panels.append(PartnerItemsPanel(partnerships))
