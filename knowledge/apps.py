from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = "Knowledge"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .oai import signals as oai_signals  # noqa: F401
        from .publishing import images
        from .publishing.notifications import replace_wagtail_approval_notifier
        from .publishing.setup import ensure_publishing_setup

        # Renditions of a partnership's images not yet public go where only the site serves them.
        images.install()

        # After every migrate: the editors group, the review workflow, every partner group.
        post_migrate.connect(ensure_publishing_setup, sender=self)
        # Partners hear of an approval that publishes their item once: by the publication e-mail.
        replace_wagtail_approval_notifier()
