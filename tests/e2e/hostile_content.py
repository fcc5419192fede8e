"""Hostile content, written the way a partner writes anything: through the admin's own forms.

Run against a site's database (``python -m tests.e2e.hostile_content OUT.json`` with that site's
settings and DATABASE_URL): a partner of one partnership uploads an image and a document and
writes a case study, a lesson and a testimonial whose every field carries script payloads; an
alliance editor adds a person and an institution the same way, then approves the three items;
the partner then submits a new revision of the case study, which stays in review. Every payload
is checked to be stored as typed (so a test can never pass because the site dropped it), and
what the browser test needs to visit is written to OUT.json.

Each payload names where it was put (``cs-title``, ``lesson-context``, …): if one runs, the
browser test says which field and which page.
"""

import datetime
import io
import json
import re
import sys

MARK = "quokka"  # a word found only in the hostile items: search for it
PASSWORDS = {"partner": "hostile-partner-pw-2026", "editor": "hostile-editor-pw-2026"}


def payload(tag: str) -> str:
    """Script in every form a template could let through: an element, an event handler, an
    attribute and a raw-text element broken out of, and a closing tag for each raw-text element."""
    return (
        f"\"'><script>window.__xss='{tag}'</script><img src=x onerror=console.log('XSS:{tag}')>"
        f"<svg onload=alert('XSS:{tag}')></svg></textarea></title></style></noscript></script>"
    )


def short_payload(tag: str) -> str:
    return f"<img src=x onerror=alert('XSS:{tag}')>"


def visible(tag: str) -> str:
    """What a reader sees where the payload is escaped: the script element as text."""
    return f"<script>window.__xss='{tag}'</script>"


def shown(tag: str) -> str:
    """The start of a payload, which listings show even when they shorten long titles."""
    return f"__xss='{tag}'"


def contentstate(text: str, links: list[tuple[str, str]]) -> str:
    """A Draftail value as the admin's editor posts it: a paragraph of text, then each link
    (label, url). Built by hand so that the hostile URLs reach the server as they would from a
    crafted request, whatever the editor's own JavaScript allows."""
    full = text
    ranges, entities = [], {}
    for index, (label, url) in enumerate(links):
        full += " "
        ranges.append({"offset": len(full), "length": len(label), "key": index})
        entities[str(index)] = {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
        full += label
    block = {
        "key": "q1a2b",
        "type": "unstyled",
        "depth": 0,
        "text": full,
        "inlineStyleRanges": [],
        "entityRanges": ranges,
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": entities})


def hostile_links(tag: str) -> list[tuple[str, str]]:
    return [
        ("javascript link", f"javascript:alert('XSS:{tag}-js')"),
        ("tab-split javascript link", f"java\tscript:alert('XSS:{tag}-tab')"),
        ("data link", f"data:text/html,<script>alert('XSS:{tag}-data')</script>"),
        ("quote-breaking link", f"https://example.org/\"><script>alert('XSS:{tag}-href')</script>"),
    ]


def rich(tag: str) -> str:
    return contentstate(f"{MARK.capitalize()} {tag} " + payload(tag), hostile_links(tag))


def main(out_path: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Comment
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    from knowledge.models import (
        CaseStudyPage,
        FocusArea,
        Institution,
        LessonPage,
        PartnershipPage,
        Person,
        TestimonialPage,
    )
    from knowledge.publishing.alliance import ALLIANCE_EDITORS

    # The original, not its French translation (same slug, another locale).
    partnership = PartnershipPage.objects.get(slug="lyon-bamako-laboratory-quality", locale__language_code="en")
    User = get_user_model()
    partner = User.objects.create_user("hostile-partner", "hostile-partner@example.org", PASSWORDS["partner"])
    partner.groups.add(partnership.partner_group.group)
    editor = User.objects.create_user("hostile-editor", "hostile-editor@example.org", PASSWORDS["editor"])
    editor.groups.add(Group.objects.get(name=ALLIANCE_EDITORS))

    def client_for(user) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    as_partner, as_editor = client_for(partner), client_for(editor)

    def post(client, url, data, expect=302):
        response = client.post(url, data)
        if response.status_code != expect:
            errors = response.content.decode()[:3000] if response.status_code == 200 else response.status_code
            raise SystemExit(f"POST {url} answered {response.status_code}, expected {expect}: {errors}")
        return response

    # The partner's name shows in every history and report: they choose it on their account page.
    partner.first_name, partner.last_name = short_payload("user-first"), short_payload("user-last")
    partner.save()

    # Uploads. Hostile files are refused (tests/security/test_uploads.py says how); the accepted
    # image and document carry payloads in their title and alt text.
    collection = partnership.partner_group.collection
    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), (180, 90, 40)).save(buffer, "PNG")
    post(
        as_partner,
        reverse("wagtailimages:add"),
        {
            "title": f"{MARK.capitalize()} image " + payload("img-title"),
            "description": payload("img-alt"),
            "collection": collection.pk,
            "tags": short_payload("img-tag"),
            "file": SimpleUploadedFile("ward.png", buffer.getvalue()),
        },
    )
    image = Image.objects.get(title__contains="img-title")
    post(
        as_partner,
        reverse("wagtaildocs:add"),
        {
            "title": f"{MARK.capitalize()} report " + payload("doc-title"),
            "collection": collection.pk,
            "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    document = Document.objects.get(title__contains="doc-title")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'XSS:svg\')"><script>alert(1)</script></svg>'
    html = b"<html><body><script>alert('XSS:html')</script></body></html>"
    for app, files in (("wagtailimages", ("x.svg", "x.html", "x.png")), ("wagtaildocs", ("x.svg", "x.html", "x.pdf"))):
        for name in files:
            content = svg if "svg" in name or name.endswith(".png") else html
            post(
                as_partner,
                reverse(f"{app}:add"),
                {"title": name, "collection": collection.pk, "file": SimpleUploadedFile(name, content)},
                expect=200,
            )
    assert Image.objects.filter(title__startswith="x.").count() == 0
    assert Document.objects.filter(title__startswith="x.").count() == 0

    # The editor adds the people and institutions items refer to (partners may only choose them).
    # A javascript: website is refused by the form; the name is kept as typed.
    country = partnership.south_institutions.first().country
    institution_form = {
        "name": payload("institution"),
        "acronym": "",
        "type": "hospital",
        "city": short_payload("inst-city"),
        "country": country.pk,
        "website": "javascript:alert('XSS:website')",
    }
    response = post(as_editor, reverse("wagtailsnippets_knowledge_institution:add"), institution_form, expect=200)
    assert "Enter a valid URL." in response.content.decode()
    post(as_editor, reverse("wagtailsnippets_knowledge_institution:add"), {**institution_form, "website": ""})
    institution = Institution.objects.get(name=payload("institution"))
    post(
        as_editor,
        reverse("wagtailsnippets_knowledge_person:add"),
        {
            "name": f"{MARK.capitalize()} " + short_payload("person"),
            "role": short_payload("person-role"),
            "institution": institution.pk,
            "orcid": "",
            "photo": "",
        },
    )
    person = Person.objects.get(name__contains="XSS:person")

    focus = FocusArea.objects.get(slug="quality-and-safety-of-care")
    table = {
        "data": [["Indicator", payload("cs-th")], [payload("cs-cell"), "12"]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": payload("cs-table-caption"),
        "cell": [{"row": 1, "col": 0, "className": "htLeft\" onmouseover=\"alert('XSS:cs-class')"}],
        "mergeCells": [],
    }

    def item_form(title_tag: str, slug: str, action: str, **fields) -> dict:
        data = nested_form_data(
            {
                "title": f"{MARK.capitalize()} {title_tag} " + payload(title_tag),
                "slug": slug,
                "seo_title": "",
                "search_description": payload(f"{title_tag}-description"),
                "summary": f"{MARK.capitalize()} summary " + payload(f"{title_tag}-summary"),
                "publication_date": datetime.date.today().isoformat(),  # first in every listing
                "language": "en",
                "tags": f"{short_payload(f'{title_tag}-tag')}, {MARK}",
                "image": image.pk,
                "comments": inline_formset(
                    [
                        {
                            "contentpath": "title",
                            "text": payload(f"{title_tag}-comment"),
                            "position": "",
                            "resolved": "",
                            "replies": inline_formset([]),
                        }
                    ]
                ),
                f"action-{action}": action,
                **fields,
            }
        )
        data["focus_areas"] = [focus.pk]
        return data

    def case_study_form(title_tag: str, action: str) -> dict:
        return item_form(
            title_tag,
            "quokka-case-study",
            action,
            licence="CC-BY-4.0",
            period_start="2019",
            period_end="2023",
            body=streamfield(
                [
                    ("heading", payload("cs-heading")),
                    ("paragraph", rich("cs-paragraph")),
                    ("quote", {"text": payload("cs-quote"), "attribution": payload("cs-attribution")}),
                    ("table", json.dumps(table)),
                    (
                        "image",
                        {
                            "image": {"image": image.pk, "decorative": "", "alt_text": payload("cs-alt")},
                            "caption": payload("cs-caption"),
                            "credit": payload("cs-credit"),
                        },
                    ),
                    ("document", {"document": document.pk, "title": payload("cs-doclink")}),
                ]
            ),
            authors=inline_formset([{"person": person.pk}]),
            outcomes=inline_formset(
                [
                    {
                        "indicator": payload("cs-indicator"),
                        "baseline": "12",
                        "result": "5",
                        "unit": short_payload("unit"),
                        "period": short_payload("period"),
                        "source": payload("cs-source"),
                    }
                ]
            ),
            attachments=inline_formset([{"document": document.pk, "title": payload("cs-attachment")}]),
        )

    add = lambda model: reverse("wagtailadmin_pages:add", args=("knowledge", model, partnership.pk))  # noqa: E731
    post(as_partner, add("casestudypage"), case_study_form("cs-title", "submit"))
    case_study = CaseStudyPage.objects.get(slug="quokka-case-study")
    post(
        as_partner,
        add("lessonpage"),
        item_form(
            "lesson-title",
            "quokka-lesson",
            "submit",
            lesson=payload("lesson-lesson"),
            context=rich("lesson-context"),
            what_worked=rich("lesson-worked"),
            what_did_not=rich("lesson-not"),
            recommendation=rich("lesson-recommendation"),
            case_study_links=inline_formset([]),
        ),
    )
    lesson = LessonPage.objects.get(slug="quokka-lesson")
    post(
        as_partner,
        add("testimonialpage"),
        item_form(
            "testimonial-title",
            "quokka-testimonial",
            "submit",
            quote=f"{MARK.capitalize()} quote\n" + payload("testimonial-quote") + "\nSecond line.",
            speaker=person.pk,
            speaker_role=short_payload("speaker-role"),
            institution="",
            given_on="2024-11-02",
            consent_recorded="on",
        ),
    )
    testimonial = TestimonialPage.objects.get(slug="quokka-testimonial")

    for page in (case_study, lesson, testimonial):
        page.refresh_from_db()
        task_state = page.current_workflow_task_state
        assert task_state is not None, f"{page.slug} was not submitted"
        post(
            as_editor,
            reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk)),
            {"comment": ""},
        )
        page.refresh_from_db()
        assert page.live, f"{page.slug} was not published"

    # A second revision of the case study, submitted and left in review: the editor's dashboard,
    # the compare view and the moderation reports show it.
    post(
        as_partner,
        reverse("wagtailadmin_pages:edit", args=(case_study.pk,)),
        case_study_form("cs-title-v2", "submit"),
    )
    case_study.refresh_from_db()
    assert case_study.workflow_in_progress

    # Stored as typed: plain text verbatim; rich text as text (escaped in its HTML), its links
    # without the hostile URLs (Wagtail's editor keeps only http(s), ftp, mailto and tel links).
    live = CaseStudyPage.objects.get(pk=case_study.pk)
    draft = live.get_latest_revision_as_object()
    assert live.title.endswith(payload("cs-title")) and draft.title.endswith(payload("cs-title-v2"))
    assert live.summary.endswith(payload("cs-title-summary"))
    assert live.search_description == payload("cs-title-description")
    blocks = {block.block_type: block for block in live.body}
    assert blocks["heading"].value == payload("cs-heading")
    paragraph = blocks["paragraph"].value.source
    assert "&lt;script&gt;window.__xss=&#x27;cs-paragraph&#x27;&lt;/script&gt;" in paragraph or (
        "&lt;script&gt;window.__xss='cs-paragraph'&lt;/script&gt;" in paragraph
    ), paragraph
    hrefs = re.findall(r'href="([^"]*)"', paragraph)
    assert len(hrefs) == 1 and hrefs[0].startswith("https://example.org/&quot;&gt;&lt;script&gt;"), paragraph
    assert "<a>javascript link</a>" in paragraph and "<a>data link</a>" in paragraph, paragraph
    assert blocks["quote"].value["text"] == payload("cs-quote")
    assert blocks["table"].value["data"][1][0] == payload("cs-cell")
    assert blocks["table"].value["cell"][0]["className"].endswith("alert('XSS:cs-class')")
    assert blocks["image"].value["image"].contextual_alt_text == payload("cs-alt")
    assert blocks["image"].value["caption"] == payload("cs-caption")
    assert blocks["document"].value["title"] == payload("cs-doclink")
    assert live.outcomes.get().indicator == payload("cs-indicator")
    assert live.attachments.get().title == payload("cs-attachment")
    assert short_payload("cs-title-tag") in {tag.name for tag in live.tags.all()}
    assert Comment.objects.filter(page=live, text=payload("cs-title-comment")).exists()
    assert LessonPage.objects.get(pk=lesson.pk).lesson == payload("lesson-lesson")
    assert TestimonialPage.objects.get(pk=testimonial.pk).quote.count(payload("testimonial-quote")) == 1
    assert image.description == payload("img-alt") and document.title.endswith(payload("doc-title"))

    revisions = list(live.revisions.order_by("created_at").values_list("pk", flat=True))
    result = {
        "partnership": {"id": partnership.pk, "url": partnership.url},
        "case_study": {"id": live.pk, "url": live.url, "revisions": revisions},
        "lesson": {"id": lesson.pk, "url": lesson.url},
        "testimonial": {"id": testimonial.pk, "url": testimonial.url},
        "image": image.pk,
        "document": {"id": document.pk, "url": document.url},
        "person": person.pk,
        "institution": institution.pk,
        "focus_area": focus.slug,
        "country": live.countries.first().code,
        "users": {
            "partner": ["hostile-partner", PASSWORDS["partner"]],
            "editor": ["hostile-editor", PASSWORDS["editor"]],
        },
    }
    with open(out_path, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(sys.argv[1])
