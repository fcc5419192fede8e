"""Links that change one thing in the current search: toggle a facet value, go to a page.
Stable URLs: parameters keep a fixed order, and any change of filter goes back to page 1."""

from dataclasses import dataclass

from django.http import QueryDict

from .service import Facet, FacetOption

PARAMETER = {
    "type": "type",
    "focus_area": "focus_area",
    "region": "region",
    "country": "country",
    "partnership": "partnership",
    "language": "lang",
}
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


def encode(params: QueryDict) -> str:
    ordered = QueryDict(mutable=True)
    for key in ORDER:
        values = [v for v in params.getlist(key) if v != ""]
        if values:
            ordered.setlist(key, values)
    return "?" + ordered.urlencode() if ordered else "?"


@dataclass
class FacetLink:
    option: FacetOption
    url: str


def _toggled(params: QueryDict, facet: str, value: str, selected: bool) -> str:
    changed = params.copy()
    changed.pop("page", None)
    if facet == "year":
        if selected:
            changed.pop("year_from", None)
            changed.pop("year_to", None)
        else:
            changed.setlist("year_from", [value])
            changed.setlist("year_to", [value])
    else:
        key = PARAMETER[facet]
        values = [v for v in changed.getlist(key) if v.upper() != value.upper()]
        changed.setlist(key, values if selected else [*values, value])
    return encode(changed)


def facet_links(params: QueryDict, facets: list[Facet]) -> list[tuple[Facet, list[FacetLink]]]:
    return [
        (facet, [FacetLink(o, _toggled(params, facet.name, o.value, o.selected)) for o in facet.options])
        for facet in facets
    ]


def page_links(params: QueryDict, current: int, pages: int) -> dict:
    def to(number: int) -> str:
        changed = params.copy()
        changed.setlist("page", [str(number)] if number > 1 else [])
        return encode(changed)

    window = range(max(1, current - 2), min(pages, current + 2) + 1)
    return {
        "previous": to(current - 1) if current > 1 else None,
        "next": to(current + 1) if current < pages else None,
        "numbers": [(n, to(n), n == current) for n in window],
    }
