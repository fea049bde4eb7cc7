"""What code samples tell: imports speak for a library, prompt lines for a command-line tool,
and the languages of fenced code for tags named after a language. Cases as data."""

import json

import pytest

from bot.engine import Tagger
from bot.readme import code_languages, code_signals, parse
from bot.vocabulary import vocabulary_from_json

SIGNAL_CASES = [
    # (code lines, expected signals)
    (["import requests", "from flask import Flask"], (("imports", 2),)),
    (['#include "yaml-cpp/yaml.h"', "use nom::bytes;", "const x = require('x')"], (("imports", 3),)),
    (['import "github.com/tidwall/buntdb"', "import (", "extern crate serde;"], (("imports", 3),)),
    (["$ go get github.com/x/y", "cargo add nom", "yarn add chakra"], (("imports", 3),)),
    (["$ zoxide add /tmp", "$ jq '.a' file.json"], (("commands", 2),)),
    (["brew install gum", "$ cargo install ripgrep", "npm install -g typescript"], (("commands", 3),)),
    # installers, package managers and shell built-ins say nothing about the project
    (["$ pip install x", "$ npm install x", "$ cd build", "$ make", "$ sudo apt-get install y", "$ git clone z"], ()),
    (["print('hello')", "x = 1", "# a comment", ""], ()),
]


@pytest.mark.parametrize("lines, expected", SIGNAL_CASES)
def test_code_signals(lines, expected):
    assert code_signals(lines) == expected


LANGUAGE_CASES = [
    ("```py\nx\n```\n```js\ny\n```\n", "python javascript"),
    ("~~~ {.rust}\nfn main() {}\n~~~\n", "rust"),
    ("```cpp\nint x;\n```\n```c++\nint y;\n```\n", "c++ c++"),
    ("```json\n{}\n```\n```yaml\na: 1\n```\n```console\n$ ls\n```\n```\nplain\n```\n", ""),
]


@pytest.mark.parametrize("markdown, expected", LANGUAGE_CASES)
def test_fenced_code_languages(markdown, expected):
    document = parse("# demo\n\nA demonstration of fenced code.\n\n" + markdown)
    assert " ".join(s.text for s in document.sections if s.kind == "fence") == expected


def test_code_languages_ignores_plain_code_lines():
    assert code_languages(["import os", "print(1)"]) == ""


def language_tagger() -> Tagger:
    names = ["python", "rust", "javascript", "json"]
    return Tagger(vocabulary_from_json(json.dumps([{"id": n, "name": name} for n, name in enumerate(names)]), "v.json"))


def test_language_of_the_examples_counts_for_a_language_tag():
    readme = ("# fastgrid\n\nA grid layout solver, written in Python.\n\n## Example\n\n"
              "```python\nfrom fastgrid import solve\n```\n\n```python\nsolve()\n```\n\n"
              "Config is read from JSON:\n\n```json\n{\"rows\": 3}\n```\n")
    names = [tag.name for tag in language_tagger().tag(readme).tags]
    assert names[0] == "python"
    assert "rust" not in names and "javascript" not in names


def test_imports_in_the_examples_help_the_library_tag():
    with_code = ("# tinyq\n\nA queue you embed in your program.\n\n```python\nimport tinyq\n"
                 "from tinyq import Queue\nimport tinyq.backends\n```\n")
    without_code = "# tinyq\n\nA queue you embed in your program.\n"
    tagger = Tagger()
    scores = {tag.name: score for tag, score, _ in tagger.tag(with_code).candidates}
    assert scores.get("lib", 0) > {tag.name: score for tag, score, _ in tagger.tag(without_code).candidates}.get("lib", 0)
