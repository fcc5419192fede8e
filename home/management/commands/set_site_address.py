"""Set the Wagtail site's host name and port: every absolute URL the site gives is built from them."""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site


class Command(BaseCommand):
    help = (
        "Set the default Wagtail site's host name and port (443 gives https:// addresses, 80 plain http://, "
        "any other port http://host:port): the sitemap, the API, the pages' metadata, the feeds, the citations "
        "and OAI-PMH build their absolute URLs from them. `make setup` runs it with HOST and PORT."
    )

    def add_arguments(self, parser):
        parser.add_argument("hostname", help="e.g. hub.example.org or 127.0.0.1")
        parser.add_argument("port", type=int, help="e.g. 443 behind TLS, 8000 for `make run`")

    def handle(self, *args, hostname: str, port: int, **options) -> None:
        hostname = hostname.strip().lower()
        if not hostname or "/" in hostname or ":" in hostname.strip("[]"):
            raise CommandError(f"{hostname!r} is not a host name: give the name alone, the port apart.")
        if not 0 < port < 65536:
            raise CommandError(f"{port} is not a port number.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site: run `manage.py migrate` first.")
        if (site.hostname, site.port) != (hostname, port):
            site.hostname, site.port = hostname, port
            site.save()
        self.stdout.write(f"The site's address is {site.root_url}/")
