"""Matches -> a score per tag, with the evidence that earned it.

score(tag) = sum over its matches of
    section weight x role weight x (1 + ln count) x specificity(phrase)

Section weights make the title, the description and the first paragraphs count more than the
long tail; kind phrases ("a command-line tool for") count most near the top, where a README
says what the project IS. Specificity (computed by the matcher from
rules/background.json) lowers words that most READMEs use ("api", "data").
"""

import math
from dataclasses import dataclass, field

from bot.matcher import Match

SECTION_WEIGHTS = {"title": 3.0, "description": 3.0, "first": 3.5, "lead": 2.0, "heading": 1.2, "early": 0.8,
                   "body": 0.35, "code": 1.5, "fence": 0.5}
ROLE_WEIGHTS = {"alias": 1.0, "hint": 0.35, "kind": 0.6, "code": 1.0}
KIND_WEIGHT_AT_TOP = 2.0
TOP_SECTIONS = frozenset({"title", "description", "first", "lead"})
FUZZY_FACTOR = 0.7


@dataclass
class TagScore:
    tag: int
    score: float = 0.0
    matches: list = field(default_factory=list)  # (contribution, Match)
    stated: bool = False  # a kind phrase near the top says the project IS this

    def evidence(self, limit: int = 8) -> list[dict]:
        merged: dict = {}
        for contribution, match in self.matches:
            key = (match.phrase, match.section)
            if key not in merged:
                merged[key] = [0.0, 0]
            merged[key][0] += contribution
            merged[key][1] += match.count
        ranked = sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))
        return [{"phrase": phrase, "section": section, "count": count}
                for (phrase, section), (_, count) in ranked[:limit]]


def contribution(match: Match) -> float:
    role_weight = ROLE_WEIGHTS[match.role]
    if match.role == "kind" and match.section in TOP_SECTIONS:
        role_weight = KIND_WEIGHT_AT_TOP
    value = SECTION_WEIGHTS[match.section] * role_weight * (1.0 + math.log(match.count))
    value *= match.specificity
    if match.fuzzy:
        value *= FUZZY_FACTOR
    return value


def score(matches: list[Match]) -> dict[int, TagScore]:
    scores: dict[int, TagScore] = {}
    for match in matches:
        entry = scores.get(match.tag)
        if entry is None:
            entry = scores[match.tag] = TagScore(match.tag)
        value = contribution(match)
        entry.score += value
        entry.matches.append((value, match))
        if match.role == "kind" and match.section in TOP_SECTIONS:
            entry.stated = True
    return scores
