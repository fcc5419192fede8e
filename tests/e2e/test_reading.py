"""A reader on a slow link with JavaScript off opens the home page, a case study and the library."""

import io

import pytest
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from knowledge.demo_images import draw_illustration
from tests.factories import make_case_study, make_partnership, make_testimonial

PAGE_WEIGHT_BUDGET = 300 * 1024
# Live-server tests flush the database; serialized rollback restores the seeded site,
# countries and focus areas afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sample_image(name: str, theme: str):
    image = get_image_model()(title=name)
    image.file = ImageFile(io.BytesIO(draw_illustration(name, theme)), name=f"{name}.jpg")
    image.save()
    return image


@pytest.fixture
def content(db):
    from tests.factories import make_library

    library = make_library()
    partnership = make_partnership(library, title="Kisumu–Heidelberg infection prevention", south_country="KE")
    hero, figure = sample_image("ward-round", "ward"), sample_image("audit", "surgery")
    case_study = make_case_study(
        partnership,
        title="Halving surgical site infections in Kisumu",
        image=hero,
        body=[
            {"type": "heading", "value": "What we did"},
            {"type": "paragraph", "value": "<p>Monthly hand hygiene audits on every surgical ward.</p>"},
            {
                "type": "image",
                "value": {
                    "image": {"image": figure.pk, "alt_text": "Nurses reviewing an audit sheet", "decorative": False},
                    "caption": "Reviewing the month's audit",
                    "credit": "Sample illustration",
                },
            },
            {"type": "quote", "value": {"text": "We now see the numbers every month.", "attribution": "Ward sister"}},
        ],
        outcomes=[{"indicator": "Surgical site infections", "baseline": 14, "result": 6, "unit": "%"}],
    )
    for n in range(3):
        make_testimonial(partnership, title=f"Voice {n}", quote=f"Testimonial number {n} about the partnership.")
    make_case_study(partnership, title="Stock-outs of gloves", focus=("medicines-and-procurement",))
    return {"library": library, "case_study": case_study}


def test_home_page_renders_and_its_carousel_works_without_javascript(live_server, reader, content, screenshot):
    response = reader.goto(live_server.url + "/")
    assert response.status == 200
    assert reader.get_by_role("heading", level=1).inner_text() == "What health partnerships have learned, shared openly"
    figures = reader.locator(".figures li").all_inner_texts()
    assert any("1\npartnership" in text or "1 partnership" in text for text in figures), figures
    # The carousel's numbered links scroll their slide into view with plain anchors.
    reader.get_by_role("link", name="Testimonial 3").click()
    assert reader.locator("#voice-3").is_visible()
    assert reader.url.endswith("#voice-3")
    screenshot(reader, "home")


def test_case_study_is_readable_and_light_without_javascript(live_server, reader, content, screenshot):
    transferred, images = [], []
    reader.on("requestfinished", lambda request: transferred.append(sum(request.sizes().values())))
    reader.on("response", lambda r: images.append(r) if "/media/images/" in r.url else None)
    response = reader.goto(live_server.url + content["case_study"].url, wait_until="load")
    assert response.status == 200
    assert reader.get_by_role("heading", level=1).inner_text() == "Halving surgical site infections in Kisumu"
    figure = reader.locator("figure.figure img")
    assert figure.get_attribute("alt") == "Nurses reviewing an audit sheet"
    assert "format-webp" in (figure.get_attribute("srcset") or "") or ".webp" in (figure.get_attribute("srcset") or "")
    figure.scroll_into_view_if_needed()
    reader.wait_for_load_state("networkidle")
    # The listing image is not shown on the page itself; the figure's WebP rendition is.
    assert images, "no image was loaded"
    assert all(r.status == 200 and r.headers["content-type"] == "image/webp" for r in images)
    assert reader.get_by_role("rowheader", name="Surgical site infections").is_visible()
    total = sum(transferred)
    assert total < PAGE_WEIGHT_BUDGET, f"{total} bytes transferred"
    screenshot(reader, "case-study")


def test_library_filters_narrow_the_list_without_javascript(live_server, reader, content, screenshot):
    reader.goto(live_server.url + content["library"].url)
    assert reader.locator(".result-count").inner_text() == "5 items"
    reader.get_by_label("Medicines and procurement").check()
    reader.get_by_role("button", name="Apply filters").click()
    assert reader.locator(".result-count").inner_text() == "1 item"
    assert reader.get_by_role("link", name="Stock-outs of gloves").is_visible()
    screenshot(reader, "library-filtered")
