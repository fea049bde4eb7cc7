"""Scores -> at most k tags, or none when the evidence is weak. Deterministic.

A tag with a threshold of its own (from the lexicon or the user's rules) is chosen when its
score reaches it. Any other tag must reach the vocabulary's threshold (else MIN_SCORE) and a
share of the best tag's score (RELATIVE_TO_BEST), unless a kind phrase at the top of the README
states it ("X is a command-line tool"): a wrong topic on a real repository costs more than a
missing one, but what the project says it is outweighs how often it names its subject.
"""

from bot.scoring import TagScore

MIN_SCORE = 4.0
RELATIVE_TO_BEST = 0.3


def rank(scores: dict[int, TagScore], tags: tuple = ()) -> list[TagScore]:
    """Best first; ties by (normalized) name, then by place in the vocabulary."""
    return sorted(scores.values(), key=lambda s: (-s.score, tags[s.tag].key if tags else "", s.tag))


def choose(scores: dict[int, TagScore], thresholds: list, max_tags: int,
           default_threshold: float | None = None, tags: tuple = ()) -> list[TagScore]:
    """TAGS (the vocabulary's) give names for ties and keys: of names that differ only in case or
    separators ("machine-learning", "Machine_Learning"), which score alike, one is chosen."""
    if max_tags <= 0 or not scores:
        return []
    ranked = rank(scores, tags)
    best = ranked[0].score
    floor = MIN_SCORE if default_threshold is None else default_threshold
    chosen = []
    keys = set()
    for candidate in ranked:
        key = tags[candidate.tag].key if tags else candidate.tag
        if key in keys:
            continue
        own = thresholds[candidate.tag]
        if own is not None:
            if candidate.score < own:
                continue
        elif candidate.score < floor or (candidate.score < RELATIVE_TO_BEST * best and not candidate.stated):
            continue
        chosen.append(candidate)
        keys.add(key)
        if len(chosen) == max_tags:
            break
    return chosen
