"""A reader on a slow link with JavaScript off opens the home page, a case study and the library."""

import re

PAGE_WEIGHT_BUDGET = 300 * 1024


def public_path(demo_site, sql: str) -> str:
    """The public URL of the first page the query finds (url_path without the home page's slug)."""
    (url_path,) = demo_site.db.execute(sql).fetchone()
    return url_path.removeprefix("/home")


def test_home_page_shows_live_figures_and_a_carousel_that_works_without_javascript(demo_site, reader, screenshot):
    response = reader.goto(demo_site.url + "/")
    assert response.status == 200
    assert reader.get_by_role("heading", level=1).inner_text() == "What health partnerships have learned, shared openly"
    (partnerships,) = demo_site.db.execute(
        "SELECT count(*) FROM knowledge_partnershippage JOIN wagtailcore_page ON id = page_ptr_id WHERE live "
        "AND locale_id = (SELECT id FROM wagtailcore_locale WHERE language_code = 'en')"  # not the translations
    ).fetchone()
    figures = reader.locator(".figures li").all_inner_texts()
    assert f"{partnerships}\npartnerships" in figures, figures
    assert reader.get_by_text("Sample content: the partnerships, people").is_visible()
    # The carousel's numbered links bring their slide into view with plain anchors.
    reader.get_by_role("link", name="Testimonial 4").click()
    assert reader.url.endswith("#voice-4")
    assert reader.locator("#voice-4").is_visible()
    screenshot(reader, "home")


def test_a_case_study_with_images_is_readable_and_light_without_javascript(demo_site, reader, screenshot):
    path = public_path(
        demo_site,
        """SELECT url_path FROM wagtailcore_page p JOIN knowledge_casestudypage c ON p.id = c.knowledgeitempage_ptr_id
           WHERE p.live AND c.body LIKE '%"type": "image"%' ORDER BY p.id LIMIT 1""",
    )
    transferred, images = [], []
    reader.on("requestfinished", lambda request: transferred.append(sum(request.sizes().values())))
    reader.on("response", lambda r: images.append(r) if "/media/images/" in r.url else None)
    response = reader.goto(demo_site.url + path, wait_until="load")
    assert response.status == 200
    figure = reader.locator("figure.figure img").first
    figure.scroll_into_view_if_needed()
    reader.wait_for_load_state("networkidle")
    assert figure.get_attribute("alt")
    assert re.search(r"\.webp \d+w", figure.get_attribute("srcset"))
    assert images and all(r.status == 200 and r.headers["content-type"] == "image/webp" for r in images)
    assert reader.get_by_role("heading", name="Outcomes").is_visible()
    assert reader.get_by_role("link", name=re.compile("Creative Commons")).is_visible()
    total = sum(transferred)
    assert total < PAGE_WEIGHT_BUDGET, f"{total} bytes transferred"
    screenshot(reader, "case-study")


def test_each_item_type_and_the_partnership_page_render(demo_site, reader):
    for model in ("lessonpage", "testimonialpage"):
        path = public_path(
            demo_site,
            f"SELECT url_path FROM wagtailcore_page p JOIN knowledge_{model} m ON p.id = m.knowledgeitempage_ptr_id "
            "WHERE p.live ORDER BY p.id LIMIT 1",
        )
        assert reader.goto(demo_site.url + path).status == 200
        # An item in another language than the reader's is labelled with it ("· In French").
        assert reader.locator(".item-type").inner_text().split(" · ")[0] in (
            "LESSON LEARNED",
            "TESTIMONIAL",
            "Lesson learned",
            "Testimonial",
        )
    reader.get_by_role("navigation", name="Breadcrumb").get_by_role("link").last.click()
    assert reader.locator(".item-type").inner_text().upper().startswith("PARTNERSHIP")
    assert reader.get_by_role(
        "heading", name=re.compile("Case studies|Lessons learned|Testimonials")
    ).first.is_visible()


def test_library_filters_narrow_the_list_without_javascript(demo_site, reader, screenshot):
    reader.goto(demo_site.url + "/library/")
    everything = int(reader.locator(".result-count").inner_text().split()[0])
    # The search's facets, with counts: each value is a link that adds it (or takes it away).
    reader.locator("section.facet a", has_text="Medicines and procurement").click()
    reader.locator("section.facet a", has_text="Lessons learned").click()
    narrowed = int(reader.locator(".result-count").inner_text().split()[0])
    assert 0 < narrowed < everything
    assert "focus_area=medicines-and-procurement" in reader.url and "type=lesson" in reader.url
    cards = reader.locator(".card-type").all_inner_texts()
    assert cards and all(text.upper().startswith("LESSON") for text in cards)
    screenshot(reader, "library-filtered")
