from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from config import wagtail_compat

        from . import signals  # noqa: F401
        from .oai import signals as oai_signals  # noqa: F401
        from .publishing import images  # noqa: F401 - moves renditions when visibility changes
        from .publishing.setup import ensure_publishing_setup

        # The admin's guards, login-only privacy, where renditions go, our approval e-mail: each
        # target checked first, the site refusing to start if Wagtail changed it.
        wagtail_compat.install()
        # After every migrate: the editors group, the review workflow, every partner group.
        post_migrate.connect(ensure_publishing_setup, sender=self)
