"""An editor's request for changes, shown where the partner works: on their dashboard and at the
top of the item's edit view, with the editor's comment. (The e-mail is Wagtail's rejection
notifier with this site's wording: knowledge/templates/wagtailadmin/notifications/.)"""

from django.contrib import messages
from django.db.models import Exists, IntegerField, OuterRef, Q
from django.db.models.functions import Cast
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component
from wagtail.admin.utils import get_user_display_name
from wagtail.models import Page, TaskState, WorkflowState, get_default_page_content_type


def changes_requested_of(user) -> list[TaskState]:
    """The reviews that asked the user for changes still to be made: on pages the user owns or
    submitted, and may still edit; the newest first."""
    owned = Exists(
        Page.objects.filter(owner=user, pk=Cast(OuterRef("object_id"), output_field=IntegerField()))
    )  # object_id is text: Wagtail's own dashboard panel matches pages the same way
    states = (
        WorkflowState.objects.filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
        .filter(Q(base_content_type=get_default_page_content_type()) & (owned | Q(requested_by=user)))
        .select_related("current_task_state__finished_by", "current_task_state__task")
        .order_by("-current_task_state__finished_at")
    )
    requests = []
    for state in states:
        page = state.content_object
        if page is not None and page.permissions_for_user(user).can_edit():
            task_state = state.current_task_state
            task_state.page = page
            requests.append(task_state)
    return requests


class ChangesRequestedPanel(Component):
    """construct_homepage_panels: "Changes requested", above Wagtail's list of the user's pages
    in a workflow (order 210), which names the task but not what the editor asked."""

    name = "changes_requested"
    template_name = "knowledge/admin/changes_requested_panel.html"
    order = 205

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["requests"] = changes_requested_of(parent_context["request"].user)
        return context


def add_changes_requested_panel(request, panels) -> None:
    panels.append(ChangesRequestedPanel())


def request_for_changes_message(task_state: TaskState) -> str:
    reviewer = task_state.finished_by
    when = date_format(localtime(task_state.finished_at), "DATETIME_FORMAT") if task_state.finished_at else ""
    if reviewer is not None:
        intro = _("Changes requested by %(reviewer)s on %(when)s.") % {
            "reviewer": get_user_display_name(reviewer),
            "when": when,
        }
    else:
        intro = _("Changes requested on %(when)s.") % {"when": when}
    comment = task_state.specific.get_comment()
    if not comment:
        return format_html("{} {}", intro, _("Make the changes, then submit it for review again."))
    return format_html(
        "{} {} <q>{}</q> {}",
        intro,
        _("Their comment:"),
        comment,
        _("Make the changes, then submit it for review again."),
    )


def show_requested_changes(request, page) -> None:
    """before_edit_page: on opening the edit view of a page an editor sent back, the editor's
    comment at the top, among Wagtail's messages (where it also says a page is locked)."""
    if request.method != "GET":
        return
    state = page.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES or state.current_task_state is None:
        return
    messages.warning(request, request_for_changes_message(state.current_task_state))
