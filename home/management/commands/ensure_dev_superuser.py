import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from knowledge.models import PartnerGroup
from knowledge.publishing.alliance import ALLIANCE_EDITORS

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "esther-dev-admin"  # noqa: S105 - local development only, refused unless DEBUG
# Accounts to try the review workflow with: an alliance editor, and a partner of one demo partnership.
DEMO_EDITOR = ("editor", "esther-dev-editor")
DEMO_PARTNER = ("partner", "esther-dev-partner")
DEMO_PARTNERSHIP = "lyon-bamako-laboratory-quality"


class Command(BaseCommand):
    help = (
        "Create a local superuser for development (never with DEBUG off), plus an alliance editor and a "
        "partner account to try the review workflow with. Leaves existing accounts alone."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a development superuser: DEBUG is off (is this production?).", returncode=2
            )
        username = os.environ.get("DEV_ADMIN_USERNAME", DEFAULT_USERNAME)
        password = os.environ.get("DEV_ADMIN_PASSWORD", DEFAULT_PASSWORD)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            User.objects.create_superuser(username=username, email=f"{username}@localhost", password=password)
            self.stdout.write(self.style.SUCCESS(f"Created the development superuser {username!r}."))
            self.stdout.write(f"Log in at {settings.WAGTAILADMIN_BASE_URL}/admin/ as {username} / {password}")
        else:
            self.stdout.write(
                f"Log in at {settings.WAGTAILADMIN_BASE_URL}/admin/ as {username} "
                f"(password {password} unless you changed it)"
            )
        self._demo_accounts()

    def _demo_accounts(self) -> None:
        partners = PartnerGroup.objects.select_related("group", "partnership").filter(
            partnership__slug=DEMO_PARTNERSHIP
        )
        groups = {DEMO_EDITOR: Group.objects.filter(name=ALLIANCE_EDITORS).first(), DEMO_PARTNER: None}
        link = partners.first()
        if link is not None:
            groups[DEMO_PARTNER] = link.group
        User = get_user_model()
        for (username, password), group in groups.items():
            if group is None:
                continue
            user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@localhost"})
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(group)
        if link is not None:
            self.stdout.write(
                f"To try the review workflow: {DEMO_PARTNER[0]} / {DEMO_PARTNER[1]} (partner of "
                f"“{link.partnership.title}”) submits, {DEMO_EDITOR[0]} / {DEMO_EDITOR[1]} (alliance editor) reviews."
            )
