"""Where Wagtail's own admin checks stop short of a site whose admin users belong to competing
organisations, the gaps closed here. Each one was found by tests/security/test_admin_permissions.py,
which walks every admin URL as every role; that table is the specification.

Extension points Wagtail documents are used where they exist (hooks, viewset classes, the admin
API router). Where a Wagtail view has none, the guards below (each takes Wagtail's function and
returns the guarded one) are put in its place by config/wagtail_compat.py, which checks at
start-up that each target is still the one they were written for.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import (
    BaseViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Task,
    Workflow,
)
from wagtail.permissions import policy_registry
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)

from knowledge.models import CaseStudyAuthor, PartnershipPage, TestimonialPage

from .people import PeopleCreationMixin, PersonCreationForm

MEDIA_ACTIONS = ["choose", "change", "delete"]


# Uploads: the admin API lists only what the user could choose or edit ---------------------------
# Wagtail's admin API lists every image and document in the site (only privacy-restricted
# collections are left out), so a partner could read another partnership's uploads there.


def media_visible_to(user, model) -> QuerySet:
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


class ImagesAdminAPIForCollections(ImagesAdminAPIViewSet):
    def get_queryset(self):
        visible = media_visible_to(self.request.user, get_image_model()).values("pk")
        return super().get_queryset().filter(pk__in=visible)


class DocumentsAdminAPIForCollections(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        visible = media_visible_to(self.request.user, get_document_model()).values("pk")
        return super().get_queryset().filter(pk__in=visible)


def register_admin_api_endpoints(router) -> None:
    router.register_endpoint("images", ImagesAdminAPIForCollections)
    router.register_endpoint("documents", DocumentsAdminAPIForCollections)


# Pages ------------------------------------------------------------------------------------------


def refuse_move_without_permission(request, page, destination):
    """before_move_page: Wagtail checks the right to move only when the move is confirmed (POST),
    so its confirmation page showed anyone the page's draft title and path."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


def page_editors_only(dispatch):
    """The cancel-the-review confirmation told any admin user whether a page was in review and
    with which task: only those who may edit the page need it."""

    @wraps(dispatch)
    def guarded(self, request, *args, **kwargs):
        if not self.object.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return dispatch(self, request, *args, **kwargs)

    return guarded


def chosen_pages_as_in_the_chooser(get):
    """The page chooser's "chosen" step answered the draft title of any page id it was given,
    past the chooser's own filter (construct_page_chooser_queryset): apply that filter here too."""

    @wraps(get)
    def guarded(self, request, *args, **kwargs):
        pages = Page.objects.filter(pk__in=[pk for pk in request.GET.getlist("id") if pk.isdigit()])
        for construct in hooks.get_hooks("construct_page_chooser_queryset"):
            pages = construct(pages, request)
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in pages.values_list("pk", flat=True)])
        request.GET = query
        return get(self, request, *args, **kwargs)

    return guarded


def browse_only_where_the_chooser_shows(get):
    """The page chooser's browse view named the page it was given as the parent (title and
    breadcrumb), whatever the chooser's own filter said of that page."""

    @wraps(get)
    def guarded(self, request, parent_page_id=None, *args, **kwargs):
        if parent_page_id is not None:
            pages = Page.objects.filter(pk=parent_page_id)
            for construct in hooks.get_hooks("construct_page_chooser_queryset"):
                pages = construct(pages, request)
            if not pages.exists():
                raise Http404
        return get(self, request, parent_page_id, *args, **kwargs)

    return guarded


# Login-only pages and collections --------------------------------------------------------------------
# Wagtail's "private, accessible to any logged-in users" lets every account in, and every partner
# organisation has accounts: one partnership's login-only case study was readable by all the others.
# Here it means the people who hold a right on that part of the site: a grant (in one of their
# groups) on the restricted page or collection or above it, which is the page's own partnership
# and the alliance editors, and superusers. Password and group restrictions keep their meaning.

LOGIN_ONLY_LABEL = _("Private, for the people who work on it: its partnership and the alliance editors")


def holds_a_right_on(user, restriction) -> bool:
    if user.is_superuser:
        return True
    if isinstance(restriction, PageViewRestriction):
        above = restriction.page.get_ancestors(inclusive=True)
        return GroupPagePermission.objects.filter(group__user=user, page__in=above).exists()
    above = restriction.collection.get_ancestors(inclusive=True)
    return GroupCollectionPermission.objects.filter(group__user=user, collection__in=above).exists()


def login_only_for_those_who_work_on_it(accept_request):
    @wraps(accept_request)
    def guarded(self, request):
        if not accept_request(self, request):
            return False
        if self.restriction_type != BaseViewRestriction.LOGIN:
            return True
        return holds_a_right_on(request.user, self)

    return guarded


def refuse_signed_in_readers_without_access(page, request, serve_args, serve_kwargs):
    """before_serve_page: Wagtail sends whoever fails a login or group restriction to the sign-in
    form, which tells a signed-in partner nothing; they get a 403 that says the page is private."""
    if not request.user.is_authenticated:
        return None
    for restriction in page.get_view_restrictions():
        if restriction.restriction_type != BaseViewRestriction.PASSWORD and not restriction.accept_request(request):
            raise PermissionDenied
    return None


# Reports and the task chooser ------------------------------------------------------------------

# Site-wide reports are the alliance editors' (and superusers'): "Page types usage" names the
# last edited page of every type, drafts included, and "Aging pages" names every publisher.
# Partners keep the workflow reports and the site history, which Wagtail filters to their pages.
EDITORS_ONLY_REPORTS = {"aging-pages", "page-types-usage"}


def user_publishes_pages(user) -> bool:
    return policy_registry.get_by_type(Page).user_has_permission(user, "publish")


def hide_editors_reports(request, menu_items) -> None:
    """construct_reports_menu: no menu entry that leads to a refusal."""
    if not user_publishes_pages(request.user):
        menu_items[:] = [item for item in menu_items if item.name not in EDITORS_ONLY_REPORTS]


def user_manages_workflows(user) -> bool:
    return policy_registry.get_by_type(Workflow).user_has_any_permission(
        user, ["add", "change", "delete"]
    ) or policy_registry.get_by_type(Task).user_has_any_permission(user, ["add", "change", "delete"])


def workflow_managers_only(dispatch):
    """The task chooser (used only when editing a workflow) answered any admin user."""

    @wraps(dispatch)
    def guarded(self, request, *args, **kwargs):
        if not user_manages_workflows(request.user):
            raise PermissionDenied
        return dispatch(self, request, *args, **kwargs)

    return guarded


def task_chosen_for_workflow_managers(task_chosen_response):
    @wraps(task_chosen_response)
    def guarded(request, task):
        if not user_manages_workflows(request.user):
            raise PermissionDenied
        return task_chosen_response(request, task)

    return guarded


# Bulk actions ----------------------------------------------------------------------------------


def without_names_of_inaccessible_items(get_actionable_objects):
    """Wagtail's bulk action confirmation lists by title the selected items the user may not act
    on; given other partnerships' ids, it named their drafts, images and documents."""

    @wraps(get_actionable_objects)
    def guarded(self):
        objects, extra = get_actionable_objects(self)
        return objects, {**extra, "items_with_no_access": []}

    return guarded


# People: partners see only the people their own content needs ------------------------------------


def people_visible_to(user, people: QuerySet) -> QuerySet:
    """Everyone for those who manage people; for a partner, the staff of their partnership's
    institutions, the people credited on their partnership's items, and the people credited on
    live public items (public already). Not another partnership's staff, nor its credits on
    drafts or private pages."""
    if user.is_superuser or user.has_perm("knowledge.change_person"):
        return people
    own = PartnershipPage.objects.filter(partner_group__group__user=user)
    own_institutions = Q(institution__north_partnerships__in=own) | Q(institution__south_partnerships__in=own)
    public = Page.objects.live().public().values("pk")
    credited = CaseStudyAuthor.objects.filter(Q(page__in=public) | Q(page__partnership__in=own)).values("person")
    speaking = TestimonialPage.objects.filter(Q(pk__in=public) | Q(partnership__in=own)).values("speaker")
    return people.filter(
        pk__in=people.model.objects.filter(own_institutions | Q(pk__in=credited) | Q(pk__in=speaking)).values("pk")
    )


class _VisiblePeopleMixin:
    def get_object_list(self):
        return people_visible_to(self.request.user, super().get_object_list())


class PeopleChooseView(PeopleCreationMixin, _VisiblePeopleMixin, ChooseView):
    pass


class PeopleChooseResultsView(PeopleCreationMixin, _VisiblePeopleMixin, ChooseResultsView):
    pass


class PeopleCreateView(PeopleCreationMixin, SnippetCreateView):
    """Partners add people of their own institutions only (knowledge/publishing/people.py)."""


class PeopleChosenView(SnippetChosenView):
    def get_object(self, pk):
        return people_visible_to(self.request.user, self.model_class.objects.all()).get(pk=pk)


class PeopleChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return people_visible_to(self.request.user, super().get_objects(pks))


class PeopleChooserViewSet(SnippetChooserViewSet):
    choose_view_class = PeopleChooseView
    choose_results_view_class = PeopleChooseResultsView
    chosen_view_class = PeopleChosenView
    chosen_multiple_view_class = PeopleChosenMultipleView
    create_view_class = PeopleCreateView
    creation_form_class = PersonCreationForm
    create_action_label = _("Add a person")


# Settings snippets: their chooser is for those who manage them --------------------------------------


def chooser_for_managers_of(model) -> type[SnippetChooserViewSet]:
    """A snippet chooser that refuses users with no right on the model (Wagtail's snippet
    choosers answer every admin user)."""

    def guard(view_class):
        class Guarded(view_class):
            def dispatch(self, request, *args, **kwargs):
                policy = policy_registry.get_by_type(model)
                if not policy.user_has_any_permission(request.user, ["add", "change", "delete"]):
                    raise PermissionDenied
                return super().dispatch(request, *args, **kwargs)

        Guarded.__name__ = f"ManagersOnly{view_class.__name__}"
        return Guarded

    return type(
        f"{model.__name__}ManagersChooserViewSet",
        (SnippetChooserViewSet,),
        {
            "choose_view_class": guard(ChooseView),
            "choose_results_view_class": guard(ChooseResultsView),
            "chosen_view_class": guard(SnippetChosenView),
            "chosen_multiple_view_class": guard(SnippetChosenMultipleView),
        },
    )


def no_create_tab_without_a_form(dispatch):
    """A snippet chooser with no creation form still answered its "create" URL, and crashed (500)
    on a POST to it."""

    @wraps(dispatch)
    def guarded(self, request, *args, **kwargs):
        if self.can_create() and self.get_creation_form_class() is None:
            raise Http404
        return dispatch(self, request, *args, **kwargs)

    return guarded
