"""What the partners who wrote an item are told by e-mail: its publication and its unpublication.

The outcome of a review reaches the submitter through Wagtail's own workflow notifiers (the
rejection e-mail's wording, "Changes requested", is ours: the templates under
knowledge/templates/wagtailadmin/notifications/). Publication is told once, whatever published
the item: an editor's approval, a direct publication, or a scheduled one. So Wagtail's approval
e-mail leaves out whoever the publication e-mail reaches.

Each e-mail goes out after the change is committed, never to the person who made it, and only to
people who still belong to the item's partnership (someone who left it hears no more of its
items).
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import override
from wagtail.admin.mail import WorkflowStateApprovalEmailNotifier, send_mail
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page, WorkflowState
from wagtail.signals import page_published, page_unpublished
from wagtail.users.models import UserProfile

from ..models import KnowledgeItemPage

logger = logging.getLogger(__name__)

PUBLISHED = "published"
UNPUBLISHED = "unpublished"
# Wagtail connects its approval notifier under this id (wagtail/admin/signal_handlers.py).
WAGTAIL_APPROVAL_DISPATCH_UID = "workflow_state_approved_email_notification"
REASON_MAX_LENGTH = 2000


def item_writers(page: Page) -> QuerySet:
    """The partners who wrote an item: its owner and whoever submitted it for review, while they
    belong to its partnership's group."""
    submitters = WorkflowState.objects.for_instance(page).values("requested_by")
    return (
        get_user_model()
        .objects.filter(groups__partnership_link__partnership_id=page.partnership_id, is_active=True)
        .filter(Q(pk=page.owner_id) | Q(pk__in=submitters))
        .exclude(email="")
        .distinct()
    )


def _wants(user, notice: str) -> bool:
    # Publication answers the "approved" preference of the user's profile (an approval is what
    # publishes a partner's item); no preference covers unpublication, which is rare and takes
    # their work off the site.
    return notice != PUBLISHED or UserProfile.get_for_user(user).approved_notifications


def tell_item_writers(notice: str, page_id: int, actor_id: int | None, reason: str = "") -> int:
    """E-mail the item's writers, except the actor, that it was published or unpublished.
    Returns how many were sent."""
    page = KnowledgeItemPage.objects.filter(pk=page_id, partnership__isnull=False).select_related("owner").first()
    if page is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "page": page,
        "actor": actor,
        "reason": reason,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "edit_url": base_url + reverse("wagtailadmin_pages:edit", args=(page.pk,)),
        "live_url": page.full_url if page.live else "",
        "preferences_url": base_url + reverse("wagtailadmin_account") + "#tab-notifications",
    }
    sent = 0
    for user in item_writers(page).exclude(pk=actor_id):
        if not _wants(user, notice):
            continue
        with override(UserProfile.get_for_user(user).get_preferred_language()):
            subject = render_to_string(f"knowledge/email/item_{notice}_subject.txt", {**context, "user": user})
            body = render_to_string(f"knowledge/email/item_{notice}.txt", {**context, "user": user})
        try:
            send_mail(" ".join(subject.split()), body.strip() + "\n", [user.email])
        except Exception:  # noqa: BLE001 - one address failing must not keep the others from being told
            logger.exception("Could not e-mail %s that item %s was %s", user.email, page.pk, notice)
        else:
            sent += 1
    return sent


def _acting_user_id() -> int | None:
    # Wagtail's admin views run in a log context naming the signed-in user (the user its history
    # records for the action); scheduled publishing and unpublishing have none.
    user = get_active_log_context().user
    return user.pk if user is not None and user.is_authenticated else None


@receiver(page_published, dispatch_uid="knowledge_tell_writers_published")
def tell_writers_of_publication(sender, instance, **kwargs) -> None:
    # Wagtail also sends page_published when it schedules a page's first publication (not live
    # yet); the e-mail waits for the scheduled publication itself.
    if issubclass(sender, KnowledgeItemPage) and instance.live:
        transaction.on_commit(partial(tell_item_writers, PUBLISHED, instance.pk, _acting_user_id()), robust=True)


@receiver(page_unpublished, dispatch_uid="knowledge_tell_writers_unpublished")
def tell_writers_of_unpublication(sender, instance, **kwargs) -> None:
    if issubclass(sender, KnowledgeItemPage):
        reason = getattr(instance, "unpublication_reason", "")
        tell = partial(tell_item_writers, UNPUBLISHED, instance.pk, _acting_user_id(), reason)
        transaction.on_commit(tell, robust=True)


def remember_unpublication_reason(request, page) -> None:
    """before_unpublish_page: the reason the editor gave on the confirmation page
    (knowledge/templates/wagtailadmin/pages/confirm_unpublish.html), kept on the page that
    Wagtail's view is about to unpublish, which is the instance its signal then carries."""
    reason = request.POST.get("reason", "").strip()[:REASON_MAX_LENGTH]
    if reason:
        page.unpublication_reason = reason


class ApprovalEmailNotifier(WorkflowStateApprovalEmailNotifier):
    """Wagtail's "approved" e-mail, except to those the publication e-mail tells of the same
    approval (it published a partnership's item)."""

    def get_recipient_users(self, workflow_state: WorkflowState, **kwargs):
        recipients = super().get_recipient_users(workflow_state, **kwargs)
        if not isinstance(workflow_state.content_object, Page):
            return recipients
        published = KnowledgeItemPage.objects.filter(
            pk=workflow_state.content_object.pk, partnership__isnull=False, live=True, has_unpublished_changes=False
        ).first()
        if published is None:
            return recipients  # not an item, or its publication is scheduled: Wagtail's e-mail says so
        told = set(item_writers(published))
        return {user for user in recipients if user not in told}


approval_email_notifier = ApprovalEmailNotifier()
