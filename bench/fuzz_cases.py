"""Seeded random inputs for the reliability report, one generator per target, and the check of
one case: it must succeed, or fail with the project's own error in one line. Plain `random`,
no hypothesis: the same seed gives the same cases on every machine.

Targets: README engine (Tagger.tag), JSON vocabularies (vocabulary_from_json, then a Tagger),
batch lines (bot.batch.tag_line), rules YAML (parse_rules, then a vocabulary).
"""

import json
import random

from bot import batch
from bot.engine import Tagger
from bot.errors import ConfigError
from bot.rules import parse_rules
from bot.vocabulary import vocabulary_from_json, vocabulary_from_rules

WORDS = ["a", "command-line", "tool", "library", "for", "key-value", "database", "serverless", "game", "engine",
         "kubernetes", "rust", "python", "web", "framework", "api", "json", "cli", "machine", "learning", "the"]
MARKUP = ["# ", "## ", "=====\n", "-----\n", "```\n", "~~~", "`", "*", "_", "**", "> ", "- ", "1. ", "| a | b |\n",
          "|---|---|\n", "[", "]", "(", ")", "![", "](", "<", ">", "<!--", "-->", "<h1>", "</h1>", "<script>",
          "</script>", "<a href='", "'>", "http://", "https://x.org/", "www.", "@", "&#", "&amp;", ".. ", "::",
          ":role:`", "`_", "|sub|", ".. |sub| image:: x\n", "\n", "\n\n", "\r\n", "\t", " ", "\x00", "\ufeff",
          "\u200b", "\u202e", "\u0301", "命令行", "ツール", "é", "\ud800"]
LOOK_ALIKES = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "k": "\u212a"}
YAML_PIECES = ["tags:", "version: 1", "threshold:", "- name: ", "  - name: ", "    aliases: [", "]", "{", "}",
               "&a ", "*a", "<<: *a", "!!python/object:os.system ", "!!binary ", "!!set ", "!!str ", "? ", ": ",
               "---", "...", "%YAML 1.1", "~", ".nan", ".inf", "-1", "0x1F", "9" * 5000, "'", '"', "\\u", "\n",
               "  ", "\t", "#", "|", ">", "x", "cli", "id: ", "code: [imports]", "kinds: [a b]", "\ud800"]


class Crash(Exception):
    """A case broke the promise: an unexpected exception, or an error message that is not one line."""


def _one_line(message: str, case: str) -> None:
    if not message.strip() or "\n" in message or "\r" in message:
        raise Crash(f"{case}: error message is not one line: {message[:200]!r}")


def _text(rng: random.Random, size: int) -> str:
    parts = []
    while sum(map(len, parts)) < size:
        roll = rng.random()
        if roll < 0.5:
            parts.append(rng.choice(WORDS) + " ")
        elif roll < 0.9:
            parts.append(rng.choice(MARKUP))
        else:
            parts.append(rng.choice(MARKUP) * rng.randint(2, 200))
    return "".join(parts)


def _json_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice([0, -1, 2 ** 70, 86, rng.randint(-10 ** 6, 10 ** 6)])
    if kind == 3:
        return rng.choice([0.5, -0.0, 1e308, float("nan"), float("inf")])
    if kind in (4, 5):
        return _text(rng, rng.randint(0, 30))
    if kind == 6:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_text(rng, 5): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _dumps(value) -> str:
    return json.dumps(value, allow_nan=True, ensure_ascii=False)


# -- README engine ----------------------------------------------------------------------------------

def readme_case(rng: random.Random) -> bytes | str:
    roll = rng.random()
    if roll < 0.2:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    text = _text(rng, rng.choice([10, 200, 2000, 20000]))
    if roll < 0.6:
        return text.encode("utf-8", errors="surrogatepass")
    return text


def run_readme(tagger: Tagger, case) -> str:
    result = tagger.tag(case)
    if len(result.tags) > 3 or any(tag not in tagger.vocabulary.tags for tag in result.tags):
        raise Crash(f"readme: chose {result.tags!r}")
    return "ok"


# -- vocabularies -----------------------------------------------------------------------------------

def _name(rng: random.Random) -> str:
    name = "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    roll = rng.random()
    if roll < 0.1:
        return "".join(LOOK_ALIKES.get(char, char) for char in name)
    if roll < 0.2:
        return name.upper().replace("-", rng.choice([" ", "_", ""]))
    if roll < 0.25:
        return rng.choice(["", "   ", "C++", "c#", ".net", "\u212a8s", "命令行", "\x00", "a" * 300])
    return name


def vocabulary_case(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return _text(rng, rng.randint(0, 200))
    if roll < 0.2:
        return _dumps(_json_value(rng))
    count = rng.choice([1, 3, 10, 50])
    entries = []
    for number in range(count):
        entry = {"id": number, "name": _name(rng)}
        if rng.random() < 0.1:
            entry[rng.choice(["id", "name"])] = _json_value(rng)
        if rng.random() < 0.05:
            entry = _json_value(rng)
        entries.append(entry)
    text = json.dumps(entries, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.1:
        cut = rng.randrange(len(text) + 1)
        text = text[:cut]
    return text


def run_vocabulary(case: str, build_tagger: bool) -> str:
    try:
        vocabulary = vocabulary_from_json(case, "fuzz.json")
    except ConfigError as exc:
        _one_line(str(exc), "vocabulary")
        return "error"
    if build_tagger:
        Tagger(vocabulary).tag(b"# x\n\nA command-line tool and a key-value database.\n")
    return "ok"


# -- batch lines ----------------------------------------------------------------------------------

def batch_case(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return _text(rng, rng.randint(0, 100))
    if roll < 0.15:
        return rng.choice(["[" * 50_000, '{"id": ' + "9" * 5000 + ', "readme": "x"}', '{"id": NaN, "readme": "x"}',
                           '{"id": "\\ud800", "readme": "a cli"}', '{"id": 1, "readme_path": "/"}',
                           '{"id": 1, "readme_path": "/dev/null"}', "\ufeff{}", "null", "{"])
    item = {}
    if rng.random() < 0.9:
        item["id"] = _json_value(rng) if rng.random() < 0.3 else rng.choice([rng.randint(0, 99), _name(rng)])
    if rng.random() < 0.8:
        item["readme"] = _text(rng, rng.choice([0, 50, 500])) if rng.random() < 0.8 else _json_value(rng)
    elif rng.random() < 0.5:
        item["readme_path"] = rng.choice(["missing.md", ".", "/", "\x00", "", 5, None, "/dev/null"])
    if rng.random() < 0.3:
        item["description"] = _json_value(rng)
    return _dumps(item)


def run_batch_line(case: str) -> str:
    outcome = batch.tag_line(1, case)
    if outcome.error is not None:
        _one_line(outcome.error, "batch line")
        return "error"
    if outcome.line is None:
        return "ok"  # skipped
    try:
        record = json.loads(outcome.line, parse_constant=_refuse)
        outcome.line.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as exc:
        raise Crash(f"batch line: wrote a line that is not UTF-8 JSON ({exc})") from None
    if set(record) != {"id", "tags"}:
        raise Crash(f"batch line: wrote {outcome.line[:200]!r}")
    return "ok"


def _refuse(constant: str):
    raise ValueError(f"{constant} is not JSON")


def init_batch_worker(base_dir: str) -> None:
    batch._init_worker(batch.Settings(base_dir, 3, "object", None))


# -- rules YAML -----------------------------------------------------------------------------------

def rules_case(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return "".join(rng.choice(YAML_PIECES) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 40)))
    if roll < 0.45:
        width, depth = rng.randint(2, 20), rng.randint(2, 12)
        lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
        lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]" for n in range(1, depth + 1)]
        return "\n".join(lines) + f"\ntags: *a{depth}\n"
    if roll < 0.5:
        depth = rng.choice([10, 60, 1000, 100_000])
        return "tags: " + "[" * depth + "]" * depth
    tags, odd = [], rng.random() < 0.5  # half the documents are well formed but for chance
    for number in range(rng.randint(1, 6)):
        tag = {"name": _name(rng) if odd else f"{rng.choice(WORDS)}-{number}"}
        for field in rng.sample(["id", "aliases", "hints", "kinds", "exclude", "also", "threshold"]
                                + (["code", "bad"] if odd else []), rng.randint(0, 4)):
            tag[field] = (_json_value(rng) if odd and rng.random() < 0.4 else rng.choice([1.5, 3]) if
                          field == "threshold" else number if field == "id" else
                          [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(rng.randint(1, 3))])
        tags.append(tag)
    document = {"version": rng.choice([1, 1, 1, 2, "1", None]) if odd else 1, "tags": tags}
    if rng.random() < 0.2:
        document["threshold"] = _json_value(rng)
    text = json.dumps(document, allow_nan=True) if rng.random() < 0.2 else _yaml_dump(document)
    return text


def _yaml_dump(document) -> str:
    import yaml

    try:
        return yaml.safe_dump(document, allow_unicode=True)
    except yaml.YAMLError:  # a value PyYAML cannot write (e.g. a lone surrogate): JSON is YAML too
        return json.dumps(document, allow_nan=True)


def run_rules(case: str, build_tagger: bool) -> str:
    text = case.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # as load_rules_text reads a file
    try:
        vocabulary = vocabulary_from_rules(parse_rules(text, "fuzz.yaml"))
    except ConfigError as exc:
        _one_line(str(exc), "rules")
        return "error"
    if build_tagger:
        Tagger(vocabulary).tag(b"# x\n\nA command-line tool and a key-value database for the web.\n")
    return "ok"

