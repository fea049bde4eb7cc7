"""Vocabularies (a user's JSON list, or rules YAML) and the rules loader: what comes back, and
errors a user can act on: a ConfigError whose one-line message names file:line."""

import json

import pytest

from bot.engine import Tagger
from bot.errors import ConfigError
from bot.rules import parse_rules
from bot.vocabulary import load_vocabulary, vocabulary_from_json


def config_error(path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_vocabulary(str(path))
    message = str(caught.value)
    assert "\n" not in message, "error messages are one line"
    return message


# --- what comes back ------------------------------------------------------------------------------

def test_ids_come_back_as_given(write_vocabulary):
    path = write_vocabulary([{"id": 7, "name": "cli"}, {"id": "x-8", "name": "lib"}, {"id": "007", "name": "k8s"},
                             {"id": 0, "name": "orm"}])
    vocabulary = load_vocabulary(str(path))
    assert [(tag.id, tag.name) for tag in vocabulary.tags] == [(7, "cli"), ("x-8", "lib"), ("007", "k8s"), (0, "orm")]
    assert [type(tag.id) for tag in vocabulary.tags] == [int, str, str, int]
    assert vocabulary.tags[0].as_object() == {"id": 7, "name": "cli"}


def test_ids_come_back_as_given_in_results(write_vocabulary):
    path = write_vocabulary([{"id": "007", "name": "cli"}, {"id": 8, "name": "lib"}])
    result = Tagger(load_vocabulary(str(path))).tag("# t\n\nA command-line tool for renaming many files at once.\n")
    assert [tag.as_object() for tag in result.tags] == [{"id": "007", "name": "cli"}]


@pytest.mark.parametrize("suffix, text", [
    (".json", '[{"id": 81, "name": "game-engine "}, {"id": 4, "name": "  cli"}]'),
    (".yaml", "version: 1\ntags:\n  - {id: 81, name: 'game-engine '}\n  - {id: 4, name: '  cli'}\n"),
])
def test_names_are_trimmed(write_vocabulary, suffix, text):
    vocabulary = load_vocabulary(str(write_vocabulary(text, suffix=suffix)))
    assert [tag.name for tag in vocabulary.tags] == ["game-engine", "cli"]


def test_default_vocabulary_has_the_90_tags_with_unique_ids_and_names():
    vocabulary = load_vocabulary()
    assert len(vocabulary) == 90
    assert len({tag.id for tag in vocabulary.tags}) == 90
    assert len({tag.name for tag in vocabulary.tags}) == 90
    assert all(isinstance(tag.id, int) for tag in vocabulary.tags)


def test_yaml_rules_keep_their_phrases_and_threshold(write_vocabulary):
    path = write_vocabulary("version: 1\nthreshold: 4\ntags:\n  - name: bread\n    id: b1\n    aliases: [sourdough]\n"
                            "    exclude: [sourdough starter kit]\n    threshold: 2.5\n", suffix=".yaml")
    vocabulary = load_vocabulary(str(path))
    assert vocabulary.threshold == 4.0
    (tag,) = vocabulary.tags
    assert (tag.id, tag.name, tag.aliases, tag.exclude, tag.threshold) == ("b1", "bread", ("sourdough",),
                                                                          ("sourdough starter kit",), 2.5)


def test_yaml_tag_without_id_uses_its_name(write_vocabulary):
    vocabulary = load_vocabulary(str(write_vocabulary("tags:\n  - name: bread\n", suffix=".yml")))
    assert vocabulary.tags[0].id == "bread"


@pytest.mark.parametrize("suffix", [".txt", ""])
def test_format_is_read_from_the_content_when_the_extension_says_nothing(write_vocabulary, suffix):
    json_path = write_vocabulary('[{"id": 1, "name": "cli"}]', suffix=suffix, name=f"json-vocabulary{suffix}")
    yaml_path = write_vocabulary("tags:\n  - {id: 1, name: cli}\n", suffix=suffix, name=f"yaml-vocabulary{suffix}")
    assert load_vocabulary(str(json_path)).tags[0].name == "cli"
    assert load_vocabulary(str(yaml_path)).tags[0].name == "cli"


def test_json_vocabulary_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": 1, "name": "cli"}]).encode())
    assert [tag.name for tag in load_vocabulary(str(path)).tags] == ["cli"]


def test_large_json_vocabulary_loads(write_vocabulary, hang_guard):
    entries = [{"id": number, "name": f"topic-{number}"} for number in range(30_000)]
    with hang_guard(60):
        vocabulary = load_vocabulary(str(write_vocabulary(entries)))
    assert len(vocabulary) == 30_000
    assert vocabulary.tags[-1].name == "topic-29999"


# --- errors: ConfigError naming file:line --------------------------------------------------------

JSON_ERRORS = [
    # id, file text, line named, a word the message must contain
    ("duplicate id", '[\n {"id": 1, "name": "a"},\n {"id": 1, "name": "b"}\n]', 3, "duplicate id"),
    ("duplicate id int and str", '[\n {"id": 1, "name": "a"},\n {"id": "1", "name": "b"}\n]', 3, "duplicate id"),
    ("duplicate name ignoring case and spaces", '[\n {"id": 1, "name": "cli"},\n {"id": 2, "name": "CLI "}\n]',
     3, "duplicate name"),
    ("empty name", '[\n {"id": 1, "name": "a"},\n {"id": 2, "name": "  "}\n]', 3, "name"),
    ("name without letters", '[\n {"id": 1, "name": "!!!"}\n]', 2, "name"),
    ("name is a number", '[\n {"id": 1, "name": 5}\n]', 2, "name"),
    ("id is a float", '[\n {"id": 1.5, "name": "x"}\n]', 2, "id"),
    ("id is a bool", '[\n {"id": true, "name": "x"}\n]', 2, "id"),
    ("id is null", '[\n {"id": null, "name": "x"}\n]', 2, "id"),
    ("id missing", '[\n {"id": 1, "name": "a"},\n\n {"name": "x"}\n]', 4, "id"),
    ("name missing", '[\n {"id": 1}\n]', 2, "name"),
    ("entry is a string", '[\n "cli"\n]', 2, "object"),
    ("not a list", '{"id": 1, "name": "x"}', 1, "list"),
    ("invalid json", '[\n {"id": 1, "name": "a"},\n {"id": 2, "name": }\n]', 3, "JSON"),
    ("list not closed", '[\n {"id": 1, "name": "a"}\n', 3, "JSON"),
    ("missing comma", '[\n {"id": 1, "name": "a"}\n {"id": 2, "name": "b"}\n]', 3, "JSON"),
    ("text after the list", '[{"id": 1, "name": "a"}]\nxx\n', 2, "JSON"),
    ("empty file", "", 1, "JSON"),
    ("lone surrogate in a name", '[\n {"id": 1, "name": "alpha\\ud800beta"}\n]', 2, "Unicode"),
    ("lone surrogate in an id", '[\n {"id": "\\udc00", "name": "alpha"}\n]', 2, "Unicode"),
]


@pytest.mark.parametrize("text, line, word", [case[1:] for case in JSON_ERRORS], ids=[case[0] for case in JSON_ERRORS])
def test_json_vocabulary_errors_name_file_and_line(write_vocabulary, text, line, word):
    path = write_vocabulary(text, suffix=".json")
    message = config_error(path)
    assert f"{path}:{line}:" in message
    assert word.lower() in message.lower()


def test_empty_json_list_is_an_error(write_vocabulary):
    path = write_vocabulary("[]")
    assert "empty" in config_error(path)


YAML_ERRORS = [
    # id, file text, lines that may be named (the entry's or the value's), a word the message must contain
    ("unknown top-level field", "version: 1\nfoo: 2\ntags:\n  - name: a\n", (1, 2), "foo"),
    ("unknown tag field", "version: 1\ntags:\n  - name: a\n  - name: b\n    alias: [x]\n", (4, 5), "alias"),
    ("tag without name", "version: 1\ntags:\n  - name: a\n  - id: 3\n", (4,), "name"),
    ("empty name", "tags:\n  - name: ''\n", (2,), "name"),
    ("name is a list", "tags:\n  - name: [a]\n", (2,), "name"),
    ("name is a bool", "tags:\n  - name: yes\n", (2,), "name"),
    ("duplicate id", "tags:\n  - {name: a, id: 1}\n  - {name: b, id: 1}\n", (3,), "duplicate id"),
    ("duplicate name", "tags:\n  - {name: a, id: 1}\n  - {name: A, id: 2}\n", (3,), "duplicate name"),
    ("id is a float", "tags:\n  - name: a\n    id: 1.5\n", (3,), "id"),
    ("threshold not a number", "tags:\n  - name: a\n    threshold: high\n", (3,), "threshold"),
    ("negative threshold", "threshold: -1\ntags:\n  - name: a\n", (1,), "threshold"),
    ("aliases not a list", "tags:\n  - name: a\n    aliases: {x: 1}\n", (3,), "aliases"),
    ("empty alias", "tags:\n  - name: a\n    aliases: [x, '']\n", (3,), "aliases"),
    ("nested alias list", "tags:\n  - name: a\n    aliases: [[x]]\n", (3,), "aliases"),
    ("tag is a string", "tags:\n  - cli\n", (2,), "mapping"),
    ("tags not a list", "version: 1\ntags:\n  name: a\n", (3,), "list"),
    ("tags empty", "version: 1\ntags:\n", (2,), "list"),
    ("no tags", "version: 1\n", (1,), "tags"),
    ("top level is a list", "- a\n- b\n", (1,), "mapping"),
    ("unsupported version", "version: 2\ntags:\n  - name: a\n", (1,), "version"),
    ("invalid yaml: indentation", "tags:\n  - name: a\n   id: [\n", (3,), "YAML"),
    ("invalid yaml: open quote", 'tags:\n  - name: a\n  - name: "b\n', (3, 4), "YAML"),
    ("invalid yaml: tab", "tags:\n\t- name: a\n", (2,), "YAML"),
    ("two documents", "tags:\n  - name: a\n---\ntags:\n  - name: b\n", (3,), "YAML"),
    ("merge key", "tags:\n  - name: a\n    <<: {aliases: [x]}\n", (3,), "YAML"),
    ("duplicate key", "tags:\n  - name: a\n    name: b\n", (3,), "duplicate"),
    ("python object tag", "tags:\n  - name: !!python/object/apply:os.system ['echo hacked']\n", (2,), "name"),
]


@pytest.mark.parametrize("text, lines, word", [case[1:] for case in YAML_ERRORS], ids=[case[0] for case in YAML_ERRORS])
def test_yaml_rules_errors_name_file_and_line(write_vocabulary, text, lines, word):
    path = write_vocabulary(text, suffix=".yaml")
    message = config_error(path)
    assert any(f"{path}:{line}:" in message for line in lines), message
    assert word.lower() in message.lower()


def test_empty_yaml_file_is_an_error(write_vocabulary):
    path = write_vocabulary("", suffix=".yaml")
    assert str(path) in config_error(path)


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_unreadable_vocabulary_is_a_config_error(tmp_path, what):
    path = tmp_path / "nothing.json"
    if what == "folder":
        path.mkdir()
    assert str(path) in config_error(path)


def test_oversized_file_says_so(write_vocabulary):
    path = write_vocabulary("tags:\n" + "  - name: x\n" * 300_000, suffix=".yaml")
    assert "larger than" in config_error(path)


def test_yaml_alias_bomb_fails_fast(write_vocabulary, hang_guard):
    """Billion laughs: nine levels of ten aliases would expand to 10**9 values."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\ntags:\n  - name: x\n    aliases: *a8\n"
    path = write_vocabulary(text, suffix=".yaml")
    with hang_guard(30):
        message = config_error(path)
    assert "too large" in message or "aliases" in message


def test_alias_bomb_inside_a_tag_fails_fast(hang_guard):
    text = ("tags:\n  - name: x\n    aliases: &a [x, x, x, x, x, x, x, x, x, x]\n"
            "    hints: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "    kinds: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "    exclude: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "  - {name: y, aliases: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}\n"
            "  - {name: z, aliases: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}\n"
            "  - {name: w, aliases: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]}\n")
    with hang_guard(30), pytest.raises(ConfigError, match="too large"):
        parse_rules(text, "bomb.yaml")


def test_a_few_aliases_are_fine():
    rules = parse_rules("tags:\n  - {name: a, aliases: &shared [foo, bar]}\n  - {name: b, aliases: *shared}\n", "r.yaml")
    assert [entry.aliases for entry in rules.entries] == [("foo", "bar"), ("foo", "bar")]


def test_python_tags_are_never_executed(write_vocabulary, tmp_path):
    marker = tmp_path / "executed"
    path = write_vocabulary(f"tags:\n  - name: !!python/object/apply:os.system ['touch {marker}']\n", suffix=".yaml")
    config_error(path)
    assert not marker.exists()


def test_vocabulary_from_json_names_the_source_given():
    with pytest.raises(ConfigError, match=r"^my-tags\.json:1: "):
        vocabulary_from_json('{"not": "a list"}', "my-tags.json")


@pytest.mark.parametrize("first, second", [("game-engine", "game engine"), ("game engine", "game_engine")])
def test_names_differing_only_in_separators_load_and_only_the_first_is_chosen(write_vocabulary, first, second):
    """They are one tag to the matcher: a README about it must not get both."""
    path = write_vocabulary([{"id": 1, "name": first}, {"id": 2, "name": second}])
    tagger = Tagger(load_vocabulary(str(path)))
    result = tagger.tag("# Pixelforge\n\nA 2D game engine for making platformers, written in Lua.\n")
    assert [tag.as_object() for tag in result.tags] == [{"id": 1, "name": first}]
