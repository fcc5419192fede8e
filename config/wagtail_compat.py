"""Every change this site makes inside Wagtail and modelsearch, in one place, with the check that
each target is still what the change was written for.

Written for Wagtail 8.0.1 and modelsearch 1.3.2 (WRITTEN_FOR). Wagtail's documented extension
points (hooks, viewsets, settings, the admin API router) are used where they exist, elsewhere
(knowledge/wagtail_hooks.py, knowledge/publishing/hardening.py); what is here has none:

- admin views that answer more than they should (the gaps tests/security/test_admin_permissions.py
  found), wrapped with the guards in knowledge/publishing/hardening.py;
- "private, for logged-in users", which here means the people who work on that part of the site;
- where a rendition of an image not yet public is written (knowledge/publishing/images.py);
- Wagtail's approval e-mail, replaced by ours through its receiver's dispatch uid
  (knowledge/publishing/notifications.py);
- modelsearch's SQLite index, made to scale (SearchBackend, named by WAGTAILSEARCH_BACKENDS).

At start-up (KnowledgeConfig.ready calls install()) each target is looked up and fingerprinted:
the SHA-256 of its source code, or of the repr of a value. A target that is gone or whose
fingerprint differs stops the site with WagtailChanged, naming each target and what it is patched
for. After an upgrade: read what changed in each named target, adapt the patch if it must, and
record the new fingerprints (`manage.py shell -c "from config.wagtail_compat import
print_fingerprints; print_fingerprints()"`).
"""

import hashlib
import importlib.metadata
import inspect
from dataclasses import dataclass
from functools import cache
from importlib import import_module

import modelsearch
import wagtail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.views.decorators.http import require_POST
from modelsearch.backends.database import SearchBackend as database_search_backend
from wagtail.admin.forms.view_restrictions import BaseViewRestrictionForm
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, WorkflowState
from wagtail.signals import workflow_approved

from knowledge.publishing import hardening, images, notifications, translation

WRITTEN_FOR = "Wagtail 8.0.1, modelsearch 1.3.2, wagtail-localize 1.14.5"

# Marks a function this module put in place of Wagtail's, and keeps Wagtail's.
ORIGINAL = "__wagtail_compat_original__"


class WagtailChanged(ImproperlyConfigured):
    """A target of a patch is gone or no longer what the patch was written for."""


@dataclass(frozen=True)
class Target:
    """A function, class or value inside Wagtail or modelsearch that this module changes or relies on."""

    path: str  # dotted: module, then attributes ("wagtail.admin.views.chooser.BrowseView.get")
    fingerprint: str  # of the target as written for (see fingerprint())
    purpose: str  # what the patch does there, for the message when the target changed

    def lookup(self) -> tuple[object, str, object]:
        """(the object holding the target, its attribute name, the target itself as Wagtail made it)."""
        parts = self.path.split(".")
        for split in range(len(parts) - 1, 0, -1):
            try:
                holder = import_module(".".join(parts[:split]))
            except ModuleNotFoundError:
                continue
            try:
                for name in parts[split:-1]:
                    holder = getattr(holder, name)
                value = getattr(holder, parts[-1])
            except AttributeError:
                break
            return holder, parts[-1], getattr(value, ORIGINAL, value)
        raise LookupError(self.path)

    def problem(self) -> str | None:
        """What is wrong with the target now, in a sentence naming it; None if it is as written for."""
        try:
            _holder, _name, value = self.lookup()
        except LookupError:
            return (
                f"{self.path} no longer exists (written for {WRITTEN_FOR}, installed: {installed_versions()}); "
                f"it is patched to {self.purpose}."
            )
        found = fingerprint(value)
        if found != self.fingerprint:
            return (
                f"{self.path} changed since {WRITTEN_FOR} (installed: {installed_versions()}; fingerprint {found}, "
                f"written against {self.fingerprint}); it is patched to {self.purpose}. Read the change, adapt "
                "config/wagtail_compat.py, then record the new fingerprint."
            )
        return None


def fingerprint(value: object) -> str:
    """The first 16 hex digits of the SHA-256 of a function's or class's source, or of a value's repr."""
    if inspect.isfunction(value) or inspect.isclass(value) or inspect.ismethod(value):
        text = inspect.getsource(value)
    else:
        text = repr(value)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def installed_versions() -> str:
    return (
        f"Wagtail {wagtail.__version__}, modelsearch {modelsearch.__version__}, "
        f"wagtail-localize {importlib.metadata.version('wagtail-localize')}"
    )


def problems(targets: list[Target]) -> list[str]:
    return [found for target in targets if (found := target.problem())]


def verify(targets: list[Target]) -> None:
    """Raise WagtailChanged naming every target that is gone or changed."""
    if found := problems(targets):
        raise WagtailChanged("Wagtail changed under this site's patches:\n- " + "\n- ".join(found))


def print_fingerprints(targets: list[Target] | None = None) -> None:
    """Each target's current fingerprint, to record after checking a new Wagtail's changes."""
    for target in targets if targets is not None else [*ADMIN_TARGETS, *LOCALIZE_TARGETS, *SQLITE_TARGETS]:
        try:
            print(target.path, fingerprint(target.lookup()[2]))
        except LookupError:
            print(target.path, "missing")


# The admin, private pages, renditions and the approval e-mail -------------------------------------

ADMIN_TARGETS = [
    Target(
        "wagtail.admin.views.pages.workflow.ConfirmWorkflowCancellationView.dispatch",
        "add80f0fee524daf",
        "show the cancel-review confirmation only to those who may edit the page",
    ),
    Target(
        "wagtail.admin.views.reports.aging_pages.AgingPagesView",
        "135dfd72b488aa46",
        "keep the Aging pages report to those who publish (its any_permission_required)",
    ),
    Target(
        "wagtail.admin.views.reports.page_types_usage.PageTypesUsageReportView",
        "cd6bc136e18975bb",
        "keep the Page types usage report to those who publish (its any_permission_required)",
    ),
    Target(
        "wagtail.admin.views.workflows.BaseTaskChooserView.dispatch",
        "37de0532fd8f085c",
        "keep the task chooser to those who manage workflows",
    ),
    Target(
        "wagtail.admin.views.workflows.get_task_chosen_response",
        "f07005414c0ac382",
        "keep the task chooser's chosen step to those who manage workflows",
    ),
    Target(
        "wagtail.admin.views.bulk_action.base_bulk_action.BulkAction.get_actionable_objects",
        "e53e303ee01c4ef0",
        "leave the names of items the user may not act on out of bulk-action confirmations",
    ),
    Target(
        "wagtail.admin.views.chooser.ChosenMultipleView.get",
        "1fa41ee24b8acadb",
        "apply the page chooser's filter to its chosen step",
    ),
    Target(
        "wagtail.admin.views.chooser.BrowseView.get",
        "1826055c1a047265",
        "browse the page chooser only from pages its filter shows",
    ),
    Target(
        "wagtail.admin.views.generic.chooser.CreateViewMixin.dispatch",
        "8e42e485cb6eef49",
        "answer 404 for the create tab of a chooser that has no creation form",
    ),
    Target(
        "wagtail.models.BaseViewRestriction.accept_request",
        "ec2f05cab94ddf2b",
        "let into login-only pages and collections only those who hold a right there",
    ),
    Target(
        "wagtail.admin.forms.view_restrictions.BaseViewRestrictionForm",
        "af6e8296e497fe01",
        "say what login-only means here in the privacy form",
    ),
    Target(
        "wagtail.images.models.AbstractRendition.get_upload_to",
        "55ac4f0147f39b36",
        "write renditions of images not yet public where only the site serves them",
    ),
    Target(
        "wagtail.images.models.get_rendition_upload_to",
        "f5153e7b04372ab4",
        "write renditions of images not yet public where only the site serves them (the file field asks the "
        "rendition's get_upload_to)",
    ),
    Target(
        "wagtail.admin.wagtail_hooks.ExplorerMenuItem",
        "7aedcf605064a281",
        "open the Pages menu at a partner's partnership in their language (knowledge/publishing/explorer.py "
        "subclasses it, through the construct_main_menu hook, and gives its start page)",
    ),
    Target(
        "wagtail.admin.signal_handlers.register_signal_handlers",
        "2afc24c3a6084dea",
        "replace Wagtail's approval e-mail receiver, found by its dispatch uid "
        f"{notifications.WAGTAIL_APPROVAL_DISPATCH_UID!r}",
    ),
]


# wagtail-localize: partners translate their own partnership's pages only ----------------------------

_LOCALIZE = "wagtail_localize.views"
LOCALIZE_TARGETS = [
    Target(
        f"{_LOCALIZE}.submit_translations.SubmitPageTranslationView.get_object",
        "383177866edebbf5",
        "translate only pages the user may edit",
    ),
    Target(
        f"{_LOCALIZE}.submit_translations.SubmitPageTranslationView.get_form",
        "e0c039780802f214",
        "offer only the languages where the user may add the translation",
    ),
    Target(
        f"{_LOCALIZE}.update_translations.UpdateTranslationsView.get_object",
        "301f6b25ba47daf6",
        "sync only sources the user may edit",
    ),
    Target(
        f"{_LOCALIZE}.update_translations.UpdateTranslationsView.form_valid",
        "314e2852e1a71133",
        "publish synced translations only for those who may publish every one",
    ),
    Target(
        f"{_LOCALIZE}.report.TranslationsReportView.get_queryset",
        "2d6464aeaddd9f00",
        "list only translations of pages the user may edit",
    ),
    Target(
        f"{_LOCALIZE}.snippets_api.SnippetViewSet.get_queryset",
        "9d0e57308140d57c",
        "list snippets only to their editors",
    ),
    Target(
        f"{_LOCALIZE}.edit_translation.upload_pofile",
        "9cf1ffceecbb6b7d",
        "check the page's rights first and refuse a PO upload without a file with a 400",
    ),
    # Its page buttons are registered hook functions (page header and listing menus); Wagtail has
    # no hook to take another app's buttons out, so the registered function itself is replaced in
    # Wagtail's hook registry, whose layout get_hooks shows.
    Target(
        "wagtail_localize.wagtail_hooks.page_listing_more_buttons",
        "2a98d3b297d8c957",
        "offer Translate and Sync only where the user may translate or sync the page",
    ),
    Target(
        "wagtail.hooks.get_hooks",
        "0020a4cf909b171d",
        "replace wagtail-localize's page buttons in the hook registry (_hooks: name -> [(function, order)])",
    ),
]
# The hooks wagtail-localize registers its page buttons for.
LOCALIZE_BUTTON_HOOKS = ("register_page_header_buttons", "register_page_listing_more_buttons")


def _wrap(path: str, guard) -> None:
    """Put guard(Wagtail's function) in place of the function at `path`, once."""
    holder, name, original = next(t for t in [*ADMIN_TARGETS, *LOCALIZE_TARGETS] if t.path == path).lookup()
    if hasattr(getattr(holder, name), ORIGINAL):
        return
    guarded = guard(original)
    setattr(guarded, ORIGINAL, original)
    setattr(holder, name, guarded)


def _replace_hook(path: str, hook_names: tuple[str, ...], guard) -> None:
    """Put guard(the function) in place of a hook function another app registered, under each of
    `hook_names`, and at `path` (so that it is replaced once)."""
    from wagtail import hooks

    _wrap(path, guard)
    holder, name, original = next(t for t in LOCALIZE_TARGETS if t.path == path).lookup()
    guarded = getattr(holder, name)
    for hook_name in hook_names:
        registered = hooks._hooks.get(hook_name, [])
        if not any(function is original for function, _order in registered):
            raise WagtailChanged(f"{path} is no longer registered for the {hook_name} hook ({installed_versions()}).")
        hooks._hooks[hook_name] = [(guarded if f is original else f, order) for f, order in registered]


def _installed() -> bool:
    from wagtail.admin.views.chooser import BrowseView

    return hasattr(BrowseView.get, ORIGINAL)


def install() -> None:
    """Check every target, then patch; once (later calls do nothing). Called by KnowledgeConfig.ready."""
    if _installed():
        return
    verify(ADMIN_TARGETS)
    verify(LOCALIZE_TARGETS)
    if connection.vendor == "sqlite":
        verify(SQLITE_TARGETS)  # the search backend is built on first use: fail now, not then
    _wrap("wagtail.admin.views.pages.workflow.ConfirmWorkflowCancellationView.dispatch", hardening.page_editors_only)
    _wrap("wagtail.admin.views.workflows.BaseTaskChooserView.dispatch", hardening.workflow_managers_only)
    _wrap("wagtail.admin.views.workflows.get_task_chosen_response", hardening.task_chosen_for_workflow_managers)
    _wrap(
        "wagtail.admin.views.bulk_action.base_bulk_action.BulkAction.get_actionable_objects",
        hardening.without_names_of_inaccessible_items,
    )
    _wrap("wagtail.admin.views.chooser.ChosenMultipleView.get", hardening.chosen_pages_as_in_the_chooser)
    _wrap("wagtail.admin.views.chooser.BrowseView.get", hardening.browse_only_where_the_chooser_shows)
    _wrap("wagtail.admin.views.generic.chooser.CreateViewMixin.dispatch", hardening.no_create_tab_without_a_form)
    _wrap("wagtail.models.BaseViewRestriction.accept_request", hardening.login_only_for_those_who_work_on_it)

    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

    for report in (AgingPagesView, PageTypesUsageReportView):
        report.any_permission_required = ["publish"]
    choices = dict(BaseViewRestrictionForm.base_fields["restriction_type"].choices)
    choices[BaseViewRestriction.LOGIN] = hardening.LOGIN_ONLY_LABEL
    BaseViewRestrictionForm.base_fields["restriction_type"].choices = list(choices.items())

    # wagtail-localize's views that act before a translation exists, held to the page's own rights
    # (knowledge/publishing/translation.py). upload_pofile is a view function: replaced before
    # wagtail-localize's admin URLs name it (its hooks module, after this app's in
    # INSTALLED_APPS, reads the attribute when the admin URLs are built).
    _wrap(f"{_LOCALIZE}.submit_translations.SubmitPageTranslationView.get_object", translation.page_the_user_may_edit)
    _wrap(
        f"{_LOCALIZE}.submit_translations.SubmitPageTranslationView.get_form",
        translation.only_locales_the_user_may_translate_into,
    )
    _wrap(f"{_LOCALIZE}.update_translations.UpdateTranslationsView.get_object", translation.source_the_user_may_edit)
    _wrap(
        f"{_LOCALIZE}.update_translations.UpdateTranslationsView.form_valid",
        translation.publish_only_what_the_user_may_publish,
    )
    _wrap(
        f"{_LOCALIZE}.report.TranslationsReportView.get_queryset",
        translation.translations_of_pages_the_user_may_edit,
    )
    _wrap(f"{_LOCALIZE}.snippets_api.SnippetViewSet.get_queryset", translation.snippets_for_their_editors)
    _wrap(
        f"{_LOCALIZE}.edit_translation.upload_pofile",
        lambda original: require_POST(translation.a_po_file_or_a_clear_refusal(original)),
    )
    _replace_hook(
        "wagtail_localize.wagtail_hooks.page_listing_more_buttons",
        LOCALIZE_BUTTON_HOOKS,
        translation.translation_buttons_where_allowed,
    )

    # Wagtail's own Rendition model: a custom one could override get_upload_to, but this site
    # uses Wagtail's.
    get_image_model().get_rendition_model().get_upload_to = images.rendition_upload_to

    # Whether Wagtail's admin has connected its receiver yet or not, taking its dispatch uid keeps
    # it from being connected (again).
    uid = notifications.WAGTAIL_APPROVAL_DISPATCH_UID
    workflow_approved.disconnect(sender=WorkflowState, dispatch_uid=uid)
    workflow_approved.connect(notifications.approval_email_notifier, sender=WorkflowState, dispatch_uid=uid)


# The admin's page search on SQLite --------------------------------------------------------------
# modelsearch's SQLite index recomputes the average title length over the whole table and rewrites
# the title norm of every new row on each save: a full-table pass per publish, so loading N items
# costs O(N²) (at a few thousand items it was most of the publish time). Here the norms are
# refreshed only by `update_index`, which recomputes them all; until then a new entry ranks with
# the neutral norm 1.0.
#
# Its ranking by relevance is a correlated subquery that runs the whole MATCH again for every
# matching page: at 100,000 items, an editor's admin search for "health" (27,000 titles) did not
# finish in 20 s. Here the scores are read in one pass and the page of results is ranked from them
# (RankedOnceResults), in the same order. Other databases get modelsearch's backend unchanged.

_SQLITE = "modelsearch.backends.database.sqlite"
SQLITE_TARGETS = [
    Target(
        f"{_SQLITE}.sqlite.SQLiteIndex._refresh_title_norms", "cabf10eb3caac5bb", "refresh title norms only in full"
    ),
    Target(
        f"{_SQLITE}.sqlite.SQLiteSearchQueryCompiler.search",
        "4b214294f3627b59",
        "read every match's score in one pass (RankedOnce.matching repeats its MATCH and rank expressions)",
    ),
    Target(f"{_SQLITE}.sqlite.SQLiteSearchQueryCompiler._build_rank_expression", "f84d0a4c959b103a", "rank once"),
    Target(f"{_SQLITE}.sqlite.SQLiteSearchQueryCompiler.get_search_vectors", "66a319706e1e0aa7", "rank once"),
    Target(f"{_SQLITE}.sqlite.SQLiteSearchQueryCompiler.build_search_query", "9f50a4f72e404f3e", "rank once"),
    Target(f"{_SQLITE}.sqlite.SQLiteSearchResults._do_search", "b176de445acab3d3", "rank the page of results once"),
    Target("modelsearch.backends.base.BaseSearchResults.annotate_score", "2646895d6576a505", "annotate the scores"),
    Target(f"{_SQLITE}.query.normalize", "056b49d66fcb45d5", "rank once"),
    Target("modelsearch.utils.get_descendants_content_types_pks", "27fc5724dde6fabb", "rank once"),
]


def _best_first(allowed, scores: dict[str, float]) -> list:
    """The allowed primary keys in modelsearch's order: score ascending (FTS5's bm25 is lower
    for better matches), then the higher key first (two stable sorts: any kind of key)."""
    return sorted(sorted(allowed, reverse=True), key=lambda pk: scores[str(pk)])


@cache
def scalable_sqlite_backend_class():
    """(modelsearch's SQLite backend, ours), built once, on first use: modelsearch asks for a
    backend on every save. Its SQLite module is imported here, not at the top, because it
    registers models that exist only on SQLite."""
    verify(SQLITE_TARGETS)
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteAutocompleteQueryCompiler,
        SQLiteFTSIndexEntry,
        SQLiteIndex,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        SQLiteSearchResults,
    )
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    class SQLiteIndexWithoutPerSaveNorms(SQLiteIndex):
        def _refresh_title_norms(self, full=False):
            if full:
                super()._refresh_title_norms(full=True)

    class RankedOnce:
        """A query compiler that can read every match's score in one statement."""

        def matching(self, config):
            """The matching index entries with their scores, from the same MATCH and rank
            expressions modelsearch's `search` builds; None when it would not rank (nothing to
            match, a negated query, or another order asked for)."""
            if not self.order_by_relevance:
                return None
            query = normalize(self.query)
            if isinstance(query, MatchAll | Not):
                return None
            match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config))
            return (
                SQLiteFTSIndexEntry.objects.filter(match)
                .filter(index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model))
                .annotate(score=self._build_rank_expression(self.get_search_vectors(), config))
            )

        def scores(self, matching) -> dict[str, float]:
            """Each matching object's id (as modelsearch stores it, text) and score."""
            scores: dict[str, float] = {}
            for object_id, score in matching.values_list("index_entry__object_id", "score"):
                # modelsearch's subquery takes any one entry of an object; the best is as good.
                scores[object_id] = min(score, scores.get(object_id, score))
            return scores

    class RankedOnceSearchQueryCompiler(RankedOnce, SQLiteSearchQueryCompiler):
        pass

    class RankedOnceAutocompleteQueryCompiler(RankedOnce, SQLiteAutocompleteQueryCompiler):
        pass

    class RankedOnceResults(SQLiteSearchResults):
        """Results ranked from one pass over the matches' scores: the pages the search may show
        (modelsearch's queryset, filtered by the matches as its own count does), sorted by score
        in Python, and only the requested page's objects read. Counts and facets are modelsearch's
        own, which never needed the scores."""

        def _do_search(self):
            compiler = self.query_compiler
            matching = compiler.matching(compiler.get_config(self.backend))
            if matching is None:
                return super()._do_search()
            scores = compiler.scores(matching)
            queryset = compiler.queryset
            # As modelsearch filters: the ids as a subquery (a list of 27,000 would pass SQLite's
            # limit on parameters); FTS5 reads the matching ids again without scoring them.
            allowed = queryset.filter(pk__in=matching.values("index_entry__object_id")).values_list("pk", flat=True)
            page = _best_first(allowed, scores)[self.start : self.stop]
            objects = queryset.in_bulk(page)
            found = [objects[pk] for pk in page if pk in objects]
            if self._score_field:
                for obj in found:
                    setattr(obj, self._score_field, scores[str(obj.pk)])
            return found

    class ScalableSQLiteSearchBackend(SQLiteSearchBackend):
        index_class = SQLiteIndexWithoutPerSaveNorms
        query_compiler_class = RankedOnceSearchQueryCompiler
        autocomplete_query_compiler_class = RankedOnceAutocompleteQueryCompiler
        results_class = RankedOnceResults

    return SQLiteSearchBackend, ScalableSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks a backend module up by)
    """WAGTAILSEARCH_BACKENDS names this module: modelsearch's database backend, scalable on SQLite."""
    backend = database_search_backend(params)
    if connection.vendor != "sqlite":
        return backend
    sqlite_backend, scalable_backend = scalable_sqlite_backend_class()
    if not isinstance(backend, sqlite_backend):  # SQLite without FTS5: the fallback
        return backend
    return scalable_backend(params)
