"""Links that change one thing in the current search: toggle a facet value, go to a page.
Stable URLs: parameters keep a fixed order, and any change of filter goes back to page 1."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from .schema import FACETS, FACETS_BY_NAME
from .service import Facet, FacetOption, SearchPage

# A year is chosen as a one-year range (year_from, year_to), not by a parameter of its own.
PARAMETER = {facet.name: facet.parameter for facet in FACETS if facet.name != "year"}
ORDER = [
    "q",
    "type",
    "focus_area",
    "region",
    "country",
    "partnership",
    "lang",
    "year_from",
    "year_to",
    "sort",
    "page_size",
    "page",
]


State = dict[str, list[str]]


def _state(params: QueryDict) -> State:
    """The parameters that make a search, without empty values; read once per page of links."""
    return {key: [v for v in params.getlist(key) if v != ""] for key in ORDER}


def encode(state: State) -> str:
    pairs = [(key, value) for key in ORDER for value in state.get(key, ())]
    return "?" + urlencode(pairs) if pairs else "?"


@dataclass
class FacetLink:
    option: FacetOption
    url: str


# A facet shows this many values; the rest wait behind "more" (a facet never scrolls in a box).
FIRST_VALUES = 8


@dataclass
class FacetLinks:
    facet: Facet
    links: list[FacetLink]

    @property
    def first(self) -> list[FacetLink]:
        return self.links[:FIRST_VALUES]

    @property
    def more(self) -> list[FacetLink]:
        return self.links[FIRST_VALUES:]

    @property
    def more_chosen(self) -> bool:
        """A value chosen among the rest: "more" starts open, so that it shows."""
        return any(link.option.selected for link in self.more)


def _toggled(state: State, facet: str, value: str, selected: bool) -> str:
    changed = {**state, "page": []}
    if facet == "year":
        years = [] if selected else [value]
        changed["year_from"], changed["year_to"] = years, years
    else:
        key = PARAMETER[facet]
        values = [v for v in state[key] if v.upper() != value.upper()]
        changed[key] = values if selected else [*values, value]
    return encode(changed)


def facet_links(params: QueryDict, facets: list[Facet]) -> list[FacetLinks]:
    state = _state(params)
    return [
        FacetLinks(facet, [FacetLink(o, _toggled(state, facet.name, o.value, o.selected)) for o in facet.options])
        for facet in facets
    ]


@dataclass
class Chip:
    """A filter in force, shown as a chip that removes it."""

    facet: str  # the facet's label: "Focus area"
    label: str  # the value's: "Health policy"
    remove_url: str


# The parameters that filter (what "clear all" takes away): every one but the text, order and pages.
FILTERS = tuple(key for key in ORDER if key not in ("q", "sort", "page_size", "page"))


def chips(params: QueryDict, facets: list[FacetLinks]) -> list[Chip]:
    """The filters in force, each with the link that removes it, in the facets' order; a range of
    years that is not one year is one chip."""
    state = _state(params)
    found = [
        Chip(group.facet.label, link.option.label, link.url)
        for group in facets
        for link in group.links
        if link.option.selected
    ]
    year_from, year_to = state["year_from"][:1], state["year_to"][:1]
    if (year_from or year_to) and year_from != year_to:
        if year_from and year_to:
            label = _("%(first)s to %(last)s") % {"first": year_from[0], "last": year_to[0]}
        elif year_from:
            label = _("from %(year)s") % {"year": year_from[0]}
        else:
            label = _("until %(year)s") % {"year": year_to[0]}
        without = encode({**state, "year_from": [], "year_to": [], "page": []})
        found.append(Chip(str(FACETS_BY_NAME["year"].label), label, without))
    return found


def clear_all(params: QueryDict) -> str:
    """The same search without any filter: its text, sort and page size stay."""
    state = _state(params)
    return encode({**state, **{name: [] for name in FILTERS}, "page": []})


def with_text(params: QueryDict, text: str) -> str:
    """The same search with another text ("did you mean"), from its first page."""
    return encode({**_state(params), "q": [text], "page": []})


def page_links(params: QueryDict, current: int, pages: int) -> dict:
    state = _state(params)

    def to(number: int) -> str:
        return encode({**state, "page": [str(number)] if number > 1 else []})

    window = range(max(1, current - 2), min(pages, current + 2) + 1)
    return {
        "previous": to(current - 1) if current > 1 else None,
        "next": to(current + 1) if current < pages else None,
        "numbers": [(n, to(n), n == current) for n in window],
        "first": to(1),
        "last": to(pages),
    }


def listing_links(params: QueryDict, page: SearchPage, hidden: tuple[str, ...] = (), last: int | None = None) -> dict:
    """What a page listing a search's results links to: its facets (less those the page itself
    fixes, `hidden`), the chips of the filters in force, "clear all", and its pages (up to `last`)."""
    facets = [group for group in facet_links(params, page.facets) if group.facet.name not in hidden]
    in_force = chips(params, facets)
    pages = page.pages if last is None else min(page.pages, last)
    return {
        "facets": facets,
        "chips": in_force,
        "clear_all": clear_all(params) if in_force else None,
        "pages": page_links(params, page.query.page, pages),
    }
