"""`readme-tagger repo` against the local GitHub server: JSON, topics, failures, Actions mode."""

import json

import pytest

from bot import repo_cli
from bot.cli import build_parser
from bot.vocabulary import load_vocabulary
from github_fixtures import read_step_outputs
from github_server import Fault, timeout

TOKEN = "ghp_admin0123456789abcdef"
READ_ONLY = "ghs_readonly0123456789"
DB_README = "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n"
FAAS_README = "# Fire\n\nSecure and fast microVMs for serverless computing.\n"


@pytest.fixture
def server(github_server):
    github_server.add_token(TOKEN, "admin")
    github_server.add_token(READ_ONLY, "read")
    github_server.add_repo("octo/qdb", DB_README, topics=["rust", "embedded"])
    github_server.add_repo("octo/fire", FAAS_README, description="microVMs")
    return github_server


class Runner:
    def __init__(self, server, clock, capsys, tmp_path):
        self.server, self.clock, self.capsys, self.tmp_path = server, clock, capsys, tmp_path

    def __call__(self, *argv, token=TOKEN, actions=False, **environ):
        env = {"GITHUB_API_URL": self.server.url, **environ}
        if token:
            env["GITHUB_TOKEN"] = token
        if actions:
            env.update(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(self.tmp_path / "output"),
                       GITHUB_STEP_SUMMARY=str(self.tmp_path / "summary"))
        args = build_parser().parse_args(["repo", *argv, "--timeout", "1"])
        code = repo_cli.run(args, clock=self.clock, environ=env)
        out, err = self.capsys.readouterr()
        return code, out, err

    def lines(self, out: str) -> list[dict]:
        return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def run(server, clock, capsys, tmp_path):
    return Runner(server, clock, capsys, tmp_path)


def test_default_writes_json_only(run, server):
    code, out, err = run("octo/qdb", "--tag-format", "name")
    assert code == 0
    assert run.lines(out) == [{"id": "octo/qdb", "tags": ["cli", "nosql"]}]
    assert server.writes() == []
    assert "tags cli, nosql" in err


def test_topics_are_added_and_existing_kept(run, server):
    code, out, _ = run("octo/qdb", "--write", "topics")
    assert code == 0
    vocabulary = load_vocabulary()
    assert run.lines(out)[0]["tags"] == [vocabulary.by_name["cli"].as_object(),
                                         vocabulary.by_name["nosql"].as_object()]
    assert server.topics("octo/qdb") == ["rust", "embedded", "cli", "nosql"]


def test_write_is_built_from_a_fresh_read(run, server):
    # Someone adds a topic after the repository was read: the write must keep it.
    server.on("GET", "/readme", lambda s: s.repos["octo/qdb"].topics.append("added-meanwhile"))
    assert run("octo/qdb", "--write", "topics")[0] == 0
    assert server.topics("octo/qdb") == ["rust", "embedded", "added-meanwhile", "cli", "nosql"]


def test_nothing_to_change_means_no_write(run, server):
    server.repos["octo/qdb"].topics = ["nosql", "cli"]
    assert run("octo/qdb", "--write", "topics")[0] == 0
    assert server.writes() == []


def test_twenty_topics_nothing_lost_nothing_sent(run, server):
    full = [f"topic-{i}" for i in range(20)]
    server.repos["octo/qdb"].topics = list(full)
    code, out, err = run("octo/qdb", "--write", "topics")
    assert code == 0
    assert server.topics("octo/qdb") == full and server.writes() == []
    assert "GitHub allows 20 topics and it has 20 with the tags that fit; not added: cli, nosql" in err
    assert run.lines(out)[0]["tags"]


def test_nineteen_topics_best_tag_fits(run, server):
    server.repos["octo/qdb"].topics = [f"topic-{i}" for i in range(19)]
    assert run("octo/qdb", "--write", "topics", "--tag-format", "id")[0] == 0
    assert server.topics("octo/qdb") == [f"topic-{i}" for i in range(19)] + ["cli"]


@pytest.mark.parametrize("readme, why", [(None, "has no README"), ("", "has an empty README (README.md)"),
                                         ("  \n\n", "has an empty README (README.md)")])
def test_missing_or_empty_readme_notice_no_tags_no_write(run, server, readme, why):
    server.add_repo("octo/bare", readme, topics=["mine"])
    code, out, err = run("octo/bare", "--write", "topics", "--sync")
    assert code == 0
    assert run.lines(out) == [{"id": "octo/bare", "tags": []}]
    assert f"readme-tagger: notice: octo/bare {why}: no tags chosen, topics left unchanged" in err
    assert server.writes() == [] and server.topics("octo/bare") == ["mine"]


def test_read_only_token_keeps_json_and_fails_when_topics_asked(run, server):
    code, out, err = run("octo/qdb", "--write", "topics", token=READ_ONLY)
    assert code == 1
    line = run.lines(out)[0]
    assert line["tags"] and 'Resource not accessible by integration' in line["error"]
    assert '"Administration: write"' in err
    assert server.topics("octo/qdb") == ["rust", "embedded"]


def test_read_only_token_is_enough_for_json(run, server):
    assert run("octo/qdb", token=READ_ONLY)[0] == 0


def test_write_failing_mid_run_loses_nothing(run, server, clock):
    server.fault("PUT", "/octo/qdb/topics", *[Fault(502)] * 4)
    code, out, err = run("octo/qdb", "octo/fire", "--write", "topics")
    assert code == 1
    first, second = run.lines(out)
    assert "GitHub answered 502" in first["error"] and "error" not in second
    assert server.topics("octo/qdb") == ["rust", "embedded"]
    assert server.topics("octo/fire") == ["serverless"]
    assert "readme-tagger: error: octo/qdb: cannot write the topics of octo/qdb" in err


def test_write_retried_after_timeout_sends_the_same_set(run, server):
    server.fault("PUT", "/topics", timeout())
    assert run("octo/qdb", "--write", "topics")[0] == 0
    assert server.topics("octo/qdb") == ["rust", "embedded", "cli", "nosql"]
    bodies = [json.loads(w["body"]) for w in server.writes()]
    assert bodies[0] == bodies[-1] == {"names": ["rust", "embedded", "cli", "nosql"]}


def test_retried_write_reads_the_topics_again(run, server):
    reads = []

    def someone_edits_between_attempts(s):
        reads.append(1)
        if len(reads) == 2:
            s.repos["octo/qdb"].topics.append("added-meanwhile")

    server.on("GET", "/topics", someone_edits_between_attempts)
    server.fault("PUT", "/topics", Fault(502))
    assert run("octo/qdb", "--write", "topics")[0] == 0
    assert server.topics("octo/qdb") == ["rust", "embedded", "added-meanwhile", "cli", "nosql"]
    assert len(reads) == 2


def test_pause_between_writes_goes_through_the_clock(run, server, clock):
    assert run("octo/qdb", "octo/fire", "--write", "topics")[0] == 0
    assert clock.waits == [1.0]


def test_dry_run_shows_the_difference_and_writes_nothing(run, server):
    code, out, err = run("octo/qdb", "--write", "topics", "--dry-run")
    assert code == 0 and server.writes() == []
    assert run.lines(out)[0]["id"] == "octo/qdb"
    assert "octo/qdb: dry run, topics +cli +nosql: [rust, embedded] -> [rust, embedded, cli, nosql]" in err


def test_sync_removes_only_unchosen_vocabulary_topics(run, server):
    server.repos["octo/qdb"].topics = ["rust", "database", "game-engine", "cli"]
    assert run("octo/qdb", "--write", "topics", "--sync")[0] == 0
    assert server.topics("octo/qdb") == ["rust", "cli", "nosql"]


def test_archived_repository_is_left_alone(run, server):
    server.repos["octo/qdb"].archived = True
    code, _, err = run("octo/qdb", "--write", "topics")
    assert code == 0 and server.writes() == []
    assert "octo/qdb is archived" in err


def test_missing_repository_fails_others_go_on(run, server):
    code, out, err = run("octo/nope", "octo/fire")
    assert code == 1
    assert [line.get("error", "")[:28] for line in run.lines(out)] == ["cannot read octo/nope: not f", ""]
    assert "check the name 'octo/nope'" in err


def test_bad_credentials_exit_2(run, server):
    code, out, err = run("octo/qdb", token="ghp_not_a_real_token")
    assert code == 2 and out == ""
    assert "GitHub rejected the token (401 Bad credentials)" in err
    assert "ghp_not_a_real_token" not in err


@pytest.mark.parametrize("argv, message", [
    (["octo/qdb", "--vocabulary", "/no/such/file.json"], "/no/such/file.json"),
    (["not-a-repo"], "is not a repository name"),
    (["octo/qdb", "octo/fire", "--id", "x"], "--id names one repository"),
    ([], "no repository given"),
])
def test_usage_errors_exit_2_before_any_request(run, server, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == "" and message in err
    assert server.requests == []


def test_without_a_token_reads_anonymously_with_a_notice(run, server):
    code, out, err = run("octo/fire", token=None)
    assert code == 0 and run.lines(out)[0]["tags"]
    assert "readme-tagger: notice: no token: reading anonymously" in err
    assert {request["authorization"] for request in server.requests} == {None}


def test_actions_mode_usage_error_is_an_error_annotation(run, server):
    code, out, err = run("octo/qdb", "--vocabulary", "/no/such/file.json", actions=True)
    assert code == 2 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"::add-mask::{TOKEN}"
    assert lines[1].startswith("::error::/no/such/file.json") and len(lines) == 2


def test_write_topics_without_a_token_is_a_usage_error(run, server):
    code, _, err = run("octo/qdb", "--write", "topics", token=None)
    assert code == 2 and "--write topics needs a token" in err


def test_id_and_output_file(run, server, tmp_path):
    target = tmp_path / "tags.jsonl"
    code, out, _ = run("octo/fire", "--id", "1118", "--output", str(target), "--tag-format", "name")
    assert code == 0 and out == ""
    assert target.read_text() == '{"id": "1118", "tags": ["serverless"]}\n'


def test_repository_from_github_repository(run, server):
    code, out, _ = run("--tag-format", "name", GITHUB_REPOSITORY="octo/fire")
    assert run.lines(out) == [{"id": "octo/fire", "tags": ["serverless"]}]


def test_actions_mode_outputs_summary_and_commands(run, server, tmp_path):
    server.add_repo("octo/bare", None)
    code, out, err = run("octo/qdb", "octo/bare", "--write", "topics", "--tag-format", "name", actions=True)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"::add-mask::{TOKEN}"
    assert "::notice::octo/bare has no README: no tags chosen, topics left unchanged" in lines
    assert not any(line.startswith("{") for line in lines)  # the JSON goes to GITHUB_OUTPUT
    outputs = read_step_outputs(tmp_path / "output")
    assert json.loads(outputs["tags"]) == ["cli", "nosql"]
    assert outputs["added-topics"] == "cli,nosql"
    assert [json.loads(line) for line in outputs["json"].splitlines()] == [
        {"id": "octo/qdb", "tags": ["cli", "nosql"]}, {"id": "octo/bare", "tags": []}]
    summary = (tmp_path / "summary").read_text()
    assert "### octo/qdb" in summary and "| cli |" in summary and "| nosql |" in summary
    assert "Topics: topics +cli +nosql" in summary


def test_actions_mode_failure_is_an_error_annotation(run, server, tmp_path):
    code, out, _ = run("octo/qdb", "--write", "topics", token=READ_ONLY, actions=True)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error::")]
    assert len(errors) == 1 and "Resource not accessible by integration" in errors[0]
    assert "Administration: write" in (tmp_path / "summary").read_text()


def test_tag_command_does_not_import_pygithub(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    readme = tmp_path / "README.md"
    readme.write_text(FAAS_README)
    code = ("import sys; from bot.cli import main; rc = main(['tag', sys.argv[1]]); "
            "print('github' in sys.modules, 'requests' in sys.modules, file=sys.stderr); sys.exit(rc)")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code, str(readme)], capture_output=True, text=True,
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "False False"
    assert '"serverless"' in done.stdout


def test_tag_names_become_topics_and_impossible_ones_are_reported(run, server, tmp_path):
    vocabulary = tmp_path / "vocabulary.json"
    vocabulary.write_text('[{"id": 1, "name": "C++"}, {"id": 2, "name": "Key Value"}, {"id": 3, "name": "database"}]')
    server.add_repo("octo/kv", "# kv\n\nA fast key value database written in C++. C++ key value store, C++17.\n")
    code, out, err = run("octo/kv", "--vocabulary", str(vocabulary), "--write", "topics", "--tag-format", "name")
    assert code == 0
    assert sorted(run.lines(out)[0]["tags"]) == ["C++", "Key Value", "database"]
    assert sorted(server.topics("octo/kv")) == ["database", "key-value"]
    assert "tag 'C++' cannot be a topic" in err


def test_readme_over_1_mb_is_read_raw_and_truncation_is_said(run, server):
    server.add_repo("octo/huge", "# huge\n\nA key-value database.\n\n" + "Filler text here. " * 70_000,
                    large_readme=True)
    code, out, err = run("octo/huge", "--tag-format", "name")
    assert code == 0 and run.lines(out)[0]["id"] == "octo/huge"
    assert "readme-tagger: warning: octo/huge: README.md is long; only its start was read" in err


def test_token_revoked_mid_run_stops_with_exit_2_and_keeps_earlier_lines(run, server):
    server.fault("GET", "/repos/octo/fire", Fault(401, {"message": "Bad credentials",
                                                        "documentation_url": "https://docs.github.com"}))
    code, out, err = run("octo/qdb", "octo/fire", "octo/qdb")
    assert code == 2
    assert [line["id"] for line in run.lines(out)] == ["octo/qdb"]
    assert "cannot read octo/fire: GitHub rejected the token (401 Bad credentials)" in err
