"""README -> Document: formats, what is dropped, what is found, and bytes that are not clean text.

Words that must be dropped are "zebra..." markers: no real prose uses them, so finding one in any
section means markup, code or a boilerplate section leaked into what the scorer reads.
"""

import pytest

from bot import readme
from bot.readme import MAX_CHARS, SECTION_KINDS, parse
from bot.text import tokens

TOP_KINDS = ("first", "lead")  # where a README's opening paragraph is filed


def all_text(document) -> str:
    return "\n".join(section.text for section in document.sections)


def texts(document, *kinds) -> list[str]:
    return [section.text for section in document.sections if section.kind in kinds]


MARKDOWN = """\
# Fetchy

[![Build Status](https://ci.example.org/zebrabadge.svg)](https://ci.example.org) [![PyPI](https://img.shields.io/pypi/v/zebrapypi.svg)](https://pypi.org/project/fetchy)

Fetchy is a command-line tool for downloading many files in parallel.

It resumes broken downloads, see https://fetchy.example.org/zebraurl or [the manual](https://example.org/zebralink).

## Table of Contents

- [Features](#features)
- [Usage](#usage)
- [License](#license)

## Features

It limits bandwidth when asked. For example:

    indented zebracode

## Usage

Run it like this: ![zebraalt](docs/zebraimg.png) or write to zebramail@example.org

```python
import zebrafence
```

~~~
zebratilde
~~~

## Sponsors

Thanks to Zebrasponsor Corp.

## Changelog

- 1.0 zebrachangelog

## Contributing

Please zebracontrib.

### Code style

Use the zebrastyle.

## License

zebralicense
"""

RST = """\
======
Fetchy
======

Fetchy is a command-line tool for downloading many files in parallel.

.. image:: https://example.org/zebraimage.png
   :alt: zebraimagealt

Features
--------

It resumes broken downloads and limits bandwidth.

.. code-block:: sh

   fetchy get zebradirective

Usage
-----

Run ``fetchy get URL`` and read `the manual <https://example.org/zebrarstlink>`_. A literal block::

    fetchy --zebraliteral

License
-------

Released under the zebralicense.
"""

HTML_IN_MARKDOWN = """\
<h1 align="center">Fetchy</h1>
<p align="center">
  <img src="zebralogo.png" alt="zebraalt">
</p>
<p align="center">Fetchy is a command-line tool for downloading many files in parallel.</p>

<!-- zebracomment -->

## Features

It has <b>resume</b> support and <a href="https://example.org/zebrahref">good docs</a>.

<script>zebrascript()</script>
<style>.zebrastyle { color: red }</style>
<pre>zebrapre</pre>
"""

PLAIN_TEXT = """\
Fetchy

Fetchy is a command-line tool for downloading many files in parallel.

It resumes broken downloads and limits bandwidth when asked to do so.
"""

PARSE_CASES = [
    # id, README text, title, opening sentence (in first/lead), headings kept, markers that must be gone
    ("markdown", MARKDOWN, "Fetchy", "command-line tool for downloading", ["Features", "Usage"],
     ["zebrabadge", "zebrapypi", "zebraurl", "zebralink", "zebracode", "zebraalt", "zebraimg", "zebramail",
      "zebrafence", "zebratilde", "zebrasponsor", "zebrachangelog", "zebracontrib", "zebrastyle",
      "zebralicense", "Table of Contents", "Sponsors", "Changelog", "Contributing", "License"]),
    ("restructuredtext", RST, "Fetchy", "command-line tool for downloading", ["Features", "Usage"],
     ["zebraimage", "zebraimagealt", "zebradirective", "zebrarstlink", "zebraliteral", "zebralicense",
      "License"]),
    ("html-in-markdown", HTML_IN_MARKDOWN, "Fetchy", "command-line tool for downloading", ["Features"],
     ["zebralogo", "zebraalt", "zebracomment", "zebrahref", "zebrascript", "zebrastyle", "zebrapre",
      "align", "<", ">"]),
    ("plain-text", PLAIN_TEXT, "Fetchy", "command-line tool for downloading", [], []),
]


@pytest.mark.parametrize("text, title, opening, headings, gone",
                         [case[1:] for case in PARSE_CASES], ids=[case[0] for case in PARSE_CASES])
def test_parse_formats(text, title, opening, headings, gone):
    document = parse(text)
    assert texts(document, "title") == [title]
    assert any(opening in piece for piece in texts(document, *TOP_KINDS)), document.sections
    found_headings = texts(document, "heading")
    for heading in headings:
        assert heading in found_headings
    leaked = [marker for marker in gone if marker.lower() in all_text(document).lower()]
    assert leaked == [], f"should have been dropped: {leaked}"
    assert {section.kind for section in document.sections} <= set(SECTION_KINDS)
    assert document.truncated is False


def test_markdown_links_keep_their_text():
    document = parse("# T\n\nRead [the friendly manual](https://example.org/zebra) before you start.\n")
    assert "the friendly manual" in all_text(document)
    assert "zebra" not in all_text(document)


def test_description_is_its_own_section_and_cleaned():
    document = parse("# T\n\nBody text that is long enough to be a paragraph.\n",
                     description="A **command-line** tool, see https://example.org/zebra")
    assert texts(document, "description") == ["A command-line tool, see"]


@pytest.mark.parametrize("description", [None, "", "   "])
def test_no_description_section_without_a_description(description):
    document = parse("# T\n\nBody text that is long enough to be a paragraph.\n", description=description)
    assert texts(document, "description") == []


BOILERPLATE_HEADINGS = ["License", "LICENSE", "Licence", "Contributing", "How to contribute", "Sponsors",
                        "Backers", "Changelog", "Change log", "Release notes", "Code of Conduct",
                        "Security Policy", "Acknowledgements", "Table of Contents", "Authors", "Funding",
                        "Star History", "Citation"]


@pytest.mark.parametrize("heading", BOILERPLATE_HEADINGS)
def test_boilerplate_sections_are_dropped(heading):
    text = (f"# Fetchy\n\nFetchy downloads many files in parallel, quickly.\n\n## {heading}\n\n"
            "Zebramarker text that only this section has.\n\n### Sub-section\n\nZebranested text.\n\n"
            "## Features\n\nResumes broken downloads.\n")
    document = parse(text)
    assert "zebra" not in all_text(document).lower()
    assert "Resumes broken downloads." in all_text(document), "the next section is read again"


def test_toc_list_of_anchor_links_is_dropped_without_a_heading():
    text = ("# Fetchy\n\nFetchy downloads many files in parallel, quickly.\n\n"
            "- [Zebraone](#one)\n- [Zebratwo](#two)\n- [Zebrathree](#three)\n\n## One\n\nText.\n")
    assert "zebra" not in all_text(parse(text)).lower()


def test_setext_and_atx_headings():
    document = parse("Fetchy\n======\n\nFetchy downloads many files in parallel, quickly.\n\n"
                     "Options\n-------\n\nText of the options.\n\n### Advanced ###\n\nMore text.\n")
    assert texts(document, "title") == ["Fetchy"]
    assert texts(document, "heading") == ["Options", "Advanced"]


# --- bytes that are not clean text ----------------------------------------------------------------

CLEAN = "# Fetchy\n\nFetchy is a command-line tool for downloading many files in parallel.\n"
CLEAN_SECTIONS = parse(CLEAN).sections

ENCODING_CASES = [
    ("utf-8 bytes", CLEAN.encode()),
    ("bom bytes", b"\xef\xbb\xbf" + CLEAN.encode()),
    ("bom str", "\ufeff" + CLEAN),
    ("crlf", CLEAN.replace("\n", "\r\n").encode()),
    ("cr only", CLEAN.replace("\n", "\r").encode()),
    ("nul bytes", CLEAN.replace("parallel", "para\x00llel").encode()),
    ("utf-16 nul padding stripped", CLEAN.replace("Fetchy is", "Fetchy\x00 is")),
]


@pytest.mark.parametrize("raw", [case[1] for case in ENCODING_CASES], ids=[case[0] for case in ENCODING_CASES])
def test_encodings_read_like_clean_utf8(raw):
    assert parse(raw).sections == CLEAN_SECTIONS


def test_invalid_utf8_is_replaced_not_fatal():
    raw = b"# Fe\xfftchy\n\nFetchy is a command-line tool for \xc3\x28downloading many files.\n"
    document = parse(raw)
    assert texts(document, "title") == ["Fe\ufffdtchy"]
    assert "command-line tool" in all_text(document)


def test_decode_drops_bom_nul_and_normalizes_line_ends():
    assert readme.decode(b"\xef\xbb\xbfa\r\nb\rc\x00d\n") == "a\nb\ncd\n"


@pytest.mark.parametrize("raw", ["", b"", "   ", "\n\n\n", "\r\n\r\n", b"\x00\x00", "\ufeff", "```\n", "<!--",
                                 "#", "---", "[]()", "![]()"])
def test_empty_or_contentless_input_gives_no_words(raw):
    document = parse(raw)
    assert tokens(all_text(document)) == []
    assert document.truncated is False


def test_multi_megabyte_input_is_truncated_and_still_read():
    paragraph = "Fetchy is a command-line tool for downloading many files in parallel.\n\n"
    raw = ("# Fetchy\n\n" + paragraph * (3_000_000 // len(paragraph))).encode()
    assert len(raw) > 2_000_000
    document = parse(raw)
    assert document.truncated is True
    assert texts(document, "title") == ["Fetchy"]
    assert "command-line tool" in all_text(document)


def test_input_of_exactly_max_chars_is_not_truncated():
    text = "# Fetchy\n\n" + "x" * (MAX_CHARS - len("# Fetchy\n\n"))
    assert len(text) == MAX_CHARS
    assert parse(text).truncated is False
    assert parse(text + "y").truncated is True


def test_truncation_counts_characters_not_bytes():
    """A README of multi-byte characters under MAX_CHARS characters is read whole."""
    text = "# Fetchy\n\n" + "é" * (MAX_CHARS - 20)
    assert len(text.encode()) > MAX_CHARS
    assert parse(text.encode()).truncated is False


# --- long first paragraphs, tables, HTML named in code (once weaknesses) ---------------------

def test_long_first_paragraph_every_word_read_exactly_once():
    words = [f"word{number}" for number in range(600)]
    document = parse("# T\n\n" + " ".join(words) + "\n")
    read = tokens(" ".join(texts(document, "first", "lead", "early", "body")))
    assert read == words


def test_markdown_table_cells_are_read():
    document = parse("# T\n\nSome prose that is long enough for a lead paragraph.\n\n"
                     "| Option | Meaning |\n|---|---|\n| -j | parallel jobs |\n| -q | quiet output |\n")
    read = set(tokens(all_text(document)))
    assert {"option", "meaning", "j", "parallel", "jobs", "q", "quiet", "output"} <= read


def test_html_tag_named_in_inline_code_does_not_hide_the_rest():
    document = parse("# htmlfix\n\nA command-line tool that finds `<pre>` elements without a closing tag.\n\n"
                     "## Features\n\nFixes them in place, like a linter for HTML.\n")
    assert "Features" in texts(document, "heading")
    assert "linter for HTML" in all_text(document)


def test_html_tag_in_a_code_sample_does_not_hide_the_rest():
    document = parse("# widget\n\nA small JavaScript library for date pickers.\n\n"
                     "```html\n<script src=\"https://cdn.example.org/widget.js\">\n```\n\n"
                     "## Features\n\nKeyboard support and themes.\n")
    assert "Features" in texts(document, "heading")
    assert "Keyboard support and themes." in all_text(document)


def test_unclosed_html_comment_hides_the_rest_as_on_github():
    document = parse("# notes\n\n<!-- TODO: a better intro\n\nzebra hidden text\n")
    assert "zebra" not in all_text(document)
