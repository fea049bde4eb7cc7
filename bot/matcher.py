"""Finding a vocabulary's phrases in a Document: which tag, which phrase, which section, how often.

A vocabulary is compiled once into an index from token tuples to (tag, role). A document is
scanned section kind by section kind: its 1..N-grams are counted (in C, via Counter) and the
index keys they share are the hits. Names not spelled exactly right (typos) are caught by
rapidfuzz against the words of the top sections.
"""

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.lexicon import Lexicon
from bot.readme import Document
from bot.text import phrase_key, phrase_variants, tokens
from bot.vocabulary import Tag, Vocabulary

ROLES = ("alias", "kind", "hint")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
MAX_PHRASE_TOKENS = 5
FUZZY_SECTIONS = ("title", "description", "lead", "heading")
FUZZY_MIN_LENGTH = 7
FUZZY_CUTOFF = 90.0


@dataclass(frozen=True)
class Match:
    tag: int  # index into the vocabulary's tags
    role: str
    phrase: str
    section: str
    count: int
    fuzzy: bool = False


def _key(variant: tuple[str, ...]):
    return variant[0] if len(variant) == 1 else variant


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    size = len(inner)
    return any(outer[i:i + size] == inner for i in range(len(outer) - size + 1))


class CompiledVocabulary:
    """A vocabulary with its lexicon knowledge, ready to scan documents."""

    def __init__(self, vocabulary: Vocabulary, lexicon: Lexicon):
        self.vocabulary = vocabulary
        self.tags: tuple[Tag, ...] = vocabulary.tags
        self.thresholds: list[float | None] = []
        # key -> {tag index: (role, phrase text)}
        self.index: dict[object, dict[int, tuple[str, str]]] = {}
        # exclusion key -> [(tag index, key it hides)]
        self.exclusions: dict[object, list[tuple[int, object]]] = {}
        self.fuzzy_targets: dict[str, list[int]] = {}
        self.max_tokens = 1
        for number, tag in enumerate(self.tags):
            self._add_tag(number, tag, lexicon.get(tag.name) if lexicon else None)
        self.keys = frozenset(self.index)
        self.exclusion_keys = frozenset(self.exclusions)
        self.fuzzy_words = list(self.fuzzy_targets)

    def _add_phrase(self, number: int, phrase: str, role: str) -> list:
        keys = []
        for variant in phrase_variants(phrase):
            if len(variant) > MAX_PHRASE_TOKENS:
                continue
            key = _key(variant)
            slot = self.index.setdefault(key, {})
            old = slot.get(number)
            if old is None or ROLE_RANK[role] < ROLE_RANK[old[0]]:
                slot[number] = (role, " ".join(variant))
            self.max_tokens = max(self.max_tokens, len(variant))
            keys.append(variant)
        return keys

    def _add_tag(self, number: int, tag: Tag, entry) -> None:
        aliases = list(tag.aliases) + list(entry.aliases if entry else ())
        hints = list(tag.hints) + list(entry.hints if entry else ())
        kinds = list(tag.kinds) + list(entry.kinds if entry else ())
        exclude = list(tag.exclude) + list(entry.exclude if entry else ())
        weak_name = phrase_key(tag.name) in {phrase_key(h) for h in hints}
        own_forms = [tag.name, tag.key.replace("-", " ")]
        added = []
        for phrase in own_forms:
            added += self._add_phrase(number, phrase, "hint" if weak_name else "alias")
        for role, phrases in (("alias", aliases), ("kind", kinds), ("hint", hints)):
            for phrase in phrases:
                added += self._add_phrase(number, phrase, role)
        for phrase in exclude:
            outer = phrase_key(phrase)
            if not outer or len(outer) > MAX_PHRASE_TOKENS:
                continue
            self.max_tokens = max(self.max_tokens, len(outer))
            for inner in set(added):
                if inner != outer and _contains(outer, inner):
                    self.exclusions.setdefault(_key(outer), []).append((number, _key(inner)))
        threshold = tag.threshold
        if threshold is None and entry is not None and entry.threshold is not None:
            threshold = entry.threshold
        self.thresholds.append(threshold)
        for variant in added:
            if len(variant) == 1 and len(variant[0]) >= FUZZY_MIN_LENGTH and variant[0].isalpha():
                self.fuzzy_targets.setdefault(variant[0], []).append(number)

    def scan(self, document: Document) -> list[Match]:
        """Every phrase hit in the document, per section kind, with counts."""
        by_kind: dict[str, list[str]] = {}
        for section in document.sections:
            words = by_kind.setdefault(section.kind, [])
            if words:
                words.append("\x00")  # no phrase spans two sections
            words.extend(tokens(section.text))
        matches: list[Match] = []
        for kind, words in by_kind.items():
            counts: Counter = Counter(words)
            for size in range(2, self.max_tokens + 1):
                if len(words) >= size:
                    counts.update(zip(*(words[i:] for i in range(size))))
            self._collect(kind, counts, matches)
            if kind in FUZZY_SECTIONS and self.fuzzy_words:
                self._collect_fuzzy(kind, counts, matches)
        return matches

    def _collect(self, kind: str, counts: Counter, matches: list[Match]) -> None:
        hidden: Counter = Counter()
        for key in counts.keys() & self.exclusion_keys:
            for number, inner in self.exclusions[key]:
                hidden[number, inner] += counts[key]
        for key in counts.keys() & self.keys:
            for number, (role, phrase) in self.index[key].items():
                count = counts[key] - hidden.get((number, key), 0)
                if count > 0:
                    matches.append(Match(number, role, phrase, kind, count))

    def _collect_fuzzy(self, kind: str, counts: Counter, matches: list[Match]) -> None:
        for word, count in counts.items():
            if type(word) is not str or len(word) < FUZZY_MIN_LENGTH - 1 or word in self.keys:
                continue
            found = process.extractOne(word, self.fuzzy_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if found is None or found[0][0] != word[0]:
                continue
            for number in self.fuzzy_targets[found[0]]:
                role, _ = self.index[found[0]][number]
                matches.append(Match(number, role, word, kind, count, fuzzy=True))
