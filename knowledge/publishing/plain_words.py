"""The words a partner reads in the admin, for people who are not web editors: "Submit for
review" rather than "Submit to Alliance review", and a sign-in that takes the e-mail address the
invitation went to as well as the username it names."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.forms.auth import LoginForm
from wagtail.models import WorkflowState

# Wagtail's own words for a review that sent an item back, in its status panel, workflow history and
# page history. English reads them from locale/en (a small hand-kept catalogue that rewords only
# these), French from the site's catalogue, which keeps them because they are marked here.
WAGTAIL_WORDS_REWORDED = {
    gettext_noop("Needs changes"): "Changes requested",
    gettext_noop("Rejected"): "Changes requested",
}


class SubmitForReviewMenuItem(SubmitForModerationMenuItem):
    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page and page.pk else None
        if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            context["label"] = _("Submit for review again")
        else:
            context["label"] = _("Submit for review")
        return context


def submit_for_review(menu_items: list, request, context) -> None:
    """construct_page_action_menu: Wagtail names the workflow ("Submit to Alliance review")."""
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = SubmitForReviewMenuItem(order=item.order)


class UsernameOrEmailLoginForm(LoginForm):
    """WAGTAILADMIN_USER_LOGIN_FORM. An invited partner's username is the address the invitation
    went to, in lower case: typed as it is in their address book, it signs in too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username or e-mail address")
        username.widget.attrs["placeholder"] = _("The username in your invitation, or your e-mail address")
        username.widget.attrs["autocomplete"] = "username"

    def clean(self):
        typed = (self.cleaned_data.get("username") or "").strip()
        if typed:
            self.cleaned_data["username"] = username_for(typed)
        return super().clean()


def username_for(typed: str) -> str:
    """The username of the one account whose username or e-mail address is `typed` (ignoring
    case); else what was typed, which then fails as any wrong username does."""
    User = get_user_model()
    field = User.USERNAME_FIELD
    if User.objects.filter(**{field: typed}).exists():
        return typed
    matches = list(User.objects.filter(**{f"{field}__iexact": typed}).values_list(field, flat=True)[:2]) or list(
        User.objects.filter(email__iexact=typed).values_list(field, flat=True)[:2]
    )
    return matches[0] if len(matches) == 1 else typed
