"""Pairwise precision and recall of a clustering against a known truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, object]) -> PairwiseScores:
    """Pairs of records put together by `predicted` (record -> person) against
    those that belong together in `truth` (record -> true person)."""
    missing = set(truth) - set(predicted)
    if missing:
        raise ValueError(f"{len(missing)} records have no predicted person")
    true_sizes = Counter(truth.values())
    predicted_sizes = Counter(predicted[r] for r in truth)
    both = Counter((predicted[r], truth[r]) for r in truth)
    return PairwiseScores(
        true_pairs=_pairs(true_sizes), predicted_pairs=_pairs(predicted_sizes), correct_pairs=_pairs(both)
    )
