"""Scores -> at most k tags, or none when the evidence is weak. Deterministic.

A tag is chosen when its score reaches its threshold (the tag's own, else the vocabulary's,
else MIN_SCORE) and a share of the best tag's score (RELATIVE_TO_BEST): a wrong topic on a
real repository costs more than a missing one.
"""

from bot.scoring import TagScore

MIN_SCORE = 3.0
RELATIVE_TO_BEST = 0.3


def choose(scores: dict[int, TagScore], thresholds: list, max_tags: int,
           default_threshold: float | None = None, names: tuple = ()) -> list[TagScore]:
    if max_tags <= 0 or not scores:
        return []
    ranked = sorted(scores.values(), key=lambda s: (-s.score, names[s.tag] if names else s.tag))
    best = ranked[0].score
    floor = MIN_SCORE if default_threshold is None else default_threshold
    chosen = []
    for candidate in ranked:
        own = thresholds[candidate.tag]
        if candidate.score < (floor if own is None else own) or candidate.score < RELATIVE_TO_BEST * best:
            continue
        chosen.append(candidate)
        if len(chosen) == max_tags:
            break
    return chosen
