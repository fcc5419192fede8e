"""Content translation with wagtail-localize, kept inside the partnerships.

wagtail-localize asks one site-wide permission (`wagtail_localize.submit_translation`) before it
translates a page, syncs translations or lists them; the rights on the page itself are checked only
once a translation exists (its edit view, PO files, preview). Partners hold that permission so that
they can translate their own items, so the views that act before a translation exists are held
here to the page's own rights:

- "Translate": only a page the user may edit, only into a language where its parent already has a
  translation under which the user may add pages. A partner translates their partnership's items
  once an alliance editor has translated the partnership; the translation lands in the
  partnership's translation, where the partner group holds the same rights as on the original
  (knowledge/publishing/partners.py), and starts as a draft that an editor publishes.
- "Sync translated pages": only a source the user may edit; publishing the synced translations
  only for those who may publish every one of them.
- The translations report: only translations of pages the user may edit.
- The snippet listing API behind the translation editor: only for those who may edit that type.
- A PO file upload without a file: a 400 that says so (it was a 500).

- Its "Translate this page" and "Sync translated pages" buttons (page header and listing menus):
  only where the guards above let the user through, so a partner is never offered an action that
  answers 403 (their partnership's own page) or a form with no language to choose.

wagtail-localize offers no extension point for these: config/wagtail_compat.py wraps the methods
concerned with the guards below, after checking that each is still what they were written for.
The admin permission table (tests/security/test_admin_permissions.py) fails if they stop working.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.permissions import user_can_edit_snippet_type
from wagtail_localize.models import StringTranslation, Translation, TranslationSource


def translatable_locales(user, page: Page) -> QuerySet[Locale]:
    """The locales `user` may translate `page` into: those where its parent has a translation
    (never an alias made on the way: a reader would find the original's text under another
    language) under which the user may add pages."""
    parent = page.get_parent()
    if parent is None:
        return Locale.objects.none()
    allowed = [
        translated.locale_id
        for translated in parent.get_translations().filter(alias_of__isnull=True).specific()
        if user.is_superuser or translated.permissions_for_user(user).can_add_subpage()
    ]
    return Locale.objects.filter(pk__in=allowed)


def user_can_edit(user, instance) -> bool:
    if isinstance(instance, Page):
        return instance.permissions_for_user(user).can_edit()
    return user_can_edit_snippet_type(user, type(instance))


def pages_user_may_edit(user) -> QuerySet[Page]:
    if user.is_superuser:
        return Page.objects.all()
    grants = [
        grant
        for grant in PagePermissionPolicy().get_cached_permissions_for_user(user)
        if grant.permission.codename in ("change_page", "publish_page")
    ]
    if not grants:
        return Page.objects.none()
    writable = Q()
    for grant in grants:
        writable |= Q(path__startswith=grant.page.path)
    return Page.objects.filter(writable)


def locales_left_to_translate_into(user, page: Page) -> QuerySet[Locale]:
    """The locales `user` may translate `page` into where it has no translation yet (an alias
    does not count: translating replaces it)."""
    done = page.get_translations(inclusive=True).filter(alias_of__isnull=True).values("locale_id")
    return translatable_locales(user, page).exclude(pk__in=done)


def translation_buttons_where_allowed(page_buttons):
    """wagtail-localize's page buttons ("Translate this page", "Sync translated pages"), kept only
    where its views, held by the guards above, would let the user through."""

    @wraps(page_buttons)
    def guarded(page, user, view_name=None, next_url=None):
        buttons = list(page_buttons(page, user, view_name=view_name, next_url=next_url))
        if not buttons:
            return
        # Both act on the page an alias stands for (its translate URL names that page).
        target = (Page.objects.get(pk=page.alias_of_id) if page.alias_of_id else page).specific_deferred
        if not user_can_edit(user, target):
            return  # both views refuse a page the user may not edit
        translate = reverse("wagtail_localize:submit_page_translation", args=[target.pk])
        for button in buttons:
            if button.url == translate and not locales_left_to_translate_into(user, target).exists():
                continue
            yield button

    return guarded


def page_the_user_may_edit(get_object):
    @wraps(get_object)
    def guarded(self):
        page = get_object(self)
        if not user_can_edit(self.request.user, page):
            raise PermissionDenied
        return page

    return guarded


def only_locales_the_user_may_translate_into(get_form):
    @wraps(get_form)
    def guarded(self):
        form = get_form(self)
        allowed = translatable_locales(self.request.user, self.object).values("pk")
        form.fields["locales"].queryset = form.fields["locales"].queryset.filter(pk__in=allowed)
        return form

    return guarded


def source_the_user_may_edit(get_object):
    @wraps(get_object)
    def guarded(self):
        source = get_object(self)
        instance = source.get_source_instance()
        if not user_can_edit(self.request.user, instance):
            raise PermissionDenied
        return source

    return guarded


def publish_only_what_the_user_may_publish(form_valid):
    @wraps(form_valid)
    def guarded(self, form):
        if form.cleaned_data.get("publish_translations"):
            for translation in self.object.translations.filter(enabled=True):
                target = translation.get_target_instance()
                if isinstance(target, Page) and not target.permissions_for_user(self.request.user).can_publish():
                    raise PermissionDenied
        return form_valid(self, form)

    return guarded


def translations_of_pages_the_user_may_edit(get_queryset):
    @wraps(get_queryset)
    def guarded(self):
        translations = get_queryset(self)
        user = self.request.user
        if user.is_superuser:
            return translations
        keys = pages_user_may_edit(user).values("translation_key")
        return translations.filter(source__object_id__in=keys)

    return guarded


def a_po_file_or_a_clear_refusal(upload_pofile):
    """The PO file upload crashed (500) on a form sent without a file; it now says what is missing,
    once the user is known to be allowed to translate the page."""

    @wraps(upload_pofile)
    def guarded(request, translation_id):
        translation = get_object_or_404(Translation, id=translation_id)
        if not user_can_edit(request.user, translation.get_target_instance()):
            raise PermissionDenied
        if "file" not in request.FILES:
            return HttpResponseBadRequest(_("Choose a PO file to upload."))
        return upload_pofile(request, translation_id)

    return guarded


def snippets_for_their_editors(get_queryset):
    @wraps(get_queryset)
    def guarded(self):
        if not user_can_edit_snippet_type(self.request.user, self.get_model()):
            raise PermissionDenied
        return get_queryset(self)

    return guarded


def translate_from_memory(page: Page, locale: Locale, strings: dict[str, str], user=None) -> Page:
    """Translate `page` into `locale` as a translator's returned work reaches the site: each source
    string found in `strings` (source text -> translation) goes into wagtail-localize's translation
    memory for this page, then the translation is saved as a draft and published. Strings not
    found keep the source text until someone translates them in the admin. The translation stays
    synchronised: "Sync translated pages" carries later changes of the source over."""
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in source.stringsegment_set.select_related("string", "context"):
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.get_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
    # A draft first, then its revision published here (wagtail-localize would publish only once
    # the surrounding transaction commits).
    translation.save_target(user=user, publish=False)
    translation.get_target_instance().get_latest_revision().publish(user=user)
    return translation.get_target_instance()
