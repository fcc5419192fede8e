"""manage.py invite_partner EMAIL --partnership SLUG: give a partner the right to publish for a partnership."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from knowledge.models import PartnershipPage
from knowledge.publishing.partners import invite_partner


class Command(BaseCommand):
    help = (
        "Create (or reuse) a partner's account, add it to the partnership's partner group and e-mail "
        "a link to set a password. Partners draft and submit; alliance editors publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--partnership", required=True, help="the partnership page's slug")

    def handle(self, *args, email, partnership, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"“{email}” is not an e-mail address.", returncode=2) from None
        page = PartnershipPage.objects.filter(slug=partnership).first()
        if page is None:
            known = ", ".join(PartnershipPage.objects.order_by("slug").values_list("slug", flat=True)[:10])
            raise CommandError(
                f"No partnership has the slug “{partnership}”. Known slugs include: {known or 'none yet'}.",
                returncode=2,
            )
        user, created = invite_partner(email, page)
        state = "Created the account" if created else "Reused the existing account"
        self.stdout.write(
            self.style.SUCCESS(
                f"{state} {user.get_username()}; it may now publish for “{page.title}”. Invitation sent to {email}."
            )
        )
