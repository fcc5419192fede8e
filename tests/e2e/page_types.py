"""One address for each public page type of the demo site, found in its database (not hard-coded
slugs), for the accessibility and keyboard tests."""

import contextlib
import uuid

# The first live page of a type in the default language's tree ({key}: the model's link to the page table).
LIVE = """SELECT p.url_path FROM wagtailcore_page p JOIN {table} m ON p.id = m.{key}
          WHERE p.live AND p.url_path LIKE '/home/%' ORDER BY p.path LIMIT 1 OFFSET {offset}"""
# Words of the demo content: one with many results, one misspelt that finds less than a page (so
# that search offers "did you mean": it does not over a page of good results), and one with none.
WORD, MISSPELT, NOTHING = "laboratory", "hygeine", "zzzzqqqq"


def first(demo_site, sql: str, *params) -> str:
    row = demo_site.db.execute(sql, params).fetchone()
    assert row, sql
    return row[0]


def public(url_path: str) -> str:
    """A page's address under the default language (its url_path without the home page's slug)."""
    return url_path.removeprefix("/home")


def page_types(demo_site) -> dict[str, str]:
    """{page type: path in the default language}; add /fr, /pt or /es in front for the others."""

    def live(table: str, offset: int = 0) -> str:
        key = (
            "knowledgeitempage_ptr_id"
            if table.endswith(("casestudypage", "lessonpage", "testimonialpage"))
            else "page_ptr_id"
        )
        return public(first(demo_site, LIVE.format(table=table, key=key, offset=offset)))

    library = live("knowledge_libraryindexpage")
    focus_area = first(
        demo_site,
        """SELECT f.slug FROM knowledge_focusarea f
           JOIN knowledge_knowledgeitempage_focus_areas i ON i.focusarea_id = f.id
           GROUP BY f.slug ORDER BY count(*) DESC, f.slug LIMIT 1""",
    )
    country = first(
        demo_site,
        """SELECT country_id FROM knowledge_knowledgeitempage_countries GROUP BY country_id
           ORDER BY count(*) DESC, country_id LIMIT 1""",
    )
    return {
        "home": "/",
        "about": live("home_standardpage"),
        "library": library,
        "partnership list": library + "partnerships/",
        "partnership": live("knowledge_partnershippage"),
        "focus area": f"{library}focus-areas/{focus_area}/",
        "country": f"{library}countries/{country}/",
        "in numbers": library + "in-numbers/",
        "case study": live("knowledge_casestudypage"),
        "lesson": live("knowledge_lessonpage"),
        "testimonial": live("knowledge_testimonialpage"),
        "search": f"/search/?q={WORD}",
        "search, did you mean": f"/search/?q={MISSPELT}",
        "search, nothing found": f"/search/?q={NOTHING}",
        "search, bad filter (400)": "/search/?year_from=not-a-year",
        "not found (404)": "/errors/404/",  # the readers' 404 page (the demo runs with DEBUG on)
        "password form": live("knowledge_lessonpage", offset=1),
        "feed page": f"/search/feed/?q={WORD}",
    }


@contextlib.contextmanager
def shared_with_a_password(demo_site, path: str):
    """The page at `path` shared with a password while the block runs (as an editor sets it in
    the page's privacy settings), so that its password form can be checked."""
    (page_id,) = demo_site.db.execute("SELECT id FROM wagtailcore_page WHERE url_path = ?", ["/home" + path]).fetchone()
    password = uuid.uuid4().hex
    cursor = demo_site.db.execute(
        "INSERT INTO wagtailcore_pageviewrestriction (page_id, restriction_type, password) VALUES (?, 'password', ?)",
        [page_id, password],
    )
    demo_site.db.commit()
    try:
        yield password
    finally:
        demo_site.db.execute("DELETE FROM wagtailcore_pageviewrestriction WHERE id = ?", [cursor.lastrowid])
        demo_site.db.commit()
