import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "esther-dev-admin"  # noqa: S105 - local development only, refused unless DEBUG


class Command(BaseCommand):
    help = "Create a local superuser for development (never with DEBUG off). Leaves an existing one alone."

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
