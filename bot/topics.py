"""Planning a repository's topics: which to add, keep and remove. Pure: no I/O.

GitHub's rules (docs "Classifying your repository with topics"): a topic is lowercase letters,
digits and hyphens, starts with a letter or digit, is at most 50 characters, and a repository
has at most 20. PUT /repos/{owner}/{repo}/topics replaces the whole set, so the plan always
carries the complete set to send: the owner's topics plus the ones added.

Rules the plan keeps, whatever the input:
- add-only by default: every existing topic is in `after`;
- with sync, only topics that belong to the vocabulary and were not chosen are removed;
- an existing topic is never dropped to make room: chosen topics that do not fit are reported.
"""

import re
from dataclasses import dataclass

MAX_TOPICS = 20
TOPIC_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


def to_topic(name: str) -> str | None:
    """The topic for a tag name ("Machine Learning" -> "machine-learning"), or None if it cannot be one."""
    candidate = "-".join(name.strip().lower().split())
    return candidate if TOPIC_PATTERN.match(candidate) else None


@dataclass(frozen=True)
class Plan:
    before: tuple[str, ...]
    after: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    invalid: tuple[str, ...] = ()   # chosen tag names that cannot become topics (not sent)
    no_room: tuple[str, ...] = ()   # chosen topics left out because the repository would pass 20

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def describe(self) -> str:
        """A one-line before/after difference for people."""
        parts = [f"+{topic}" for topic in self.added] + [f"-{topic}" for topic in self.removed]
        change = " ".join(parts) if parts else "no change"
        return f"topics {change}: [{', '.join(self.before)}] -> [{', '.join(self.after)}]"


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def plan(existing, chosen_names, vocabulary_names=(), sync: bool = False) -> Plan:
    """The topic set to send, given the repository's topics and the chosen tag names (best first).

    existing: the repository's topics as just read; chosen_names: tag names, best first;
    vocabulary_names: every tag name of the vocabulary (only used with sync).
    """
    before = _unique(topic.strip().lower() for topic in existing if topic.strip())
    invalid = [name for name in chosen_names if to_topic(name) is None]
    wanted = _unique(topic for topic in map(to_topic, chosen_names) if topic is not None)
    ours = {topic for topic in map(to_topic, vocabulary_names) if topic is not None} if sync else set()
    removed = [topic for topic in before if topic in ours and topic not in wanted]
    kept = [topic for topic in before if topic not in removed]
    candidates = [topic for topic in wanted if topic not in kept]
    room = max(0, MAX_TOPICS - len(kept))
    added, no_room = candidates[:room], candidates[room:]
    return Plan(tuple(before), tuple(kept + added), tuple(added), tuple(removed), tuple(invalid), tuple(no_room))
