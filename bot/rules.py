"""Reading rules files (YAML): the default vocabulary, the lexicon, a user's vocabulary.

Every file has the same shape (rules/schema.json describes it for editors):

    version: 1
    threshold: 2.5                 # optional: minimum score for any tag of this file
    tags:
      - name: serverless
        id: 86                     # vocabulary files; the lexicon has none
        also: [faas]               # other tag names this entry applies to
        aliases: [serverless computing, function as a service]
        hints: [lambda functions]  # weaker evidence
        kinds: [serverless platform]   # says what the project is; strong near the top
        exclude: [serverless framework plugin]  # phrases in which a match does not count
        code: [imports]            # code samples that import it (imports) or run it (commands)
        threshold: 3.0

Errors name the file and the line of the offending value.
"""

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from bot.errors import ConfigError

MAX_RULES_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50
PHRASE_FIELDS = ("aliases", "hints", "kinds", "exclude", "also", "code")
ENTRY_FIELDS = {"name", "id", "threshold", *PHRASE_FIELDS}
CODE_SIGNALS = ("imports", "commands")
TOP_FIELDS = {"version", "threshold", "tags"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RuleEntry:
    name: str
    id: int | str | None
    aliases: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    threshold: float | None = None
    line: int = 0


@dataclass(frozen=True)
class RulesFile:
    source: str
    entries: tuple[RuleEntry, ...]
    threshold: float | None = None


def _field_list(fields) -> str:
    """Field names for a one-line message: as written, or repr() when not printable."""
    return ", ".join(sorted(str(f) if str(f).isprintable() else repr(f) for f in fields))

def _plain(node: yaml.Node, source: str, budget: list):
    """YAML node -> (python value, line). Counts nodes so alias bombs stop early."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError(f"{source}: the document is too large or nests aliases too deeply",
                          "keep rules files under 200,000 values")
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key, _ = _plain(key_node, source, budget)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise ConfigError(f"{source}:{key_node.start_mark.line + 1}: a mapping key must be a plain value")
            if key in out:
                raise ConfigError(f"{source}:{key_node.start_mark.line + 1}: duplicate key {key!r}")
            out[key] = _plain(value_node, source, budget)
        return out, line
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, source, budget) for item in node.value], line
    constructor = budget[1]
    value = constructor.construct_object(node)
    constructor.constructed_objects.clear()
    return value, line


def _check_depth(text: str, source: str) -> None:
    """Refuse deep nesting before composing: libyaml's composer recurses in C and crashes the
    interpreter (a segmentation fault) on some 100,000 levels. Its event parser does not."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ConfigError(f"{source}:{event.start_mark.line + 1}: values nest more than {MAX_DEPTH} "
                                      "levels deep", "keep it flat: tags, then each tag, its fields and their phrases")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # composing stops at the same place and reports it with its line


def _compose(text: str, source: str) -> yaml.Node | None:
    _check_depth(text, source)
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{source}{where}: not valid YAML ({problem})") from None


def _strings(value, line, source, field, entry_name) -> tuple[str, ...]:
    raw, raw_line = value
    if isinstance(raw, str):
        raw = [(raw, raw_line)]
    if not isinstance(raw, list):
        raise ConfigError(f"{source}:{raw_line}: tag {entry_name!r}: '{field}' must be a list of phrases")
    out = []
    for item, item_line in raw:
        if not isinstance(item, (str, int, float)) or isinstance(item, bool) or not str(item).strip():
            raise ConfigError(f"{source}:{item_line}: tag {entry_name!r}: '{field}' holds {item!r}, "
                              "not a phrase")
        out.append(str(item).strip())
    return tuple(out)


def _number(value, source, what) -> float:
    raw, line = value
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw < math.inf:
        raise ConfigError(f"{source}:{line}: {what} must be a number >= 0, not {raw!r}")
    return float(raw)


def _entry(item, source: str) -> RuleEntry:
    raw, line = item
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}:{line}: each tag must be a mapping with at least 'name'")
    unknown = set(raw) - ENTRY_FIELDS
    name_value = raw.get("name")
    if name_value is None:
        raise ConfigError(f"{source}:{line}: a tag has no 'name'")
    name, name_line = name_value
    if not isinstance(name, (str, int)) or isinstance(name, bool) or not str(name).strip():
        raise ConfigError(f"{source}:{name_line}: a tag 'name' must be a non-empty string, not {name!r}")
    name = str(name).strip()
    if unknown:
        raise ConfigError(f"{source}:{line}: tag {name!r}: unknown field(s) {_field_list(unknown)}",
                          f"use only {', '.join(sorted(ENTRY_FIELDS))}")
    tag_id = None
    if "id" in raw:
        tag_id, id_line = raw["id"]
        if isinstance(tag_id, bool) or not isinstance(tag_id, (str, int)) or str(tag_id).strip() == "":
            raise ConfigError(f"{source}:{id_line}: tag {name!r}: 'id' must be a string or an integer")
    phrases = {field: _strings(raw[field], line, source, field, name) for field in PHRASE_FIELDS if field in raw}
    for signal in phrases.get("code", ()):
        if signal not in CODE_SIGNALS:
            raise ConfigError(f"{source}:{raw['code'][1]}: tag {name!r}: unknown code signal {signal!r}",
                              f"use {' or '.join(CODE_SIGNALS)}")
    threshold = _number(raw["threshold"], source, f"tag {name!r}: 'threshold'") if "threshold" in raw else None
    return RuleEntry(name=name, id=tag_id, threshold=threshold, line=line, **phrases)


def parse_rules(text: str, source: str) -> RulesFile:
    if len(text) > MAX_RULES_BYTES:
        raise ConfigError(f"{source}: rules file is larger than {MAX_RULES_BYTES:,} bytes")
    node = _compose(text, source)
    if node is None:
        raise ConfigError(f"{source}: the file is empty", "add a 'tags:' list")
    try:
        data, line = _plain(node, source, [MAX_NODES, yaml.constructor.SafeConstructor()])
    except RecursionError:  # an alias inside itself: &a [*a]
        raise ConfigError(f"{source}: a value contains itself through an alias",
                          "write each list out instead of referring to it inside itself") from None
    except (yaml.YAMLError, ValueError) as exc:  # a merge key '<<', or a number of over 4,300 digits
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ConfigError(f"{source}{where}: unsupported YAML ({problem})",
                          "write plain strings, numbers and lists") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:{line}: expected a mapping with 'version' and 'tags'")
    unknown = set(data) - TOP_FIELDS
    if unknown:
        raise ConfigError(f"{source}:{line}: unknown top-level field(s) {_field_list(unknown)}",
                          "use only version, threshold and tags")
    if "version" in data and (data["version"][0] != 1 or isinstance(data["version"][0], bool)):
        raise ConfigError(f"{source}:{data['version'][1]}: unsupported version {data['version'][0]!r}",
                          "set 'version: 1'")
    if "tags" not in data:
        raise ConfigError(f"{source}:{line}: no 'tags' list")
    tags, tags_line = data["tags"]
    if not isinstance(tags, list):
        raise ConfigError(f"{source}:{tags_line}: 'tags' must be a list")
    threshold = _number(data["threshold"], source, "'threshold'") if "threshold" in data else None
    return RulesFile(source, tuple(_entry(item, source) for item in tags), threshold)


def load_rules_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_RULES_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    if len(raw) > MAX_RULES_BYTES:
        raise ConfigError(f"{path}: the file is larger than {MAX_RULES_BYTES:,} bytes")
    return raw.decode("utf-8-sig", errors="replace")


def rules_root():
    """The shipped rules/ folder: package data when installed, the checkout's rules/ otherwise
    (a source checkout on sys.path shadows the installed package, and has no bot/rules)."""
    try:
        return resources.files("bot._rules")
    except (ModuleNotFoundError, TypeError):
        return Path(__file__).resolve().parent.parent / "rules"


def packaged(name: str) -> tuple[str, str]:
    """(text, display name) of a file shipped in rules/."""
    return rules_root().joinpath(name).read_text(encoding="utf-8"), f"rules/{name}"
