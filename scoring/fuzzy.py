"""Typo matching for suggestions ("did you mean ...?"): RapidFuzz's normalised Indel similarity,
the measure difflib's `get_close_matches` approximates, computed in C instead of in Python."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process


def close_matches(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `n` of `choices` at least `cutoff` (0..1) similar to `word`, the most similar first."""
    found = process.extract(word, list(choices), scorer=fuzz.ratio, limit=n, score_cutoff=cutoff * 100)
    return [choice for choice, _score, _index in found]
