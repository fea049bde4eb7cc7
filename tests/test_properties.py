"""Fuzzing the engine with hypothesis: no input crashes Tagger.tag; every result holds at most
max_tags tags, all from the vocabulary, none twice; the same input gives the same output; random
vocabularies load or raise ConfigError, never anything else. Each property runs a moderate number
of examples under a generous hang guard (no timing assertions)."""

import json
import os

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot import readme
from bot.engine import Tagger
from bot.errors import ConfigError
from bot.readme import SECTION_KINDS
from bot.rules import parse_rules
from bot.vocabulary import load_vocabulary, vocabulary_from_json, vocabulary_from_rules

from guards import hang_guard_for

# FUZZ_SCALE=20 python -m pytest tests/test_properties.py  fuzzes 20 times harder (not for CI).
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
SETTINGS = settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(max_examples=15 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GUARD_SECONDS = 30

VOCABULARY = load_vocabulary()
TAGGER = Tagger(VOCABULARY)
NAMES = [tag.name for tag in VOCABULARY.tags]

# Words that make the engine do work: tag names, phrases of the lexicon, and markup-ish words.
VOCAB_WORDS = NAMES + ["command-line tool", "library for", "Kubernetes operator", "web framework", "macOS",
                       "chat with us", "security policy", "at runtime", "game engine", "a", "the", "for"]
MARKUP = ["`", "``", "```", "~~~", "*", "_", "**", "|", "||", ">", "<", "<!--", "-->", "<br>", "<script>",
          "</script>", "<pre>", "<h1>", "</h1>", "[", "]", "](", ")", "![", "](#", "::", "..", ".. image::",
          "===", "---", "~~~~", "#", "##", "&amp;", "&#", "@", "http://", "www.", "\t", "\\", ":ref:`", "|x|_"]
WORD = st.one_of(st.sampled_from(VOCAB_WORDS), st.sampled_from(MARKUP),
                 st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12))


def check_result(result, tagger, max_tags):
    """The invariants every result holds."""
    names = [tag.name for tag in result.tags]
    assert len(result.tags) <= max_tags
    assert all(any(tag is known for known in tagger.vocabulary.tags) for tag in result.tags)
    assert len(set(names)) == len(names)
    assert set(result.evidence) == set(names)
    scores = [result.evidence[name]["score"] for name in names]
    assert scores == sorted(scores, reverse=True), "best tag first"
    for evidence in result.evidence.values():
        assert evidence["score"] > 0
        assert all(set(match) >= {"phrase", "section", "count"} for match in evidence["matches"])
    json.dumps({"tags": [tag.as_object() for tag in result.tags], "evidence": result.evidence})


def tag_checked(text, description=None, max_tags=3, tagger=TAGGER):
    with hang_guard_for(GUARD_SECONDS):
        result = tagger.tag(text, description=description, max_tags=max_tags)
    check_result(result, tagger, max_tags)
    return result


def names_of(result):
    return [tag.name for tag in result.tags]


# --- generated README-like structures -------------------------------------------------------------

@st.composite
def lines_of_words(draw, max_words=12):
    return " ".join(draw(st.lists(WORD, min_size=0, max_size=max_words)))


@st.composite
def block(draw):
    kind = draw(st.sampled_from(["atx", "setext", "rst", "paragraph", "list", "quote", "fence", "indented",
                                 "html", "table", "link", "directive"]))
    words = draw(lines_of_words())
    depth = draw(st.integers(0, 40))
    if kind == "atx":
        return "#" * draw(st.integers(1, 7)) + " " + words
    if kind == "setext":
        return words + "\n" + draw(st.sampled_from("=-")) * draw(st.integers(1, 20))
    if kind == "rst":
        char = draw(st.sampled_from("=-~^\"'*+#`:."))
        bar = char * draw(st.integers(1, 20))
        return (bar + "\n" if draw(st.booleans()) else "") + words + "\n" + bar
    if kind == "list":
        items = draw(st.lists(lines_of_words(), min_size=1, max_size=8))
        return "\n".join(" " * (2 * min(n, depth)) + draw(st.sampled_from(["-", "*", "+", "1.", "•"])) + " " + item
                         for n, item in enumerate(items))
    if kind == "quote":
        return "\n".join(">" * (depth - n % (depth + 1)) + " " + words for n in range(draw(st.integers(1, 5))))
    if kind == "fence":
        closed = draw(st.booleans())
        return "```" + draw(st.sampled_from(["", "sh", "python"])) + "\n" + words + ("\n```" if closed else "")
    if kind == "indented":
        return "    " + words
    if kind == "html":
        tag = draw(st.sampled_from(["p", "div", "h1", "h2", "script", "pre", "code", "details", "img", "a"]))
        closed = draw(st.booleans())
        return f"<{tag} align=\"center\">" + words + (f"</{tag}>" if closed else "")
    if kind == "table":
        return "| " + words + " |\n|---|---|\n| " + draw(lines_of_words()) + " |"
    if kind == "link":
        return f"[{words}](https://example.org/{draw(st.sampled_from(NAMES))}) ![{words}](x.png) [{words}](#anchor)"
    if kind == "directive":
        return ".. " + draw(st.sampled_from(["code-block:: sh", "image:: x.png", "note::", "_target:", "|sub| image:: x"])) \
               + "\n   " + words
    return words


MARKDOWNISH = st.lists(block(), min_size=0, max_size=25).map(lambda blocks: "\n\n".join(blocks))


@SETTINGS
@given(text=st.text(max_size=3000), max_tags=st.integers(0, 6))
def test_random_text_never_crashes(text, max_tags):
    tag_checked(text, max_tags=max_tags)


@SETTINGS
@given(raw=st.binary(max_size=3000))
def test_random_bytes_never_crash(raw):
    tag_checked(raw)


@SETTINGS
@given(text=MARKDOWNISH, description=st.one_of(st.none(), lines_of_words()), max_tags=st.integers(0, 5))
def test_markdownish_documents_never_crash(text, description, max_tags):
    tag_checked(text, description=description, max_tags=max_tags)


@SETTINGS
@given(text=MARKDOWNISH)
def test_same_input_same_output(text):
    first = tag_checked(text)
    again = tag_checked(text)
    assert names_of(first) == names_of(again)
    assert first.evidence == again.evidence
    as_bytes = tag_checked(text.encode("utf-8"))
    assert names_of(as_bytes) == names_of(first), "bytes and the str they decode to are one README"


@FEWER
@given(text=MARKDOWNISH)
def test_a_fresh_tagger_gives_the_same_output(text):
    assert names_of(tag_checked(text)) == names_of(tag_checked(text, tagger=Tagger(load_vocabulary())))


@SETTINGS
@given(text=MARKDOWNISH, max_tags=st.integers(1, 4))
def test_fewer_tags_are_a_prefix_of_more(text, max_tags):
    """--max-tags N keeps the N best: asking for fewer never changes which come first."""
    more = names_of(tag_checked(text, max_tags=max_tags + 1))
    fewer = names_of(tag_checked(text, max_tags=max_tags))
    assert fewer == more[:len(fewer)]
    assert len(fewer) == min(max_tags, len(more))


@SETTINGS
@given(text=MARKDOWNISH)
def test_parse_sections_are_known_kinds_and_clean(text):
    with hang_guard_for(GUARD_SECONDS):
        document = readme.parse(text)
    for section in document.sections:
        assert section.kind in SECTION_KINDS
        assert section.text == section.text.strip()
        assert "\n" not in section.text and "\x00" not in section.text


@FEW
@given(depth=st.integers(50, 1000), marker=st.sampled_from([">", "- ", "  - ", "* ", "1. ", "#", "`", "[", "<div>",
                                                             "<!--", "<pre>", "![", "**", "|", "..", "=", "@", "a@",
                                                             "`a <", "&#"]))
def test_deep_nesting_and_repetition_never_crash(depth, marker):
    nested = "\n".join(marker * n + " Kubernetes operator" for n in range(0, depth, max(1, depth // 200)))
    tag_checked(nested)
    tag_checked(marker * depth * 10)


@FEW
@given(word=st.sampled_from(VOCAB_WORDS + MARKUP), length=st.integers(10_000, 200_000))
def test_very_long_lines_never_crash(word, length):
    line = (word + " ") * (length // (len(word) + 1))
    tag_checked("# T\n\n" + line + "\n")
    tag_checked(line.replace(" ", ""))


PLAIN_WORDS = st.lists(st.sampled_from(VOCAB_WORDS + ["project", "files", "fast", "simple", "works"]),
                       min_size=1, max_size=15).map(" ".join)


@st.composite
def plain_readme(draw):
    """Headings and paragraphs of plain words: no markup whose meaning depends on what follows."""
    parts = ["# " + draw(PLAIN_WORDS)]
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            parts.append("## " + draw(PLAIN_WORDS))
        parts.append(draw(PLAIN_WORDS) + ".")
    return "\n\n".join(parts) + "\n"


@SETTINGS
@given(text=plain_readme(), heading=st.sampled_from(["License", "Contributing", "Sponsors", "Changelog",
                                                     "Code of Conduct", "Security Policy"]),
       body=PLAIN_WORDS)
def test_boilerplate_sections_never_change_the_tags(text, heading, body):
    """Whatever a License or Contributing section says, it is not what the project is."""
    with_boilerplate = text + f"\n## {heading}\n\n{body}.\n\n### Details\n\n{body}.\n"
    assert names_of(tag_checked(with_boilerplate)) == names_of(tag_checked(text))


@SETTINGS
@given(text=MARKDOWNISH)
def test_line_ends_and_bom_never_change_the_tags(text):
    assume("\r" not in text and not text.startswith("\ufeff"))  # those already are line ends / a BOM
    expected = names_of(tag_checked(text))
    assert names_of(tag_checked(text.replace("\n", "\r\n"))) == expected
    assert names_of(tag_checked(b"\xef\xbb\xbf" + text.encode("utf-8"))) == expected


# Inputs that were quadratic in the reader: each unclosed opener rescanned the rest of the text.
PATHOLOGICAL = ["<!--", "<script>", "<pre>", "<code x>", "<svg>", "a@", "a@b", "![", "[", "`a <", "<h1>", "|a",
                ":a:`", "&#", "<a ", "http://"]


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_pathological_repetitions_finish(unit):
    text = unit * (readme.MAX_CHARS // len(unit))
    tag_checked(text)


# --- random vocabularies --------------------------------------------------------------------------

LOOKALIKES = ["с", "ѕ", "ｃ", "ｌ", "і", "\u200b", "\u200d", "\u0301", "\ufeff", "\u00a0", "ß", "İ", "ﬁ", "Ⅰ", "١",
              "𝐜", "\u202e", "-", "_", " ", ".", "/", "+", "#"]
NAME = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + LOOKALIKES),
            max_size=20),
    st.sampled_from(NAMES).map(lambda name: name.upper() if len(name) % 2 else name + " "),
)
JSON_VALUE = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                          lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children,
                                                                                            max_size=3),
                          max_leaves=8)
ENTRY = st.one_of(
    st.fixed_dictionaries({"id": st.one_of(st.integers(), st.text(max_size=8)), "name": NAME}),
    st.dictionaries(st.sampled_from(["id", "name", "aliases", "extra"]), st.one_of(NAME, JSON_VALUE), max_size=4),
    JSON_VALUE,
)


def load_or_config_error(load):
    try:
        with hang_guard_for(GUARD_SECONDS):
            return load()
    except ConfigError as error:
        assert "\n" not in str(error), "one-line messages"
        return None


@SETTINGS
@given(entries=st.lists(ENTRY, max_size=12), text=MARKDOWNISH)
def test_random_json_vocabularies_load_or_raise_config_error(entries, text):
    vocabulary = load_or_config_error(lambda: vocabulary_from_json(json.dumps(entries), "random.json"))
    if vocabulary is None:
        return
    assert [tag.id for tag in vocabulary.tags] == [entry["id"] for entry in entries]
    assert [tag.name for tag in vocabulary.tags] == [entry["name"].strip() for entry in entries]
    tag_checked(text, tagger=Tagger(vocabulary))


@SETTINGS
@given(text=st.text(max_size=500))
def test_random_text_as_json_vocabulary_loads_or_raises_config_error(text):
    load_or_config_error(lambda: vocabulary_from_json(text, "random.json"))


@SETTINGS
@given(document=st.one_of(
    st.fixed_dictionaries({"tags": st.lists(ENTRY, max_size=6)},
                          optional={"version": JSON_VALUE, "threshold": JSON_VALUE, "other": JSON_VALUE}),
    JSON_VALUE))
def test_random_yaml_rules_load_or_raise_config_error(document):
    text = yaml.safe_dump(document, allow_unicode=True)
    vocabulary = load_or_config_error(lambda: vocabulary_from_rules(parse_rules(text, "random.yaml")))
    if vocabulary is not None:
        tag_checked("# Kubernetes operator\n\nA command-line tool and library.", tagger=Tagger(vocabulary))


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("tags:-name{}[]&*!<>|'\"\n\t #,?%@`0123456789abc")),
                    max_size=300))
def test_random_yaml_text_loads_or_raises_config_error(text):
    load_or_config_error(lambda: vocabulary_from_rules(parse_rules(text, "random.yaml")))


@SETTINGS
@given(names=st.lists(NAME, min_size=1, max_size=8, unique_by=lambda name: name.strip().lower()), text=MARKDOWNISH)
def test_lookalike_names_never_crash_the_engine(names, text):
    entries = [{"id": number, "name": name} for number, name in enumerate(names)]
    vocabulary = load_or_config_error(lambda: vocabulary_from_json(json.dumps(entries), "lookalike.json"))
    assume(vocabulary is not None)
    tag_checked(text + "\n\n" + " ".join(names), tagger=Tagger(vocabulary))


# --- batch lines ---------------------------------------------------------------------------------

BATCH_LINE = st.one_of(
    st.text(max_size=200),
    JSON_VALUE.map(json.dumps),
    st.fixed_dictionaries({"id": JSON_VALUE | st.floats() | st.text(st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010),
                                                                   max_size=3)}, optional={"readme": JSON_VALUE | MARKDOWNISH, "readme_path": JSON_VALUE,
                                                        "description": JSON_VALUE | st.text(max_size=20)}).map(json.dumps),
)


@SETTINGS
@given(raw=BATCH_LINE)
def test_any_batch_line_gives_an_output_line_or_an_error(raw):
    """A batch input line never stops the run: it is tagged, or reported as bad."""
    from bot import batch

    batch._init_worker(batch.Settings(base_dir=os.path.dirname(__file__), max_tags=3, tag_format="object",
                                      vocabulary_path=None), TAGGER)
    with hang_guard_for(GUARD_SECONDS):
        outcome = batch.tag_line(7, raw)
    assert outcome.number == 7
    assert (outcome.line is None) != (outcome.error is None)
    if outcome.line is not None:
        record = json.loads(outcome.line)
        assert set(record) == {"id", "tags"} and len(record["tags"]) <= 3
        outcome.line.encode("utf-8")
    else:
        assert "\n" not in outcome.error
