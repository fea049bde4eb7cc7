"""Workflow commands, step outputs and the step summary."""

import io

from bot.actions_io import Reporter, escape_data, escape_property, summary_markdown, write_outputs


def test_escaping_keeps_a_command_on_one_line():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_actions_reporter_writes_commands_to_stdout():
    out, err = io.StringIO(), io.StringIO()
    reporter = Reporter(True, out, err)
    reporter.mask("s3cret")
    reporter.warning("two\nlines with s3cret", title="t:1")
    reporter.info("plain s3cret\n::error::injected")
    assert out.getvalue().splitlines() == ["::add-mask::s3cret", "::warning title=t%3A1::two%0Alines with ***",
                                           "plain *** ::error::injected"]
    assert err.getvalue() == ""


def test_plain_reporter_writes_to_stderr_only():
    out, err = io.StringIO(), io.StringIO()
    reporter = Reporter(False, out, err)
    reporter.mask("s3cret")
    reporter.error("failed with s3cret")
    reporter.info("note")
    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == ["readme-tagger: error: failed with ***", "note"]


def test_outputs_use_the_multiline_form(tmp_path):
    path = tmp_path / "output"
    write_outputs(str(path), {"json": '{"a": 1}\n{"b": 2}', "tags": "[]"})
    lines = path.read_text().splitlines()
    name, delimiter = lines[0].split("<<")
    assert name == "json" and lines[1:4] == ['{"a": 1}', '{"b": 2}', delimiter]
    assert lines[4].startswith("tags<<") and lines[5] == "[]"


def test_summary_table_escapes_cells():
    markdown = summary_markdown([{
        "repository": "o/r", "tags": ["cli"], "topics": "topics +cli: [] -> [cli]", "problems": [],
        "evidence": {"cli": {"score": 4.5, "matches": [{"phrase": "a|b", "section": "title", "count": 2}]}},
    }])
    assert '| cli | 4.5 | "a\\|b" in title ×2 |' in markdown
    assert "Topics: topics +cli: [] -> [cli]" in markdown
