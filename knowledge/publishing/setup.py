"""What every site needs before anyone publishes, ensured after every `migrate` (knowledge/apps.py):
the alliance editors group and review workflow (alliance.py), and a partner group for every
partnership (partners.py). Idempotent, so a fresh site, the test database and an upgraded
deployment end up the same."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from wagtail.models import Collection, Page

from knowledge.models import PartnershipPage

from .alliance import ensure_review_workflow
from .partners import ensure_partner_group, grant_partner_rights_added_since, withdraw_partner_rights_no_longer_granted


def ensure_publishing_setup(using: str = "default", **kwargs) -> None:
    """post_migrate: the editors group, the workflow, and a partner group for every partnership."""
    if not Page.get_first_root_node() or not Collection.get_first_root_node():
        return
    # Other apps' post_migrate may not have run yet: make sure the permissions to grant exist.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_review_workflow()
    for partnership in PartnershipPage.objects.filter(partner_group__isnull=True):
        ensure_partner_group(partnership)
    grant_partner_rights_added_since()
    withdraw_partner_rights_no_longer_granted()
