"""Each partnership's partner group: add, edit and submit for review on its own items, uploads in
its own collection, and nothing else."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from knowledge.models import PartnerGroup, PartnershipPage

from .alliance import permission

PARTNER_PAGE_PERMISSIONS = ["add_page", "change_page"]  # no publish: every change goes through review
PARTNER_COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}
# Institutions are public (every partnership page names its own): partners may browse the list.
# People are not: partners get no People list, and the person chooser offers them only the people
# their own content needs (knowledge/publishing/hardening.py).
PARTNER_MODEL_PERMISSIONS = [("knowledge", "view_institution")]
# Partners translate their own items with wagtail-localize; which items, and into which trees, is
# decided per page (knowledge/publishing/translation.py).
PARTNER_MODEL_PERMISSIONS += [("wagtail_localize", "submit_translation")]
# Rights earlier versions gave partner groups, taken back from existing groups after migrate.
WITHDRAWN_PARTNER_MODEL_PERMISSIONS = [("knowledge", "view_person")]
PARTNERS_COLLECTION = "Partnerships"
GROUP_NAME_LENGTH = 150


def group_name(partnership: PartnershipPage) -> str:
    # The id keeps names unique when two partnerships share a title.
    return f"Partners #{partnership.pk}: {partnership.title}"[:GROUP_NAME_LENGTH]


def _partners_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=PARTNERS_COLLECTION).first()
    return existing or root.add_child(name=PARTNERS_COLLECTION)


def _original_link(partnership: PartnershipPage) -> PartnerGroup | None:
    """The partner group of another language's version of this partnership (its original)."""
    return (
        PartnerGroup.objects.select_related("group")
        .filter(partnership__translation_key=partnership.translation_key)
        .exclude(partnership=partnership)
        .order_by("partnership_id")
        .first()
    )


def grant_on_translation(partnership: PartnershipPage, link: PartnerGroup) -> None:
    """A partnership in another language belongs to the same partners: their group gets the same
    rights on it as on the original, so they add and edit their items' translations under it."""
    for codename in PARTNER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=link.group, page=partnership, permission=permission("wagtailcore", codename)
        )


@transaction.atomic
def ensure_partner_group(partnership: PartnershipPage) -> PartnerGroup:
    """Create the partnership's group and collection, or bring their names in step with its title.
    A translation of a partnership shares its original's group and collection."""
    if not hasattr(partnership, "partner_group") and (original := _original_link(partnership)) is not None:
        grant_on_translation(partnership, original)
        return original
    link = PartnerGroup.objects.select_related("group", "collection").filter(partnership=partnership).first()
    if link is not None:
        if link.group.name != group_name(partnership):
            link.group.name = group_name(partnership)
            link.group.save(update_fields=["name"])
        if link.collection.name != partnership.title[:255]:
            link.collection.name = partnership.title[:255]
            link.collection.save(update_fields=["name"])
        return link

    group = Group.objects.create(name=group_name(partnership))
    group.permissions.add(permission("wagtailadmin", "access_admin"))
    group.permissions.add(*(permission(app, codename) for app, codename in PARTNER_MODEL_PERMISSIONS))
    for codename in PARTNER_PAGE_PERMISSIONS:
        GroupPagePermission.objects.create(
            group=group, page=partnership, permission=permission("wagtailcore", codename)
        )
    collection = _partners_collection().add_child(name=partnership.title[:255])
    for app_label, codenames in PARTNER_COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=permission(app_label, codename)
            )
    return PartnerGroup.objects.create(partnership=partnership, group=group, collection=collection)


def grant_partner_rights_added_since() -> None:
    """Rights added to PARTNER_MODEL_PERMISSIONS after a group was made, given to existing groups."""
    added = [permission(app, codename) for app, codename in PARTNER_MODEL_PERMISSIONS]
    for group in Group.objects.filter(partnership_link__isnull=False):
        group.permissions.add(*added)


def withdraw_partner_rights_no_longer_granted() -> None:
    withdrawn = [permission(app, codename) for app, codename in WITHDRAWN_PARTNER_MODEL_PERMISSIONS]
    Group.permissions.through.objects.filter(group__partnership_link__isnull=False, permission__in=withdrawn).delete()


def invite_partner(email: str, partnership: PartnershipPage) -> tuple[object, bool]:
    """Create (or reuse) the partner's account, add it to the partnership's group and e-mail a
    link to set a password. Returns the user and whether the account is new."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(username=email.lower(), email=email)  # no usable password yet
        link = ensure_partner_group(partnership)
        user.groups.add(link.group)
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("wagtailadmin_password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {
        "partnership": partnership,
        "username": user.get_username(),
        "set_password_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
        "login_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("wagtailadmin_login"),
        "new_account": created,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    send_mail(
        subject=render_to_string("knowledge/email/partner_invitation_subject.txt", context).strip(),
        message=render_to_string("knowledge/email/partner_invitation.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return user, created
