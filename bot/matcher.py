"""Finding a vocabulary's phrases in a Document: which tag, which phrase, which section, how often.

A vocabulary is compiled once into an index from token tuples to (tag, role). A document is
scanned section kind by section kind: its 1..N-grams are counted (in C, via Counter) and the
index keys they share are the hits. Names not spelled exactly right (typos) are caught by
rapidfuzz (Levenshtein distance 1, or 2 from ten letters on) between the tag names and the rare
words of the top sections.
"""

import re
from collections import Counter
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot import background
from bot.lexicon import Lexicon
from bot.readme import Document
from bot.text import phrase_key, phrase_variants, tokens
from bot.vocabulary import Tag, Vocabulary

ROLES = ("alias", "kind", "hint", "code")
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
MAX_PHRASE_TOKENS = 5
FUZZY_SECTIONS = ("title", "description", "first", "lead", "heading")
FUZZY_MIN_LENGTH = 7
MIN_SPECIFICITY = 0.25
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


class Match(NamedTuple):
    tag: int  # index into the vocabulary's tags
    role: str
    phrase: str
    section: str
    count: int
    specificity: float = 1.0
    fuzzy: bool = False


def specificity(variant: tuple[str, ...]) -> float:
    """1 for a phrase few READMEs use, down to MIN_SPECIFICITY for words most use ("api").
    Word pairs the background table knows ("open source") have their own share; other phrases
    are taken as rare as their words together would be."""
    common = background.share(" ".join(variant)) if len(variant) == 2 else 0.0
    if not common:
        common = 1.0
        for word in variant:
            common *= background.share(word)
    return max(MIN_SPECIFICITY, 1.0 - common)


_INFLECTIONS = ("s", "es", "d", "ed", "ing", "r", "er", "ers", "ly", "al")


def _inflected(word: str, name: str) -> bool:
    """'packaged' is 'package' inflected, not misspelt: another word, not a typo."""
    return word.startswith(name) and word[len(name):] in _INFLECTIONS


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
        # phrases in Chinese or Japanese script, which has no spaces: found by substring count
        self.cjk_phrases: list[tuple[str, int, str]] = []
        self.code_signals: dict[str, list[int]] = {}  # "imports" -> tags it speaks for
        for number, tag in enumerate(self.tags):
            self._add_tag(number, tag, lexicon.get(tag.name) if lexicon else None)
        self.unigram_keys = frozenset(key for key in self.index if type(key) is str)
        self.exclusion_keys = frozenset(self.exclusions)
        # first word -> second word -> phrase lengths: n-grams are built only where a phrase starts
        self.continuations: dict[str, dict[str, tuple[int, ...]]] = {}
        for key in list(self.index) + list(self.exclusions):
            if type(key) is tuple:
                nexts = self.continuations.setdefault(key[0], {})
                nexts[key[1]] = tuple(sorted(set(nexts.get(key[1], ())) | {len(key)}))
        self.known_words = background.known_words()
        self.fuzzy_tags = self.fuzzy_targets
        self.fuzzy_targets: dict[str, list[str]] = {}
        for word in self.fuzzy_tags:
            self.fuzzy_targets.setdefault(word[0], []).append(word)

    def _add_phrase(self, number: int, phrase: str, role: str) -> list:
        if _CJK.search(phrase):
            self.cjk_phrases.append((phrase.strip(), number, role))
            return []
        keys = []
        for variant in phrase_variants(phrase):
            if len(variant) > MAX_PHRASE_TOKENS:
                continue
            key = _key(variant)
            slot = self.index.setdefault(key, {})
            old = slot.get(number)
            if old is None or ROLE_RANK[role] < ROLE_RANK[old[0]]:
                slot[number] = (role, " ".join(variant), specificity(variant))
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
        names = set(added)
        for role, phrases in (("alias", aliases), ("kind", kinds), ("hint", hints)):
            for phrase in phrases:
                added += self._add_phrase(number, phrase, role)
        for phrase in exclude:
            outer = phrase_key(phrase)
            if not outer or len(outer) > MAX_PHRASE_TOKENS:
                continue
            for inner in set(added):
                if inner != outer and _contains(outer, inner):
                    self.exclusions.setdefault(_key(outer), []).append((number, _key(inner)))
        for signal in set(tag.code) | set(entry.code if entry else ()):
            self.code_signals.setdefault(signal, []).append(number)
        threshold = tag.threshold
        if threshold is None and entry is not None and entry.threshold is not None:
            threshold = entry.threshold
        self.thresholds.append(threshold)
        for variant in names:  # typos are forgiven in the tag's own name only
            if len(variant) == 1 and len(variant[0]) >= FUZZY_MIN_LENGTH and variant[0].isalpha():
                self.fuzzy_targets.setdefault(variant[0], []).append(number)

    def scan(self, document: Document) -> list[Match]:
        """Every phrase hit in the document, per section kind, with counts."""
        by_kind: dict[str, list[str]] = {}
        matches: list[Match] = []
        for section in document.sections:
            by_kind.setdefault(section.kind, []).append(section.text)
            if self.cjk_phrases and _CJK.search(section.text):
                self._collect_cjk(section, matches)
        for kind, texts in by_kind.items():
            words = tokens("\n".join(texts))
            unigrams: Counter = Counter(words)
            ngrams = self._ngrams(words)
            hidden = self._hidden(unigrams, ngrams)
            self._collect(kind, unigrams, self.unigram_keys.intersection(unigrams), hidden, matches)
            if ngrams:
                self._collect(kind, ngrams, ngrams.keys(), hidden, matches)
            if kind in FUZZY_SECTIONS and self.fuzzy_targets:
                self._collect_fuzzy(kind, unigrams, matches)
        for signal, count in document.code:
            for number in self.code_signals.get(signal, ()):
                matches.append(Match(number, "code", f"code that {signal[:-1]}s it", "code", count))
        return matches

    def _ngrams(self, words: list[str]) -> Counter:
        """Counts of the 2..N-word runs that start like a known phrase and are one."""
        counts: Counter = Counter()
        continuations, index, exclusions = self.continuations, self.index, self.exclusions
        last = len(words) - 1
        for position in [p for p, word in enumerate(words) if word in continuations]:
            if position == last:
                break
            for size in continuations[words[position]].get(words[position + 1], ()):
                run = tuple(words[position:position + size])
                if run in index or run in exclusions:
                    counts[run] += 1
        return counts

    def _hidden(self, unigrams: Counter, ngrams: Counter) -> Counter:
        """(tag, phrase) -> how many of the phrase's hits sit inside an excluded phrase."""
        hidden: Counter = Counter()
        if not self.exclusion_keys:
            return hidden
        for counts in (unigrams, ngrams):
            for key in self.exclusion_keys.intersection(counts):
                for number, inner in self.exclusions[key]:
                    hidden[number, inner] += counts[key]
        return hidden

    def _collect(self, kind: str, counts: Counter, keys, hidden: Counter, matches: list[Match]) -> None:
        index, add = self.index, matches.append
        for key in keys:
            slot = index.get(key)
            if slot is None:
                continue
            total = counts[key]
            for number, (role, phrase, weight) in slot.items():
                count = total - hidden[number, key] if hidden else total
                if count > 0:
                    add(Match(number, role, phrase, kind, count, weight))

    def _collect_cjk(self, section, matches: list[Match]) -> None:
        for phrase, number, role in self.cjk_phrases:
            count = section.text.count(phrase)
            if count:
                matches.append(Match(number, role, phrase, section.kind, count))

    def _collect_fuzzy(self, kind: str, unigrams: Counter, matches: list[Match]) -> None:
        targets = self.fuzzy_targets
        for word, count in unigrams.items():
            if (len(word) < FUZZY_MIN_LENGTH - 1 or word in self.index or word[0] not in targets
                    or word in self.known_words):
                continue
            found = process.extractOne(word, targets[word[0]], scorer=Levenshtein.distance,
                                       score_cutoff=1 if len(word) < 10 else 2)
            if found is None or _inflected(word, found[0]):
                continue
            for number in self.fuzzy_tags[found[0]]:
                role, _, weight = self.index[found[0]][number]
                matches.append(Match(number, role, word, kind, count, weight, fuzzy=True))
