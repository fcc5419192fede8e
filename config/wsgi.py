"""The application servers' entry point (gunicorn `config.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from config.long_lived import freeze_what_is_loaded  # noqa: E402 (needs the settings configured)

freeze_what_is_loaded()
