"""manage.py place_renditions: move every image rendition to the folder its image's visibility asks
for (`images/` once public, `protected_images/<id>/` until then). Run once after deploying the
rule (renditions made before it all sit in `images/`), and from cron as a safety net; safe to run
at any time."""

from django.core.management.base import BaseCommand

from knowledge.publishing.images import misplaced_renditions, place_renditions


class Command(BaseCommand):
    help = (
        "Move renditions of images the public may not see out of the public folder, and those of "
        "images that became public into it. Original files never move."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only count misplaced renditions; exit 1 if there are any"
        )

    def handle(self, *args, check=False, **options):
        if check:
            exposed, hidden = (queryset.count() for queryset in misplaced_renditions())
            self.stdout.write(f"{exposed} rendition(s) to protect, {hidden} to publish.")
            if exposed or hidden:
                raise SystemExit(1)
            return
        protected, published = place_renditions()
        self.stdout.write(
            self.style.SUCCESS(
                f"Protected {protected} rendition(s) of images not yet public; "
                f"published {published} rendition(s) of public images."
            )
        )
