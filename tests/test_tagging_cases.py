"""Tag-family cases (tests/fixtures/cases.yaml) against the default vocabulary and against a bare
JSON list of the same names: what a tag name means comes from the lexicon, whatever the format.
Then vocabularies of names the lexicon does not know, matched through their own words."""

import json

import pytest
import yaml

from bot.engine import Tagger
from bot.lexicon import default_lexicon
from bot.vocabulary import load_vocabulary, vocabulary_from_json

from conftest import FIXTURES

CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.fixture(scope="module")
def default_tagger():
    return Tagger(load_vocabulary())


@pytest.fixture(scope="module")
def bare_json_tagger():
    """The default vocabulary's names and ids as a user's plain JSON list: no aliases at all."""
    entries = [{"id": tag.id, "name": tag.name} for tag in load_vocabulary().tags]
    return Tagger(vocabulary_from_json(json.dumps(entries), "bare.json"))


@pytest.fixture(params=["default", "bare-json"])
def tagger(request, default_tagger, bare_json_tagger):
    return default_tagger if request.param == "default" else bare_json_tagger


def test_cases_file_is_well_formed():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    names = {tag.name for tag in load_vocabulary().tags}
    for case in CASES:
        assert set(case) <= {"id", "family", "readme", "description", "present", "absent", "no_tags", "xfail"}
        expected = set(case.get("present", [])) | set(case.get("absent", []))
        assert expected <= names, f"{case['id']}: unknown tag(s) {expected - names}"
        assert expected or case.get("no_tags"), f"{case['id']}: asserts nothing"


@pytest.mark.parametrize("case", _params())
def test_case(case, tagger):
    result = tagger.tag(case["readme"], description=case.get("description"))
    chosen = [tag.name for tag in result.tags]
    for name in case.get("present", []):
        assert name in chosen, f"{name!r} missing; chose {chosen}, candidates {result.candidates[:5]}"
    for name in case.get("absent", []):
        assert name not in chosen, f"{name!r} must not be chosen; evidence {result.evidence.get(name)}"
    if case.get("no_tags"):
        assert chosen == [], f"nothing in this README is in the vocabulary; chose {chosen}"


def test_bare_json_vocabulary_tags_like_the_default(default_tagger, bare_json_tagger):
    """The default vocabulary carries no aliases of its own: the same names in JSON must give the
    same tags for every case (same names, same ids)."""
    for case in CASES:
        expected = default_tagger.tag(case["readme"], case.get("description")).tags
        got = bare_json_tagger.tag(case["readme"], case.get("description")).tags
        assert [(t.id, t.name) for t in got] == [(t.id, t.name) for t in expected], case["id"]


# --- names the lexicon does not know: matched through their own words --------------------------

UNKNOWN_NAMES = ["telescope", "sourdough-recipes", "weatherStation", "knitting_pattern", "bird watching",
                 "PostgreSQL", "photogrammetry", "Sea Shanties "]

OWN_WORDS_CASES = [
    # (expected tag name as given, README, what is being shown)
    ("telescope", "# Telescope Control\n\nSoftware that points amateur telescopes at the planets.\n",
     "plural in the text, singular name"),
    ("sourdough-recipes", "# Sourdough recipe\n\nMy sourdough recipe and the starter schedule that goes with it.\n",
     "singular in the text, plural hyphenated name"),
    ("weatherStation", "# Weather station\n\nFirmware for a home weather station that reports wind and rain.\n",
     "camelCase name, two words in the text"),
    ("knitting_pattern", "# Knitting patterns\n\nFree knitting patterns for scarves and socks.\n",
     "underscore name, plural in the text"),
    ("bird watching", "# Bird-watching log\n\nA bird-watching log for the birds in my garden.\n",
     "spaced name, hyphenated text"),
    ("PostgreSQL", "# PostgreSQL stats\n\nA PostgreSQL extension that collects query statistics.\n",
     "mixed-case name"),
    ("photogrammetry", "# Photogrametry toolkit\n\nPhotogrametry from phone pictures: turn photos into models.\n",
     "a one-letter typo in a long word"),
    ("Sea Shanties", "# Sea shanty book\n\nThe sea shanties we sing on Thursdays, with words and chords.\n",
     "name with a stray trailing space comes back trimmed"),
]


@pytest.fixture(scope="module")
def unknown_names_tagger():
    entries = [{"id": f"t{number}", "name": name} for number, name in enumerate(UNKNOWN_NAMES)]
    return Tagger(vocabulary_from_json(json.dumps(entries), "own.json"))


def test_unknown_names_really_are_unknown_to_the_lexicon():
    lexicon = default_lexicon()
    assert [name for name in UNKNOWN_NAMES if name in lexicon] == []


@pytest.mark.parametrize("expected, readme, why", OWN_WORDS_CASES, ids=[c[2] for c in OWN_WORDS_CASES])
def test_unknown_name_matches_through_its_own_words(unknown_names_tagger, expected, readme, why):
    chosen = [tag.name for tag in unknown_names_tagger.tag(readme).tags]
    assert chosen == [expected]


def test_unknown_names_are_not_chosen_for_an_unrelated_readme(unknown_names_tagger):
    readme = "# fetchy\n\nA command-line tool for downloading many files in parallel.\n"
    assert unknown_names_tagger.tag(readme).tags == []


def test_typo_needs_a_long_word():
    """Fuzzy matching is for long words only: 'cli' must not match 'clip' or 'cl'."""
    tagger = Tagger(vocabulary_from_json('[{"id": 1, "name": "cli"}]', "v.json"))
    assert tagger.tag("# clip\n\nClip keeps a clip of every clip you copy, clip by clip.\n").tags == []


@pytest.mark.parametrize("name, readme", [
    ("kubernetes", "# kubeswitch\n\nSwitch between k8s clusters and namespaces with one kubectl plugin.\n"),
    ("infrastructure-as-code", "# stackform\n\nReusable Terraform modules to provision your cloud, with Pulumi examples.\n"),
    ("command-line", "# fetchy\n\nA CLI tool for downloading many files in parallel.\n"),
    ("machineLearning", "# Sorter\n\nTrain neural networks to classify images with deep learning.\n"),
])
def test_lexicon_knowledge_reaches_other_spellings_of_a_name(name, readme):
    """A user's vocabulary naming the tag differently (an `also` name, camelCase) still gets what
    the lexicon knows: here the README never says the tag name itself."""
    assert name in default_lexicon()
    tagger = Tagger(vocabulary_from_json(json.dumps([{"id": 1, "name": name}, {"id": 2, "name": "recipes"}]), "v.json"))
    assert [tag.name for tag in tagger.tag(readme).tags] == [name]


def test_cjk_name_loads_and_matches():
    tagger = Tagger(vocabulary_from_json('[{"id": 1, "name": "机器学习"}]', "v.json"))
    assert [tag.name for tag in tagger.tag("# 机器学习\n\n机器学习 的 教程 和 例子。\n").tags] == ["机器学习"]


def test_accented_name_does_not_match_its_ascii_remains():
    tagger = Tagger(vocabulary_from_json('[{"id": 1, "name": "café"}]', "v.json"))
    assert tagger.tag("# caf\n\ncaf is a caf tool: caf caf caf.\n").tags == []


# --- a user's own rules file: aliases, exclusions and thresholds do what the README says ------------

USER_RULES = """\
version: 1
tags:
  - name: bread
    id: b1
    aliases: [sourdough]
    exclude: [sourdough starter kit]
  - name: cheese
    id: c1
    aliases: [camembert]
    threshold: 1000
  - name: cli
    id: 4
"""


@pytest.fixture(scope="module")
def user_rules_tagger(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "my-tags.yaml"
    path.write_text(USER_RULES)
    return Tagger(load_vocabulary(str(path)))


@pytest.mark.parametrize("readme, expected", [
    ("# Sourdough calculator\n\nA sourdough calculator for home bakers.\n", ["bread"]),
    ("# Sourdough starter kit\n\nThe sourdough starter kit we sell, in one page.\n", []),
    ("# Camembert\n\nCamembert ripening notes, camembert recipes and camembert pictures.\n", []),
    ("# fetchy\n\nA command-line tool for downloading many files in parallel.\n", ["cli"]),
], ids=["alias", "exclusion", "threshold", "lexicon-still-applies"])
def test_user_rules_file(user_rules_tagger, readme, expected):
    assert [tag.name for tag in user_rules_tagger.tag(readme).tags] == expected


def test_user_rules_exclusion_and_threshold_are_what_keeps_those_tags_out(tmp_path):
    """Without the exclusion and the threshold, the same READMEs do get the tags (so the two
    cases above test the rules, not a README too weak to tag)."""
    path = tmp_path / "plain.yaml"
    path.write_text(USER_RULES.replace("    exclude: [sourdough starter kit]\n", "").replace("    threshold: 1000\n", ""))
    tagger = Tagger(load_vocabulary(str(path)))
    assert [t.name for t in tagger.tag("# Sourdough starter kit\n\nThe sourdough starter kit we sell, in one page.\n").tags] == ["bread"]
    assert [t.name for t in tagger.tag("# Camembert\n\nCamembert ripening notes, camembert recipes and camembert pictures.\n").tags] == ["cheese"]
