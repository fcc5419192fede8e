"""The alliance editors group and the review workflow every submission goes through.

Kept idempotent and run after every `migrate` (publishing/setup.py), so a fresh site, the test
database and an upgraded deployment all end up with the same groups and workflow.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

ALLIANCE_EDITORS = "Alliance editors"
REVIEW_WORKFLOW = "Alliance review"
REVIEW_TASK = "Alliance editor review"  # Wagtail says "Sent to <task name>"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
EDITOR_COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image", "delete_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document", "delete_document"],
}
# Taxonomy, synonyms and site settings: editors manage them, partners never do.
EDITOR_MODEL_PERMISSIONS = {
    "knowledge": ["focusarea", "country", "institution", "memberagency", "person"],
    "search": ["searchsynonym"],
}


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def page_permission(codename: str) -> Permission:
    return permission("wagtailcore", codename)


@transaction.atomic
def ensure_alliance_editors() -> Group:
    group, _created = Group.objects.get_or_create(name=ALLIANCE_EDITORS)
    group.permissions.add(
        permission("wagtailadmin", "access_admin"),
        permission("home", "change_sitesettings"),
        # wagtail-localize's "Translate" and "Sync translated pages" on pages they may edit.
        permission("wagtail_localize", "submit_translation"),
    )
    for app_label, models in EDITOR_MODEL_PERMISSIONS.items():
        for model in models:
            group.permissions.add(
                *(permission(app_label, f"{action}_{model}") for action in ("add", "change", "delete", "view"))
            )
    root = Page.get_first_root_node()
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=page_permission(codename))
    root_collection = Collection.get_first_root_node()
    for app_label, codenames in EDITOR_COLLECTION_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission(app_label, codename)
            )
    return group


@transaction.atomic
def ensure_review_workflow() -> Workflow:
    """One review step by any alliance editor, on the whole site: partners submit, editors decide."""
    editors = ensure_alliance_editors()
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    # The workflow's own task, whatever it was called before; renamed to the current name.
    task = GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    elif task.name != REVIEW_TASK:
        task.name = REVIEW_TASK
        task.save(update_fields=["name"])
    task.groups.add(editors)
    WorkflowPage.objects.update_or_create(page=Page.get_first_root_node(), defaults={"workflow": workflow})
    return workflow
