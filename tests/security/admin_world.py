"""The world the admin permission checks act on (fixtures `world` and `as_role`): two partnerships
with drafts, reviews, uploads and accounts, built once per module inside a transaction rolled back
at the end. Each test still runs in its own savepoint: a POST that deletes or publishes leaves
nothing behind."""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale, Page, PageViewRestriction, Site, UploadedFile, Workflow
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.operations import translate_object

from home.models import SiteSettings
from knowledge.models import CaseStudyAuthor, Country, FocusArea, MemberAgency, PartnershipPage
from knowledge.publishing.alliance import ALLIANCE_EDITORS, REVIEW_WORKFLOW
from search.models import SearchSynonym
from tests.factories import PersonFactory, home_page, make_case_study, make_library, make_partnership, make_testimonial


@dataclass
class World:
    refs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["refs"][name]
        except KeyError as error:
            raise AttributeError(name) from error

    def pk(self, name: str):
        value = self.refs[name]
        return getattr(value, "pk", value)


def _partnership_objects(world: World, prefix: str, partnership: PartnershipPage, town: str, partner) -> None:
    link = partnership.partner_group
    live = make_case_study(partnership, title=f"{town} live item", slug=f"{prefix}-live")
    # An alias made by an editor while the item had no pending draft.
    alias = live.create_alias(update_slug=f"{prefix}-live-alias")
    live.title = f"{town} secret draft revision"
    revision = live.save_revision(user=partner)
    scheduled = make_case_study(partnership, title=f"{town} scheduled item", slug=f"{prefix}-scheduled")
    scheduled.go_live_at = timezone.now() + timezone.timedelta(days=7)
    scheduled_revision = scheduled.save_revision(approved_go_live_at=scheduled.go_live_at)
    colleague = PersonFactory(name=f"{town} colleague", institution=partnership.south_institutions.first())
    testimonial = make_testimonial(
        partnership, title=f"{town} draft testimonial", slug=f"{prefix}-testimonial", speaker=colleague, live=False
    )
    in_review = make_case_study(
        partnership,
        title=f"{town} item in review",
        slug=f"{prefix}-review",
        live=False,
        tags=[f"{town} private tag"],  # typed only on this draft and the login-only item below
    )
    in_review.save_revision(user=partner)
    workflow_state = in_review.get_workflow().start(in_review, partner)
    in_review.refresh_from_db()
    # Live items a partner makes private, one of each kind Wagtail offers; one credits a person
    # who appears nowhere else.
    private_author = PersonFactory(name=f"{town} private author", institution=partnership.south_institutions.first())
    private = {}
    for kind, label in (("password", "password"), ("login", "login-only"), ("groups", "group-only")):
        private[kind] = make_case_study(
            partnership,
            title=f"{town} {label} item",
            slug=f"{prefix}-{kind}",
            tags=[f"{town} private tag"] if kind == "login" else [],
            authors=[CaseStudyAuthor(person=private_author)] if kind == "login" else [],
        )
        restriction = PageViewRestriction.objects.create(
            page=private[kind], restriction_type=kind, password="shared-secret" if kind == "password" else ""
        )
        if kind == "groups":
            restriction.groups.set([link.group])
    image = Image.objects.create(
        title=f"{town} private scan",
        file=get_test_image_file(f"{prefix}.png", size=(64, 48)),
        collection=link.collection,
        uploaded_by_user=partner,
    )
    document = Document.objects.create(
        title=f"{town} private report",
        file=ContentFile(b"%PDF-1.4 private", name=f"{prefix}.pdf"),
        collection=link.collection,
        uploaded_by_user=partner,
    )
    for upload in (image, document):  # as an upload through the admin records them
        upload.get_file_size()
        upload.get_file_hash()
    world.refs.update(
        {
            prefix: partnership,
            f"{prefix}_group": link.group,
            f"{prefix}_collection": link.collection,
            f"{prefix}_live": live,
            f"{prefix}_alias": alias,
            f"{prefix}_revision": revision,
            f"{prefix}_scheduled": scheduled,
            f"{prefix}_scheduled_revision": scheduled_revision,
            f"{prefix}_colleague": colleague,
            f"{prefix}_testimonial": testimonial,
            f"{prefix}_review": in_review,
            f"{prefix}_password": private["password"],
            f"{prefix}_login": private["login"],
            f"{prefix}_groups": private["groups"],
            f"{prefix}_private_author": private_author,
            f"{prefix}_workflow_state": workflow_state,
            f"{prefix}_task_state": in_review.current_workflow_task_state,
            f"{prefix}_image": image,
            f"{prefix}_document": document,
            f"{prefix}_image_upload": UploadedFile.objects.create(
                for_content_type=ContentType.objects.get_for_model(Image),
                file=get_test_image_file(f"{prefix}-upload.png", size=(8, 8)),
                uploaded_by_user=partner,
            ),
            f"{prefix}_document_upload": UploadedFile.objects.create(
                for_content_type=ContentType.objects.get_for_model(Document),
                file=ContentFile(b"upload", name=f"{prefix}-upload.txt"),
                uploaded_by_user=partner,
            ),
        }
    )


def build_world() -> World:
    world = World()
    User = get_user_model()
    library = make_library()
    a = make_partnership(library, title="Lyon–Bamako laboratory partnership", slug="lyon-bamako", south_country="ML")
    b = make_partnership(library, title="Dublin–Kisumu infection prevention", slug="dublin-kisumu", south_country="KE")

    def account(name, *groups, **extra):
        user = User.objects.create_user(name, f"{name}@example.org", "pw", **extra)
        user.groups.add(*groups)
        return user

    world.users = {
        "anonymous": None,
        "partner_a": account("awa", a.partner_group.group),
        "partner_b": account("brian", b.partner_group.group),
        "editor": account("elena", Group.objects.get(name=ALLIANCE_EDITORS)),
        "superuser": account("root", is_superuser=True, is_staff=True),
    }
    _partnership_objects(world, "a", a, "Bamako", world.users["partner_a"])
    _partnership_objects(world, "b", b, "Kisumu", world.users["partner_b"])

    a_live = world.refs["a_live"]
    # A's partnership in French, so that its items can be translated.
    locale_fr = Locale.objects.get_or_create(language_code="fr")[0]
    for page in (home_page(), library, a):
        page.copy_for_translation(locale_fr)
    # A's live item translated into French with wagtail-localize by partner A: a draft under A's
    # French partnership, where A's group holds the rights it holds on A.
    translate_object(Page.objects.get(pk=a_live.pk).specific, [locale_fr], user=world.users["partner_a"])
    a_source = TranslationSource.objects.get_for_instance(a_live)
    a_translation = Translation.objects.get(source=a_source, target_locale=locale_fr)

    default_site = Site.objects.get(is_default_site=True)
    person = PersonFactory(name="Moussa Keita", institution=a.south_institutions.first())
    world.refs.update(
        {
            "root": Page.get_first_root_node(),
            "home": default_site.root_page,
            "library": library,
            "site": default_site,
            "locale_en": Locale.objects.get(language_code="en"),
            "locale_fr": locale_fr,
            "a_collection_parent": a.partner_group.collection.get_parent(),
            "editors_group": Group.objects.get(name=ALLIANCE_EDITORS),
            **{f"user_{role}": user for role, user in world.users.items() if user is not None},
            "focusarea": FocusArea.objects.order_by("pk").first(),
            "country": Country.objects.get(code="ML"),
            "institution": a.south_institutions.first(),
            "memberagency": MemberAgency.objects.create(name="Hospices Civils de Lyon", country_id="FR"),
            "person": person,
            "searchsynonym": SearchSynonym.objects.create(terms="tb, tuberculosis"),
            "sitesettings": SiteSettings.for_site(default_site),
            "redirect": Redirect.objects.create(old_path="/old-bamako", redirect_page=a_live),
            "a_translation_source": a_source,
            "a_translation": a_translation,
            "a_translated": a_translation.get_target_instance(),
            "a_string_segment": a_source.stringsegment_set.order_by("order").first(),
            "workflow": Workflow.objects.get(name=REVIEW_WORKFLOW),
            "task": Workflow.objects.get(name=REVIEW_WORKFLOW).tasks.first(),
            "editing_session": EditingSession.objects.create(
                user=world.users["partner_a"],
                content_type=ContentType.objects.get_for_model(Page),
                object_id=str(a_live.pk),
                last_seen_at=timezone.now(),
            ),
        }
    )

    for role, user in world.users.items():
        if user is None:
            continue
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        world.sessions[role] = session.session_key
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def as_role(client, world, db, monkeypatch):
    """A test client logged in as one of ROLES (or anonymous), reusing the world's sessions."""

    client.raise_request_exception = False  # a crash is an outcome the table states (500)
    # Nothing here reads response.context: skip copying every template context into it.
    monkeypatch.setattr("django.test.client.store_rendered_templates", lambda *args, **kwargs: None)

    def login(role: str):
        client.cookies.clear()
        if world.sessions.get(role):
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return login
