"""A query's best matches by relevance, as the engine keeps them between searches."""

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class RankedWindow:
    """The best `window` matches of a query (all of them when `complete`), in rank order, with
    their rank keys (lower first; equal keys go to the higher id, as the full-text query orders
    them). `drift` counts the documents changed since the keys were computed."""

    ids: list[int]
    keys: list[float]
    window: int
    complete: bool
    drift: int = 0

    @classmethod
    def of(cls, ranked: list[tuple[int, float]], window: int) -> "RankedWindow":
        return cls([pk for pk, _ in ranked], [key for _, key in ranked], window, len(ranked) < window)

    def carried(self, changed: set[int], keys: dict[int, float]) -> "RankedWindow | None":
        """The window after the `changed` documents were written or removed, given the rank keys
        of those that match now; None when that cannot be known without ranking every match."""
        order = [(key, -pk) for pk, key in zip(self.ids, self.keys, strict=True) if pk not in changed]
        entering = [(key, -pk) for pk, key in keys.items()]
        if not self.complete and self.ids:
            # Documents below the window were not held: a changed one ranked after the last
            # held entry could sit anywhere down there.
            last = (self.keys[-1], -self.ids[-1])
            entering = [entry for entry in entering if entry <= last]
        for entry in entering:
            bisect.insort(order, entry)
        if not self.complete and len(order) < self.window:
            return None  # a held entry left the window: what moves up into it was not held
        complete = self.complete and len(order) < self.window
        order = order[: self.window]
        return RankedWindow(
            [-negative for _, negative in order],
            [key for key, _ in order],
            self.window,
            complete,
            self.drift + len(changed),
        )
