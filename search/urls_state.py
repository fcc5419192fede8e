"""Links that change one thing in the current search: toggle a facet value, go to a page.
Stable URLs: parameters keep a fixed order, and any change of filter goes back to page 1."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from .schema import FACETS
from .service import Facet, FacetOption

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


def facet_links(params: QueryDict, facets: list[Facet]) -> list[tuple[Facet, list[FacetLink]]]:
    state = _state(params)
    return [
        (facet, [FacetLink(o, _toggled(state, facet.name, o.value, o.selected)) for o in facet.options])
        for facet in facets
    ]


def page_links(params: QueryDict, current: int, pages: int) -> dict:
    state = _state(params)

    def to(number: int) -> str:
        return encode({**state, "page": [str(number)] if number > 1 else []})

    window = range(max(1, current - 2), min(pages, current + 2) + 1)
    return {
        "previous": to(current - 1) if current > 1 else None,
        "next": to(current + 1) if current < pages else None,
        "numbers": [(n, to(n), n == current) for n in window],
    }
