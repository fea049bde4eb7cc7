"""rules/schema.json describes the rules YAML format that bot/rules.py reads. The shipped rules
files must satisfy it, and documents on both sides of the line must get the same verdict from
the schema and from parse_rules, so the two cannot drift apart."""

import json

import jsonschema
import pytest
import yaml

from bot import rules
from bot.errors import ConfigError
from bot.rules import parse_rules

from conftest import REPO_ROOT

SCHEMA = json.loads((REPO_ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def schema_accepts(text: str) -> bool:
    return VALIDATOR.is_valid(yaml.safe_load(text))


def rules_accept(text: str) -> bool:
    try:
        parse_rules(text, "doc.yaml")
    except ConfigError:
        return False
    return True


def test_schema_is_a_valid_draft_2020_12_schema():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", ["vocabulary.yaml", "lexicon.yaml"])
def test_shipped_rules_files_satisfy_the_schema(name):
    document = yaml.safe_load((REPO_ROOT / "rules" / name).read_text(encoding="utf-8"))
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in VALIDATOR.iter_errors(document)]
    assert errors == []


def test_schema_fields_are_the_fields_the_reader_knows():
    assert set(SCHEMA["properties"]) == rules.TOP_FIELDS
    assert set(SCHEMA["$defs"]["tag"]["properties"]) == rules.ENTRY_FIELDS


GOOD = [
    ("minimal", "tags:\n  - name: cli\n"),
    ("every field", "version: 1\nthreshold: 2.5\ntags:\n  - name: serverless\n    id: 86\n    also: [faas]\n"
                    "    aliases: [serverless computing]\n    hints: [lambda functions]\n    kinds: [serverless platform]\n"
                    "    exclude: [serverless framework plugin]\n    code: [imports]\n    threshold: 3\n"),
    ("string id", "tags:\n  - {name: cli, id: x-4}\n"),
    ("single phrase instead of a list", "tags:\n  - {name: cli, aliases: command line tool}\n"),
    ("numeric phrase", "tags:\n  - {name: http, aliases: [2, http2]}\n"),
    ("integer name", "tags:\n  - {name: 3}\n"),
    ("empty phrase list", "tags:\n  - {name: cli, aliases: []}\n"),
    ("zero threshold", "threshold: 0\ntags:\n  - name: cli\n"),
]

BAD = [
    ("no tags", "version: 1\n"),
    ("tags not a list", "tags:\n  name: cli\n"),
    ("tags null", "tags:\n"),
    ("top level is a list", "- name: cli\n"),
    ("unknown top-level field", "version: 1\nrules: []\ntags:\n  - name: cli\n"),
    ("unknown tag field", "tags:\n  - {name: cli, alias: [x]}\n"),
    ("tag without name", "tags:\n  - {id: 4}\n"),
    ("empty name", "tags:\n  - {name: ''}\n"),
    ("blank name", "tags:\n  - {name: '   '}\n"),
    ("name is a list", "tags:\n  - {name: [cli]}\n"),
    ("name is a bool", "tags:\n  - {name: true}\n"),
    ("name is a float", "tags:\n  - {name: 1.5}\n"),
    ("name is null", "tags:\n  - {name: null}\n"),
    ("tag is a string", "tags:\n  - cli\n"),
    ("id is a float", "tags:\n  - {name: cli, id: 4.5}\n"),
    ("id is a bool", "tags:\n  - {name: cli, id: false}\n"),
    ("id is empty", "tags:\n  - {name: cli, id: ''}\n"),
    ("id is a list", "tags:\n  - {name: cli, id: [4]}\n"),
    ("version 2", "version: 2\ntags:\n  - name: cli\n"),
    ("version as a string", "version: '1'\ntags:\n  - name: cli\n"),
    ("version true", "version: true\ntags:\n  - name: cli\n"),
    ("negative threshold", "threshold: -1\ntags:\n  - name: cli\n"),
    ("threshold a string", "tags:\n  - {name: cli, threshold: high}\n"),
    ("threshold a bool", "tags:\n  - {name: cli, threshold: true}\n"),
    ("aliases a mapping", "tags:\n  - {name: cli, aliases: {a: b}}\n"),
    ("alias empty", "tags:\n  - {name: cli, aliases: ['']}\n"),
    ("alias nested list", "tags:\n  - {name: cli, aliases: [[a]]}\n"),
    ("alias a bool", "tags:\n  - {name: cli, hints: [yes]}\n"),
    ("alias null", "tags:\n  - {name: cli, kinds: [null]}\n"),
    ("exclude a number list in a mapping", "tags:\n  - {name: cli, exclude: [{a: 1}]}\n"),
    ("unknown code signal", "tags:\n  - {name: cli, code: [tests]}\n"),
]


@pytest.mark.parametrize("text", [case[1] for case in GOOD], ids=[case[0] for case in GOOD])
def test_good_documents_pass_both(text):
    assert schema_accepts(text)
    assert rules_accept(text)


@pytest.mark.parametrize("text", [case[1] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_documents_fail_both(text):
    assert not schema_accepts(text), "the schema lets this through"
    assert not rules_accept(text), "parse_rules lets this through"
