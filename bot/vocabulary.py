"""Reading a tag vocabulary: the user's JSON list of {"id", "name"}, or a rules YAML file.

Ids come back exactly as given (int or str); names are trimmed ("game-engine " -> "game-engine").
Duplicate ids, duplicate names (after trimming and case folding) and empty names are errors that
name the entry and its line.
"""

import json
import os
from dataclasses import dataclass
from functools import cached_property

from bot.errors import ConfigError
from bot.rules import RuleEntry, RulesFile, load_rules_text, packaged, parse_rules
from bot.text import normalize_name

MAX_TAGS = 50_000  # about what fits in the 2 MB a rules or vocabulary file may have
DEFAULT_VOCABULARY = "vocabulary.yaml"


@dataclass(frozen=True)
class Tag:
    id: int | str
    name: str
    key: str
    aliases: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    threshold: float | None = None

    def as_object(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Vocabulary:
    source: str
    tags: tuple[Tag, ...]
    threshold: float | None = None

    @cached_property
    def by_name(self) -> dict:
        """Tags by their name, lower-cased."""
        return {tag.name.lower(): tag for tag in self.tags}

    def __len__(self) -> int:
        return len(self.tags)


def _json_entries(text: str, source: str):
    """(entry, line) for each element of a top-level JSON array, with the line it starts on."""
    try:
        data = json.loads(text)  # the whole file must be valid JSON: no missing commas, nothing after ']'
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise ConfigError(f"{source}:1: expected a JSON list of {{\"id\", \"name\"}} objects")
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    line, counted = 1, 0
    while True:
        while text[index] in " \t\r\n,":
            index += 1
        if text[index] == "]":
            return
        line += text.count("\n", counted, index)  # counted as we go: linear in the file
        counted = index
        entry, index = decoder.raw_decode(text, index)
        yield entry, line


def _tag_from_json(entry, line: int, number: int, source: str) -> Tag:
    where = f"{source}:{line}: entry {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected an object like {{\"id\": 1, \"name\": \"cli\"}}, got {type(entry).__name__}")
    if "name" not in entry:
        raise ConfigError(f"{where}: missing \"name\"")
    if "id" not in entry:
        raise ConfigError(f"{where}: missing \"id\"", 'give every entry an "id" (a number or a string)')
    tag_id, name = entry["id"], entry["name"]
    if isinstance(tag_id, bool) or not isinstance(tag_id, (int, str)) or str(tag_id).strip() == "":
        raise ConfigError(f"{where}: \"id\" must be a number or a non-empty string, not {tag_id!r}")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} (id {tag_id!r}): \"name\" must be a non-empty string, not {name!r}")
    if not normalize_name(name):
        raise ConfigError(f"{where} (id {tag_id!r}): name {name!r} has no letters or digits")
    try:
        f"{tag_id}{name}".encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800") could never be written out
        raise ConfigError(f"{where} (id {tag_id!r}): not valid Unicode in the id or the name") from None
    return Tag(id=tag_id, name=name.strip(), key=normalize_name(name))


def _tag_from_rule(entry: RuleEntry, source: str) -> Tag:
    if not normalize_name(entry.name):
        raise ConfigError(f"{source}:{entry.line}: name {entry.name!r} has no letters or digits")
    return Tag(
        id=entry.id if entry.id is not None else entry.name,
        name=entry.name,
        key=normalize_name(entry.name),
        aliases=entry.aliases + entry.also,
        hints=entry.hints,
        kinds=entry.kinds,
        exclude=entry.exclude,
        code=entry.code,
        threshold=entry.threshold,
    )


def _shown(name: str) -> str:
    """A name as written, and its code points when it is not plain ASCII (look-alikes: 'K' and 'K')."""
    return repr(name) if name.isascii() else f"{name!r} ({ascii(name)})"


def _check_unique(tags: list[tuple[Tag, int]], source: str) -> None:
    """Ids (as text) and names (trimmed, case-folded) must be unique. Names that differ only in
    separators ("machine-learning", "machine_learning") may both stay: the chooser picks one."""
    seen_ids: dict = {}
    seen_names: dict = {}
    for number, (tag, line) in enumerate(tags, start=1):
        id_key = str(tag.id).strip()
        if id_key in seen_ids:
            first, first_line = seen_ids[id_key]
            raise ConfigError(f"{source}:{line}: entry {number}: duplicate id {tag.id!r} "
                              f"(also entry {first}, line {first_line})", "give every tag its own id")
        seen_ids[id_key] = (number, line)
        name_key = tag.name.lower()
        if name_key in seen_names:
            first, first_line = seen_names[name_key]
            raise ConfigError(f"{source}:{line}: entry {number}: duplicate name {_shown(tag.name)} "
                              f"(also entry {first}, line {first_line})", "list each tag name once")
        seen_names[name_key] = (number, line)
    if len(tags) > MAX_TAGS:
        raise ConfigError(f"{source}: {len(tags):,} tags is more than the {MAX_TAGS:,} supported")


def vocabulary_from_json(text: str, source: str) -> Vocabulary:
    try:
        tags = [(_tag_from_json(entry, line, number, source), line)
                for number, (entry, line) in enumerate(_json_entries(text, source), start=1)]
    except (RecursionError, ValueError):  # 100,000 opening brackets, or a number of over 4,300 digits
        raise ConfigError(f"{source}: the JSON nests too deeply or holds a number too long to read",
                          'write a list of {"id": 1, "name": "cli"} objects') from None
    if not tags:
        raise ConfigError(f"{source}: the vocabulary is empty", "list at least one {\"id\", \"name\"} entry")
    _check_unique(tags, source)
    return Vocabulary(source, tuple(tag for tag, _ in tags))


def vocabulary_from_rules(rules: RulesFile) -> Vocabulary:
    tags = [(_tag_from_rule(entry, rules.source), entry.line) for entry in rules.entries]
    if not tags:
        raise ConfigError(f"{rules.source}: the vocabulary has no tags")
    _check_unique(tags, rules.source)
    return Vocabulary(rules.source, tuple(tag for tag, _ in tags), rules.threshold)


def load_vocabulary(path: str | None = None) -> Vocabulary:
    """The vocabulary at PATH (.json, or .yaml/.yml rules), or the shipped default when None."""
    if path is None:
        text, source = packaged(DEFAULT_VOCABULARY)
        return vocabulary_from_rules(parse_rules(text, source))
    if os.path.isdir(path):
        raise ConfigError(f"{path}: is a folder, not a vocabulary file", "pass a .json or .yaml file")
    text = load_rules_text(path)
    if path.lower().endswith((".yaml", ".yml")):
        return vocabulary_from_rules(parse_rules(text, path))
    if text.lstrip().startswith(("[", "{")) or path.lower().endswith(".json"):
        return vocabulary_from_json(text, path)
    return vocabulary_from_rules(parse_rules(text, path))
