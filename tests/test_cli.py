"""The command line through its real entry points: `python -m bot ...` in a subprocess (what users
and the Action run) and bot.cli.main([...]) in-process for the many small cases.

Exit codes: 0 all went well; 1 some items failed (named on stderr); 2 bad usage or configuration.
"""

import json
import os
import subprocess
import sys

import pytest

from bot.cli import main

from conftest import FIXTURES, REPO_ROOT

READMES = FIXTURES / "readmes"
FETCHY = READMES / "fetchy.md"  # "a command-line tool for ..." -> cli
KUBE = READMES / "kube-backup.rst"  # "a Kubernetes operator ..." -> k8s
RECIPES = READMES / "recipes.txt"  # nothing from the vocabulary
DATEFMT = READMES / "datefmt.md"  # "a small Python library for ..." -> lib


def run_cli(*args, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    """python -m bot ARGS, importing this checkout's bot package (not an installed one)."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "bot", *map(str, args)], input=stdin, capture_output=True,
                          cwd=cwd or REPO_ROOT, env=env, timeout=120)


def run_main(capsys, *args):
    """bot.cli.main(ARGS) in-process: (exit code, stdout, stderr)."""
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_json_object(stdout: str) -> dict:
    lines = stdout.splitlines()
    assert len(lines) == 1, f"stdout must be exactly one JSON object, got {stdout!r}"
    value = json.loads(lines[0])
    assert isinstance(value, dict)
    return value


def names(record: dict) -> list:
    return [tag["name"] if isinstance(tag, dict) else tag for tag in record["tags"]]


# --- tag ------------------------------------------------------------------------------------------

def test_subprocess_uses_this_checkout():
    done = subprocess.run([sys.executable, "-c", "import bot; print(bot.__file__)"], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)), timeout=60)
    assert done.stdout.strip() == str(REPO_ROOT / "bot" / "__init__.py")


def test_tag_file_through_python_m_bot():
    done = run_cli("tag", FETCHY)
    assert done.returncode == 0, done.stderr
    record = one_json_object(done.stdout.decode())
    assert set(record) == {"id", "tags"}
    assert record["id"] == "fetchy"
    assert {"id": 4, "name": "cli"} in record["tags"]
    assert done.stderr == b""


def test_tag_stdin_through_python_m_bot():
    done = run_cli("tag", "-", stdin=KUBE.read_bytes())
    assert done.returncode == 0, done.stderr
    record = one_json_object(done.stdout.decode())
    assert record["id"] == "stdin"
    assert "k8s" in names(record)


@pytest.mark.parametrize("path, expected_id", [(FETCHY, "fetchy"), (KUBE, "kube-backup"), (RECIPES, "recipes")])
def test_default_id_is_the_file_name_without_extension(capsys, path, expected_id):
    code, out, _ = run_main(capsys, "tag", path)
    assert code == 0
    assert one_json_object(out)["id"] == expected_id


def test_id_option_wins(capsys):
    code, out, _ = run_main(capsys, "tag", FETCHY, "--id", "1118")
    assert code == 0
    assert one_json_object(out)["id"] == "1118"


def test_readme_with_nothing_from_the_vocabulary_gives_no_tags(capsys):
    code, out, _ = run_main(capsys, "tag", RECIPES)
    assert (code, one_json_object(out)) == (0, {"id": "recipes", "tags": []})


@pytest.mark.parametrize("tag_format, expected", [
    ("object", {"id": 4, "name": "cli"}),
    ("name", "cli"),
    ("id", 4),
])
def test_tag_format(capsys, tag_format, expected):
    code, out, _ = run_main(capsys, "tag", FETCHY, "--tag-format", tag_format)
    assert code == 0
    assert expected in one_json_object(out)["tags"]


def test_tag_format_id_keeps_string_ids(capsys, write_vocabulary):
    vocabulary = write_vocabulary([{"id": "tool-cli", "name": "cli"}, {"id": "x", "name": "recipes"}])
    code, out, _ = run_main(capsys, "tag", FETCHY, "--vocabulary", vocabulary, "--tag-format", "id")
    assert (code, one_json_object(out)["tags"]) == (0, ["tool-cli"])


def test_description_option_counts(capsys, tmp_path):
    readme = tmp_path / "renamr.md"
    readme.write_text("# renamr\n\nRenames things.\n")
    code, out, _ = run_main(capsys, "tag", readme, "--description", "A command-line utility that renames files",
                            "--tag-format", "name")
    assert code == 0
    assert "cli" in one_json_object(out)["tags"]


def test_explain_adds_evidence_and_a_table_on_stderr(capsys):
    code, out, err = run_main(capsys, "tag", KUBE, "--explain")
    assert code == 0
    record = one_json_object(out)
    assert set(record) == {"id", "tags", "evidence"}
    assert set(record["evidence"]) == set(names(record))
    assert "k8s" in record["evidence"]
    for evidence in record["evidence"].values():
        assert isinstance(evidence["score"], (int, float)) and evidence["score"] > 0
        assert evidence["matches"], "a chosen tag has at least one match"
        for match in evidence["matches"]:
            assert set(match) == {"phrase", "section", "count"}
            assert isinstance(match["phrase"], str) and match["phrase"]
            assert isinstance(match["count"], int) and match["count"] >= 1
    assert any("kubernetes" in match["phrase"] for match in record["evidence"]["k8s"]["matches"])
    assert "kube-backup" in err and "k8s" in err and "score" in err


def test_explain_without_tags_still_prints_an_object(capsys):
    code, out, err = run_main(capsys, "tag", RECIPES, "--explain")
    assert code == 0
    assert one_json_object(out) == {"id": "recipes", "tags": [], "evidence": {}}
    assert "recipes" in err


def test_max_tags_zero_gives_no_tags(capsys):
    code, out, _ = run_main(capsys, "tag", KUBE, "--max-tags", "0")
    assert (code, one_json_object(out)["tags"]) == (0, [])


def test_max_tags_one_keeps_the_best(capsys):
    _, out_three, _ = run_main(capsys, "tag", KUBE, "--tag-format", "name")
    _, out_one, _ = run_main(capsys, "tag", KUBE, "--tag-format", "name", "--max-tags", "1")
    assert one_json_object(out_one)["tags"] == one_json_object(out_three)["tags"][:1]


def test_json_vocabulary_option(capsys, write_vocabulary):
    vocabulary = write_vocabulary(["kubernetes", "recipes", "bread"])
    code, out, _ = run_main(capsys, "tag", KUBE, "--vocabulary", vocabulary)
    assert code == 0
    assert one_json_object(out)["tags"] == [{"id": 1, "name": "kubernetes"}]


def test_long_readme_warns_on_stderr_and_still_tags(capsys, tmp_path):
    readme = tmp_path / "long.md"
    readme.write_text("# fetchy\n\nfetchy is a command-line tool for downloading files.\n\n" + "More words here. " * 40_000)
    code, out, err = run_main(capsys, "tag", readme, "--tag-format", "name")
    assert code == 0
    assert "cli" in one_json_object(out)["tags"]
    assert "warning" in err


# --- usage and configuration errors: exit 2, one line naming the problem ------------------------------

def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("vocabulary_text, suffix, where", [
    ('[\n {"id": 1, "name": "cli"},\n {"id": 1, "name": "lib"}\n]', ".json", ":3:"),
    ('[\n {"id": 1, "name": "cli"},\n {"id": 2, "name": }\n]', ".json", ":3:"),
    ("version: 1\ntags:\n  - name: cli\n    aliasses: [x]\n", ".yaml", ":3:"),
])
def test_bad_vocabulary_exits_2_naming_file_and_line(capsys, write_vocabulary, vocabulary_text, suffix, where):
    path = write_vocabulary(vocabulary_text, suffix=suffix)
    code, out, err = run_main(capsys, "tag", FETCHY, "--vocabulary", path)
    assert code == 2
    assert out == ""
    line = error_line(err)
    assert f"{path}{where}" in line


def test_missing_vocabulary_exits_2(capsys, tmp_path):
    code, out, err = run_main(capsys, "tag", FETCHY, "--vocabulary", tmp_path / "missing.json")
    assert (code, out) == (2, "")
    assert "missing.json" in error_line(err)


def test_bad_vocabulary_through_python_m_bot_is_one_line_no_traceback(write_vocabulary):
    path = write_vocabulary("tags:\n  - name: a\n    <<: {aliases: [x]}\n", suffix=".yaml")
    done = run_cli("tag", FETCHY, "--vocabulary", path)
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"Traceback" not in done.stderr
    assert len(done.stderr.decode().strip().splitlines()) == 1


def test_missing_readme_exits_2(capsys, tmp_path):
    code, out, err = run_main(capsys, "tag", tmp_path / "nope.md")
    assert (code, out) == (2, "")
    assert "nope.md" in error_line(err)


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["tag"],
    ["tag", str(FETCHY), "--max-tags", "-1"],
    ["tag", str(FETCHY), "--max-tags", "three"],
    ["tag", str(FETCHY), "--tag-format", "xml"],
    ["tag", str(FETCHY), "--no-such-option"],
    ["batch"],
    ["batch", "in.jsonl", "--jobs", "-2"],
    ["eval", "labels.jsonl"],
])
def test_bad_arguments_exit_2(capsys, args):
    with pytest.raises(SystemExit) as caught:
        code = main(args)
        raise SystemExit(code)
    _, err = capsys.readouterr()
    assert caught.value.code == 2
    assert err.strip(), "says what is wrong"


def test_version(capsys):
    from bot import __version__

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    out, _ = capsys.readouterr()
    assert caught.value.code == 0
    assert __version__ in out


# --- batch ----------------------------------------------------------------------------------------

@pytest.fixture
def batch_input(tmp_path):
    """A batch input file in its own folder, with READMEs next to it (readme_path is relative to it)."""
    folder = tmp_path / "job"
    (folder / "readmes").mkdir(parents=True)
    (folder / "readmes" / "kube.rst").write_bytes(KUBE.read_bytes())
    (folder / "readmes" / "recipes.txt").write_bytes(RECIPES.read_bytes())
    lines = [
        json.dumps({"id": "fetchy", "readme": FETCHY.read_text()}),
        json.dumps({"id": 2, "readme_path": "readmes/kube.rst"}),
        "{not json",
        json.dumps({"readme": "# no id\n\nA command-line tool."}),
        json.dumps({"id": "gone", "readme_path": "readmes/missing.md"}),
        "",
        json.dumps({"id": "recipes", "readme_path": "readmes/recipes.txt"}),
        json.dumps({"id": "described", "readme": "# renamr\n\nRenames things.",
                    "description": "A command-line utility that renames files"}),
        json.dumps({"id": "abs", "readme_path": str(DATEFMT)}),
    ]
    path = folder / "input.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


EXPECTED_BATCH_IDS = ["fetchy", 2, "recipes", "described", "abs"]
BAD_BATCH_LINES = (3, 4, 5)


def test_batch_tags_good_lines_in_order_and_reports_bad_ones(capsys, batch_input, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # readme_path is relative to the input file, not to the working folder
    code, out, err = run_main(capsys, "batch", batch_input, "--jobs", "1", "--tag-format", "name")
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [record["id"] for record in records] == EXPECTED_BATCH_IDS
    by_id = {record["id"]: record["tags"] for record in records}
    assert "cli" in by_id["fetchy"]
    assert "k8s" in by_id[2]
    assert by_id["recipes"] == []
    assert "cli" in by_id["described"]
    assert "lib" in by_id["abs"]
    reported = [line for line in err.splitlines() if line.startswith(f"{batch_input}:")]
    assert [int(line.split(":")[1]) for line in reported] == list(BAD_BATCH_LINES)
    assert "JSON" in reported[0] and "id" in reported[1] and "missing.md" in reported[2]


def test_batch_jobs_2_gives_the_same_output_as_jobs_1(batch_input, tmp_path):
    one = run_cli("batch", batch_input, "--jobs", "1", "--output", tmp_path / "one.jsonl")
    two = run_cli("batch", batch_input, "--jobs", "2", "--output", tmp_path / "two.jsonl")
    assert (one.returncode, two.returncode) == (1, 1)
    assert one.stdout == two.stdout == b""
    first = (tmp_path / "one.jsonl").read_text()
    assert [json.loads(line)["id"] for line in first.splitlines()] == EXPECTED_BATCH_IDS
    assert (tmp_path / "two.jsonl").read_text() == first


def test_batch_all_good_exits_0(capsys, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "readme": "# fetchy\n\nA command-line tool for downloading files."}) + "\n")
    code, out, _ = run_main(capsys, "batch", path, "--jobs", "1", "--tag-format", "object")
    assert code == 0
    assert json.loads(out) == {"id": "a", "tags": [{"id": 4, "name": "cli"}]}


def test_batch_from_stdin(tmp_path):
    line = json.dumps({"id": "s", "readme": "# fetchy\n\nA command-line tool for downloading files."}) + "\n"
    done = run_cli("batch", "-", "--jobs", "1", "--tag-format", "name", stdin=line.encode())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": "s", "tags": ["cli"]}


def test_batch_missing_input_exits_2(capsys, tmp_path):
    code, out, err = run_main(capsys, "batch", tmp_path / "nope.jsonl", "--jobs", "1")
    assert (code, out) == (2, "")
    assert "nope.jsonl" in error_line(err)


def test_batch_bad_vocabulary_exits_2(capsys, batch_input, write_vocabulary):
    code, out, err = run_main(capsys, "batch", batch_input, "--vocabulary", write_vocabulary("[]"), "--jobs", "1")
    assert (code, out) == (2, "")


# --- eval -----------------------------------------------------------------------------------------

def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_eval_perfect_predictions_with_two_annotators(capsys, tmp_path):
    labels = write_jsonl(tmp_path / "labels.jsonl", [{"id": "1", "a": ["cli"], "b": ["cli"]},
                                                      {"id": "2", "a": ["k8s", "storage"], "b": ["k8s", "storage"]}])
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [
        {"id": "1", "tags": [{"id": 4, "name": "cli"}]}, {"id": "2", "tags": ["k8s", "storage"]}])
    code, out, _ = run_main(capsys, "eval", labels, predictions)
    assert code == 0
    scores = one_json_object(out)
    assert scores["n"] == 2
    assert scores["f1_vs_annotators"] == 1.0
    assert scores["annotator_ceiling_f1"] == 1.0
    assert scores["top1_hit"] == 1.0


def test_eval_plain_labels_and_a_missing_prediction(capsys, tmp_path):
    labels = write_jsonl(tmp_path / "labels.jsonl", [{"id": 1, "tags": ["cli"]}, {"id": 2, "tags": ["k8s"]}])
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [{"id": "1", "tags": ["cli"]}])
    code, out, _ = run_main(capsys, "eval", labels, predictions)
    assert code == 0
    scores = one_json_object(out)
    assert scores["n"] == 2
    assert scores["f1_vs_annotators"] == 0.5, "one right, one missed"
    assert scores["annotator_ceiling_f1"] is None, "one annotator: no ceiling"
    assert scores["empty_predictions"] == 1


def test_eval_pipeline_batch_then_eval(capsys, tmp_path):
    readmes = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "readme_path": str(FETCHY)},
                                                  {"id": "b", "readme_path": str(RECIPES)}])
    labels = write_jsonl(tmp_path / "labels.jsonl", [{"id": "a", "tags": ["cli"]}, {"id": "b", "tags": []}])
    code, _, _ = run_main(capsys, "batch", readmes, "--jobs", "1", "--output", tmp_path / "predictions.jsonl")
    assert code == 0
    code, out, _ = run_main(capsys, "eval", labels, tmp_path / "predictions.jsonl")
    assert code == 0
    assert one_json_object(out)["f1_vs_annotators"] == 1.0


@pytest.mark.parametrize("bad_line, where", [("{broken", ":2:"), ('{"tags": ["cli"]}', ":2:"), ("[1, 2]", ":2:"),
                                             ('{"id": "2", "tags": null}', ":2:"),
                                             ('{"id": "2", "tags": "cli"}', ":2:"),
                                             ('{"id": "2", "a": null, "b": ["cli"]}', ":2:")])
def test_eval_bad_label_line_exits_2_naming_it(capsys, tmp_path, bad_line, where):
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"id": "1", "tags": ["cli"]}) + "\n" + bad_line + "\n")
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [{"id": "1", "tags": ["cli"]}])
    code, out, err = run_main(capsys, "eval", labels, predictions)
    assert (code, out) == (2, "")
    assert f"{labels}{where}" in error_line(err)


def test_eval_bad_prediction_line_exits_2_naming_it(capsys, tmp_path):
    labels = write_jsonl(tmp_path / "labels.jsonl", [{"id": "1", "tags": ["cli"]}])
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text('{"id": "1", "tags": null}\n')
    code, out, err = run_main(capsys, "eval", labels, predictions)
    assert (code, out) == (2, "")
    assert f"{predictions}:1:" in error_line(err)


def test_eval_missing_file_exits_2(capsys, tmp_path):
    predictions = write_jsonl(tmp_path / "predictions.jsonl", [{"id": "1", "tags": ["cli"]}])
    code, out, err = run_main(capsys, "eval", tmp_path / "nope.jsonl", predictions)
    assert (code, out) == (2, "")
    assert "nope.jsonl" in error_line(err)


HOSTILE_BATCH_LINES = [
    ("nested too deeply", "[" * 100_000),
    ("nul byte in readme_path", json.dumps({"id": "n", "readme_path": "a\u0000b"})),
    ("lone surrogate id", '{"id": "\\ud800", "readme": "# t\\n\\nA command-line tool for downloading files."}'),
    ("NaN id", '{"id": NaN, "readme": "x"}'),
    ("Infinity id", '{"id": Infinity, "readme": "x"}'),
    ("readme not a string", json.dumps({"id": "r", "readme": ["x"]})),
    ("description not a string", json.dumps({"id": "d", "readme": "x", "description": 5})),
    ("readme_path a folder", json.dumps({"id": "f", "readme_path": "."})),
    ("not an object", json.dumps(["id", 1])),
]


@pytest.mark.parametrize("bad_line", [case[1] for case in HOSTILE_BATCH_LINES],
                         ids=[case[0] for case in HOSTILE_BATCH_LINES])
def test_batch_hostile_line_is_reported_and_the_rest_still_run(capsys, tmp_path, bad_line):
    path = tmp_path / "in.jsonl"
    good = json.dumps({"id": "good", "readme": "# fetchy\n\nA command-line tool for downloading files."})
    path.write_text(good + "\n" + bad_line + "\n" + good.replace('"good"', '"after"') + "\n")
    code, out, err = run_main(capsys, "batch", path, "--jobs", "1", "--tag-format", "name")
    assert code == 1
    assert [json.loads(line) for line in out.splitlines()] == [{"id": "good", "tags": ["cli"]},
                                                                {"id": "after", "tags": ["cli"]}]
    reported = [line for line in err.splitlines() if line.startswith(f"{path}:")]
    assert len(reported) == 1 and reported[0].startswith(f"{path}:2: ")


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Re-running on the same READMEs must not flip topics: set and dict order (PYTHONHASHSEED)
    must not leak into scores, ties or evidence."""
    import yaml

    cases = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps({"id": case["id"], "readme": case["readme"],
                                        "description": case.get("description")}) + "\n" for case in cases))
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONHASHSEED=seed)
        batch = subprocess.run([sys.executable, "-m", "bot", "batch", str(path), "--jobs", "1"], capture_output=True,
                               cwd=REPO_ROOT, env=env, timeout=120)
        explain = subprocess.run([sys.executable, "-m", "bot", "tag", str(KUBE), "--explain"], capture_output=True,
                                 cwd=REPO_ROOT, env=env, timeout=120)
        outputs.append((batch.returncode, batch.stdout, explain.stdout, explain.stderr))
    assert outputs[0][0] == 0
    assert len(outputs[0][1].splitlines()) == len(cases)
    assert outputs[0] == outputs[1]
