"""Synonym groups editors keep in the admin, turned into the map the query parser expands with."""

import time

from .models import SearchSynonym
from .query import SynonymLookup, words_of

CACHE_SECONDS = 60  # other processes pick up an editor's change within a minute
_cache: dict = {}


class SynonymMap(dict):
    """Each synonym key and its synonyms, with the keys by their forms (query.SynonymLookup),
    built once for as long as the map is cached."""

    @property
    def lookup(self) -> SynonymLookup:
        if "_lookup" not in self.__dict__:
            self.__dict__["_lookup"] = SynonymLookup(self)
        return self.__dict__["_lookup"]


def synonym_map() -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    if _cache and time.monotonic() - _cache["at"] < CACHE_SECONDS:
        return _cache["map"]
    mapping: SynonymMap = SynonymMap()
    for group in SearchSynonym.objects.all():
        terms = [term for term in dict.fromkeys(tuple(words_of(term)) for term in group.term_list) if term]
        for term in terms:
            known = mapping.setdefault(term, [])
            known += [other for other in terms if other != term and other not in known]
    _cache.update(at=time.monotonic(), map=mapping)
    return mapping


def forget_synonyms(**kwargs) -> None:
    _cache.clear()
