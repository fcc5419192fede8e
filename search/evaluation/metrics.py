"""The ranking metrics, over a ranked list of item keys and graded judgements (0-3).

nDCG uses the grades as gains (2^grade - 1, log2 discount); P@3, recall@10 and MRR count an item
as relevant from grade 2 ("relevant" or "exactly what was asked"). Unjudged items are grade 0.
"""

import math
from collections.abc import Mapping, Sequence

RELEVANT = 2


def dcg(grades: Sequence[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades, start=1))


def ndcg_at(k: int, ranked: Sequence[str], judgements: Mapping[str, int]) -> float:
    """DCG of the first k results over the DCG of the best possible ranking of the judged items."""
    ideal = dcg(sorted(judgements.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgements.get(key, 0) for key in ranked[:k]]) / ideal


def precision_at(k: int, ranked: Sequence[str], judgements: Mapping[str, int]) -> float:
    """Share of the first k places holding a relevant item (an empty place counts as a miss)."""
    return sum(judgements.get(key, 0) >= RELEVANT for key in ranked[:k]) / k


def recall_at(k: int, ranked: Sequence[str], judgements: Mapping[str, int]) -> float:
    relevant = {key for key, grade in judgements.items() if grade >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], judgements: Mapping[str, int], k: int = 10) -> float:
    """1/rank of the first relevant item in the first k, else 0 (averaged, this is MRR@k)."""
    for rank, key in enumerate(ranked[:k], start=1):
        if judgements.get(key, 0) >= RELEVANT:
            return 1 / rank
    return 0.0
