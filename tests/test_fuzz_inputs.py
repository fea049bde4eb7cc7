"""Fuzzing the inputs a user controls, beyond the README engine's own property tests: batch
JSONL lines (bot.batch.tag_line and the `batch` command), rules YAML (alias bombs, huge and deep
documents, odd scalars and tags), 10,000-tag vocabularies with look-alike names, and 1 MB READMEs
built to make regular expressions backtrack. Each input succeeds or fails with one clear line;
nothing raises anything else, nothing hangs (a generous guard; bench/reliability.py times them)."""

import io
import json
import re
import string
from contextlib import redirect_stderr, redirect_stdout

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import batch
from bot.cli import main
from bot.engine import Tagger
from bot.errors import ConfigError
from bot.rules import parse_rules
from bot.vocabulary import load_vocabulary, vocabulary_from_json
from guards import hang_guard_for
from hostile import BUILDERS

HANG_SECONDS = 60  # a guard against hangs, far above the 1 s the bench holds each input to
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def hang_guard(seconds: float = HANG_SECONDS):
    return hang_guard_for(seconds)


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message and "\r" not in message


# -- batch lines ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    (base / "readme.md").write_text("# kv\n\nA key-value database with a command-line interface.\n")
    (base / "fifo").touch()  # replaced by a FIFO below where the platform has them
    try:
        import os

        (base / "fifo").unlink()
        os.mkfifo(base / "fifo")
    except (AttributeError, OSError):
        pass
    batch._init_worker(batch.Settings(str(base), 3, "object", None))
    return base


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                         st.text(max_size=40))
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4)), max_leaves=12)
PATHS = st.one_of(st.sampled_from(["readme.md", "missing.md", ".", "/", "fifo", "/dev/null", "../", "", "\x00",
                                   "readme.md\x00x", "/proc/self/status"]), st.text(max_size=30))
LINE_OBJECTS = st.fixed_dictionaries({}, optional={"id": JSON_VALUES, "readme": JSON_VALUES,
                                                   "readme_path": st.one_of(PATHS, JSON_VALUES),
                                                   "description": JSON_VALUES, "extra": JSON_VALUES})
HOSTILE_LINE_TEXTS = [
    "[" * 100_000 + "]" * 100_000, '{"id": 1, "readme": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"id": NaN, "readme": "a cli"}', '{"id": -Infinity, "readme": "a cli"}', '{"id": "\\ud800", "readme": "cli"}',
    '{"id": 1, "readme": "\\u0000\\udfff"}', '{"id": 1, "id": 2, "readme": "x"}',
    "\ufeff{\"id\": 1, \"readme\": \"x\"}",
    '{"id": 1e400, "readme": "x"}', '{"id": 1, "readme": "x"} trailing', "null", '"just a string"', "{", "}",
]
HOSTILE_LINES = st.sampled_from(HOSTILE_LINE_TEXTS)


def check_outcome(outcome) -> None:
    assert (outcome.line is not None) + (outcome.error is not None) + outcome.skipped == 1
    if outcome.error is not None:
        assert one_line(outcome.error), outcome.error
    if outcome.line is not None:
        record = json.loads(outcome.line)  # strict JSON: no NaN, encodable as UTF-8
        outcome.line.encode("utf-8")
        assert set(record) == {"id", "tags"} and isinstance(record["tags"], list)


@FUZZ
@given(raw=st.one_of(st.text(max_size=300), LINE_OBJECTS.map(json.dumps), HOSTILE_LINES))
def test_any_batch_line_is_tagged_or_refused_in_one_line(worker, raw):
    with hang_guard():
        check_outcome(batch.tag_line(7, raw))


def test_a_fifo_as_readme_path_is_refused_not_waited_for(worker):
    if not (worker / "fifo").exists():
        pytest.skip("no FIFOs here")
    outcome = batch.tag_line(1, json.dumps({"id": 1, "readme_path": "fifo"}))
    assert outcome.error == "readme_path 'fifo' is not a regular file"


@pytest.mark.parametrize("raw, error", [
    ('{"id": NaN, "readme": "x"}', 'missing "id" (a string or a number)'),
    ('{"id": 1, "readme_path": "a\\u0000b"}', "cannot read readme_path 'a\\x00b' (embedded null byte)"),
    ('{"id": 1, "readme": ' + "[" * 100_000 + "]" * 100_000 + "}", "not valid JSON (nested too deeply)"),
    ('{"id": ' + "9" * 5000 + ', "readme": "x"}', "not valid JSON (a number is too long)"),
    ('{"id": "a\\ud800b", "readme": "A command-line tool."}', '"id" is not valid Unicode (a lone surrogate)'),
], ids=["nan-id", "nul-in-path", "deep-nesting", "5000-digit-id", "lone-surrogate-id"])
def test_lines_that_used_to_crash_or_write_bad_json(worker, raw, error):
    assert batch.tag_line(3, raw).error == error


@settings(max_examples=25, deadline=None)
@given(lines=st.lists(st.one_of(st.text(max_size=80).filter(lambda text: "\n" not in text and "\r" not in text),
                                LINE_OBJECTS.map(json.dumps), HOSTILE_LINES), min_size=1, max_size=12))
def test_the_batch_command_reports_each_bad_line_and_keeps_the_good(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("cli")
    source, target = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    stderr = io.StringIO()
    with hang_guard(), redirect_stderr(stderr):
        code = main(["batch", str(source), "--output", str(target), "--jobs", "1"])
    err = stderr.getvalue()
    written = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    reported = [line for line in err.splitlines() if line.startswith(f"{source}:") and ": warning:" not in line]
    good, bad = map(int, re.fullmatch(r"batch: (\d+) tagged, (\d+) failed", err.splitlines()[-1]).groups())
    assert (good, bad) == (len(written), len(reported)) and code == (1 if bad else 0)
    numbers = [int(line.split(":")[1]) for line in reported]
    assert numbers == sorted(set(numbers)) and all(1 <= number <= len(lines) for number in numbers)


# -- rules YAML ----------------------------------------------------------------------------------

def alias_bomb(width: int, depth: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + f"\ntags: *a{depth}\n"


HOSTILE_YAML = {
    "billion-laughs": alias_bomb(10, 9),
    "wide-bomb": alias_bomb(1000, 3),
    "self-alias": "tags: &a [*a]\n",
    "self-alias-mapping": "tags:\n  - &t {name: x, aliases: *t}\n",
    "deep-flow": "tags: " + "[" * 100_000 + "]" * 100_000,
    "deep-flow-mapping": "tags: " + "{a: " * 20_000 + "x" + "}" * 20_000,
    "deep-block": "tags:\n" + "".join("  " * level + "- \n" for level in range(60)),
    "huge": "tags:\n" + "  - name: x\n" * 200_000,
    "huge-scalar": "tags:\n  - name: " + "x" * 1_999_900 + "\n",
    "python-object": "tags: !!python/object/apply:os.system [echo hi]\n",
    "python-name": "tags:\n  - name: !!python/name:os.system\n",
    "binary": "tags:\n  - name: !!binary aGVsbG8=\n",
    "set": "tags:\n  - name: x\n    aliases: !!set {a, b}\n",
    "omap": "tags: !!omap [a: 1]\n",
    "merge": "base: &b {name: x}\ntags:\n  - <<: *b\n",
    "timestamp-name": "tags:\n  - name: 2001-12-14t21:59:43.10-05:00\n",
    "nan-threshold": "threshold: .nan\ntags:\n  - name: x\n",
    "inf-threshold": "tags:\n  - name: x\n    threshold: .inf\n",
    "complex-key": "tags:\n  - ? [a, b]\n    : 1\n",
    "two-documents": "tags: []\n---\ntags: []\n",
    "directive": "%YAML 9.9\n---\ntags: []\n",
    "unknown-tag": "tags: !custom [x]\n",
    "tabs": "tags:\n\t- name: x\n",
    "bom": "\ufefftags:\n  - name: x\n",
    "nul": "tags:\n  - name: x\x00\n",
    "surrogate-escape": 'tags:\n  - name: "\\ud800"\n',
    "octal-id": "tags:\n  - name: x\n    id: 0o17\n",
    "huge-int-id": "tags:\n  - name: x\n    id: " + "9" * 5000 + "\n",
    "version-true": "version: true\ntags:\n  - name: x\n",
    "null-tags": "tags: ~\n",
    "empty": "",
    "only-comment": "# nothing\n",
}


def parse_one_line(text: str) -> None:
    """parse_rules succeeds, or raises ConfigError whose message is one line."""
    try:
        with hang_guard():
            parse_rules(text, "rules.yaml")
    except ConfigError as exc:
        assert one_line(str(exc)) and str(exc).startswith("rules.yaml"), str(exc)


@pytest.mark.parametrize("name", HOSTILE_YAML)
def test_hostile_rules_yaml_fails_in_one_line(name):
    parse_one_line(HOSTILE_YAML[name])


@pytest.mark.parametrize("name, message", [
    ("deep-flow", "rules.yaml:1: values nest more than 50 levels deep"),
    ("self-alias", "rules.yaml: a value contains itself through an alias"),
    ("merge", "rules.yaml:3: unsupported YAML"),
    ("nan-threshold", "rules.yaml:1: 'threshold' must be a number >= 0, not nan"),
    ("inf-threshold", "rules.yaml:3: tag 'x': 'threshold' must be a number >= 0, not inf"),
    ("billion-laughs", "rules.yaml: the document is too large or nests aliases too deeply"),
])
def test_inputs_that_used_to_crash_say_what_is_wrong(name, message):
    with pytest.raises(ConfigError) as caught:
        parse_rules(HOSTILE_YAML[name], "rules.yaml")
    assert str(caught.value).startswith(message)


YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                         st.binary(max_size=8), st.dates())
YAML_DATA = st.recursive(YAML_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                               st.dictionaries(st.sampled_from(
                                                                   ["tags", "version", "threshold", "name", "id",
                                                                    "aliases", "hints", "kinds", "exclude", "also",
                                                                    "code", "other"]), inner, max_size=5)),
                         max_leaves=20)


@FUZZ
@given(data=YAML_DATA)
def test_any_yaml_document_loads_or_fails_in_one_line(data):
    parse_one_line(yaml.dump(data, allow_unicode=True))


@FUZZ
@given(text=st.lists(st.sampled_from(list(string.printable) + ["&a ", "*a", "!!", "<<: ", "---", "\u00e9", "- ", ": "]),
                    max_size=120).map("".join))
def test_any_text_as_rules_loads_or_fails_in_one_line(text):
    parse_one_line(text)


def test_a_loaded_rules_file_can_tag(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text("version: 1\ntags:\n  - name: 12345\n    aliases: [3.5, key value store]\n    id: 0x0F\n")
    vocabulary = load_vocabulary(str(path))
    assert [(tag.id, tag.name) for tag in vocabulary.tags] == [(15, "12345")]
    assert [tag.name for tag in Tagger(vocabulary).tag(
        b"# kv\n\nA key value store written in C: the fastest key value store.\n").tags] == ["12345"]


# -- 10,000-tag vocabularies ---------------------------------------------------------------------

LOOK_ALIKES = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "x": "\u0445"}


def ten_thousand_names(seed: int = 7) -> list[str]:
    import random

    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "bri", "dra"]
    names = set()
    while len(names) < 10_000:
        name = "-".join("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
                        for _ in range(rng.randint(1, 3)))
        names.add(name)
    return sorted(names)


def test_ten_thousand_tags_load_and_tag(tmp_path):
    names = ten_thousand_names()
    path = tmp_path / "big.json"
    path.write_text(json.dumps([{"id": number, "name": name} for number, name in enumerate(names)], indent=1))
    with hang_guard():
        vocabulary = load_vocabulary(str(path))
        tagger = Tagger(vocabulary)
        readme = f"# {names[42]}\n\nA {names[42]} library, a {names[42]} tool, for {names[4242]}.\n"
        result = tagger.tag(readme.encode())
    assert len(vocabulary) == 10_000
    assert names[42] in [tag.name for tag in result.tags]


@pytest.mark.parametrize("twin", [
    lambda name: name.upper(),        # case
    lambda name: " " + name + "\t",   # white space around it
    lambda name: name.title(),        # case again, word by word
])
def test_a_duplicate_among_ten_thousand_is_named_with_its_line(tmp_path, twin):
    names = ten_thousand_names()
    entries = [{"id": number, "name": name} for number, name in enumerate(names)]
    entries.append({"id": "twin", "name": twin(names[5000])})
    path = tmp_path / "big.json"
    path.write_text(json.dumps(entries, indent=1))
    with pytest.raises(ConfigError) as caught:
        load_vocabulary(str(path))
    message = str(caught.value)
    assert one_line(message) and message.startswith(f"{path}:{2 + 4 * 10_000}: ")
    assert f"line {2 + 4 * 5000}" in message


def test_look_alike_names_are_shown_by_their_code_points(tmp_path):
    latin = "cli"
    cyrillic = "".join(LOOK_ALIKES.get(char, char) for char in "cli")  # 'сli' with a Cyrillic 'с'
    kelvin = "\u212a8s"  # KELVIN SIGN, lower-cases to 'k'
    with pytest.raises(ConfigError) as caught:
        vocabulary_from_json(json.dumps([{"id": 1, "name": "k8s"}, {"id": 2, "name": kelvin}]), "v.json")
    assert "duplicate name '\u212a8s' ('\\u212a8s')" in str(caught.value)
    vocabulary = vocabulary_from_json(json.dumps([{"id": 1, "name": latin}, {"id": 2, "name": cyrillic}]), "v.json")
    chosen = Tagger(vocabulary).tag(b"# t\n\nA command-line tool: a cli for the terminal, cli first.\n").tags
    assert [tag.id for tag in chosen] == [1]  # the Latin name, never its look-alike


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.one_of(JSON_VALUES, st.fixed_dictionaries({"id": JSON_VALUES, "name": JSON_VALUES})),
                        max_size=8))
def test_any_json_vocabulary_loads_or_fails_in_one_line(entries):
    try:
        with hang_guard():
            vocabulary = vocabulary_from_json(json.dumps(entries), "v.json")
            Tagger(vocabulary).tag(b"# x\n\nA command-line tool.\n")
    except ConfigError as exc:
        assert one_line(str(exc)) and str(exc).startswith("v.json"), str(exc)


# -- READMEs built to make regular expressions backtrack ---------------------------------------

@pytest.fixture(scope="module")
def tagger():
    return Tagger()


@pytest.mark.parametrize("name", BUILDERS)
def test_hostile_megabyte_readmes_are_read(tagger, name):
    data = BUILDERS[name](1_000_000)
    with hang_guard():
        result = tagger.tag(data)
    assert len(result.tags) <= 3
    assert all(tag in tagger.vocabulary.tags for tag in result.tags)


# -- what the user sees: one line on stderr, exit 2 ---------------------------------------------

CLI_VOCABULARIES = {
    "deep.json": "[" * 100_000 + "]" * 100_000,
    "huge-number.json": '[{"id": ' + "9" * 5000 + ', "name": "x"}]',
    "look-alike.json": json.dumps([{"id": 1, "name": "k8s"}, {"id": 2, "name": "\u212a8s"}]),
    "same-name.json": json.dumps([{"id": 1, "name": "game-engine"}, {"id": 2, "name": " Game-Engine"}]),
    "bomb.yaml": HOSTILE_YAML["billion-laughs"],
    "self-alias.yaml": HOSTILE_YAML["self-alias"],
    "deep.yaml": HOSTILE_YAML["deep-flow"],
    "merge.yaml": HOSTILE_YAML["merge"],
    "python.yaml": HOSTILE_YAML["python-object"],
    "nan.yaml": HOSTILE_YAML["nan-threshold"],
    "huge.yaml": HOSTILE_YAML["huge"],
}


@pytest.mark.parametrize("name", CLI_VOCABULARIES)
def test_a_broken_vocabulary_is_one_line_and_exit_2(tmp_path, name):
    path, readme = tmp_path / name, tmp_path / "README.md"
    path.write_text(CLI_VOCABULARIES[name], encoding="utf-8")
    readme.write_text("# x\n\nA command-line tool.\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    with hang_guard(), redirect_stderr(stderr), redirect_stdout(stdout):
        code = main(["tag", str(readme), "--vocabulary", str(path)])
    lines = stderr.getvalue().splitlines()
    assert code == 2 and stdout.getvalue() == ""
    assert len(lines) == 1 and lines[0].startswith(f"readme-tagger: error: {path}"), lines


def test_hostile_lines_do_not_stop_a_parallel_batch(tmp_path):
    lines = [json.dumps({"id": "good-1", "readme": "# a\n\nA command-line tool.\n"}), *HOSTILE_LINE_TEXTS[:6],
             json.dumps({"id": "good-2", "readme": "# b\n\nA key-value database.\n"})]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = io.StringIO()
    with hang_guard(), redirect_stderr(stderr):
        code = main(["batch", str(source), "--output", str(target), "--jobs", "2"])
    ids = [json.loads(line)["id"] for line in target.read_text().splitlines()]
    assert code == 1 and ids[0] == "good-1" and ids[-1] == "good-2"
    assert stderr.getvalue().splitlines()[-1] == f"batch: {len(ids)} tagged, {len(lines) - len(ids)} failed"


def test_eval_with_a_hostile_line_is_one_line(tmp_path):
    labels, predictions = tmp_path / "labels.jsonl", tmp_path / "predictions.jsonl"
    labels.write_text('{"id": 1, "tags": ["cli"]}\n' + "[" * 100_000 + "\n")
    predictions.write_text('{"id": 1, "tags": ["cli"]}\n')
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = main(["eval", str(labels), str(predictions)])
    assert code == 2
    assert stderr.getvalue().splitlines() == [f"readme-tagger: error: {labels}:2: not valid JSON here (it nests too "
                                              "deeply, or a number is too long)"]
