"""End to end: the Tag step of action.yml, run by bash as a runner would (its env: block
evaluated, the runner's variables set), calling the real entry point (python -m bot repo) in a
subprocess against the local GitHub server."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from github_fixtures import read_step_outputs
from github_server import Fault

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "ghp_e2eAdminToken0123456789abcdef"
READ_ONLY = "ghs_e2eReadOnly0123456789abcdef"
DB_README = "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n"
FAAS_README = "# Fire\n\nSecure and fast microVMs for serverless computing.\n"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


@pytest.fixture
def server(github_server):
    github_server.add_token(ADMIN, "admin")
    github_server.add_token(READ_ONLY, "read")
    github_server.add_repo("octo/qdb", DB_README, topics=["rust"])
    github_server.add_repo("octo/fire", FAAS_README)
    return github_server


def _action_step(step_id: str) -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    return action, next(step for step in action["runs"]["steps"] if step.get("id") == step_id)


def run_action(server, tmp_path, token: str, repository: str = "octo/qdb", **inputs) -> dict:
    """Run the Tag step with these inputs; return exit code, stdout, stderr, outputs, summary."""
    action, step = _action_step("tag")
    context = {"github.token": token, "github.repository": repository,
               "steps.install.outputs.python": sys.executable}
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update({name.replace("_", "-"): str(value) for name, value in inputs.items()})

    def evaluate(text: str) -> str:
        def one(match):
            name = match.group(1)
            if name.startswith("inputs."):
                return evaluate(values[name[len("inputs."):]])
            assert name in context, f"the test does not know the expression {name!r}"
            return context[name]
        return EXPRESSION.sub(one, text)

    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": repository, "GITHUB_API_URL": server.url,
           "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_WORKSPACE": str(tmp_path)}
    env.update({name: evaluate(str(value)) for name, value in step["env"].items()})
    assert "${{" not in step["run"], "expressions inside run: are not allowed; pass them through env:"
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    return {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
            "outputs": read_step_outputs(outputs) if outputs.exists() else {},
            "summary": summary.read_text() if summary.exists() else ""}


def test_action_writes_topics_outputs_and_summary(server, tmp_path):
    result = run_action(server, tmp_path, ADMIN, write="topics", tag_format="name")
    assert result["code"] == 0, result["stderr"]
    assert result["stdout"].splitlines()[0] == f"::add-mask::{ADMIN}"
    assert json.loads(result["outputs"]["tags"]) == ["cli", "nosql"]
    assert result["outputs"]["added-topics"] == "cli,nosql"
    assert json.loads(result["outputs"]["json"]) == {"id": "octo/qdb", "tags": ["cli", "nosql"]}
    assert server.topics("octo/qdb") == ["rust", "cli", "nosql"]
    assert "| cli |" in result["summary"] and "Topics: topics +cli +nosql" in result["summary"]


def test_action_dry_run_with_github_token_writes_nothing(server, tmp_path):
    result = run_action(server, tmp_path, READ_ONLY, repository="octo/fire", write="topics", dry_run="true")
    assert result["code"] == 0, result["stdout"] + result["stderr"]
    assert server.writes() == []
    assert "octo/fire: dry run, topics +serverless: [] -> [serverless]" in result["stdout"]
    assert result["outputs"]["added-topics"] == "serverless"


def test_action_with_github_token_explains_the_refusal(server, tmp_path):
    output = tmp_path / "tags.jsonl"
    result = run_action(server, tmp_path, READ_ONLY, write="topics", output="tags.jsonl")
    assert result["code"] == 1
    errors = [line for line in result["stdout"].splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert 'Resource not accessible by integration' in errors[0] and 'Administration: write' in errors[0]
    line = json.loads(output.read_text())
    assert line["id"] == "octo/qdb" and line["tags"] and "Administration: write" in line["error"]
    assert server.topics("octo/qdb") == ["rust"]


def test_action_read_only_json_mode_succeeds(server, tmp_path):
    result = run_action(server, tmp_path, READ_ONLY, repository="octo/qdb octo/fire", tag_format="id")
    assert result["code"] == 0
    assert [json.loads(line)["id"] for line in result["outputs"]["json"].splitlines()] == ["octo/qdb", "octo/fire"]
    assert server.writes() == []


def test_token_appears_only_in_the_add_mask_line(server, tmp_path):
    # Every path that prints: success, no README, a missing repository, a refused write whose
    # message even echoes the token back, and the JSON artifact, outputs and summary.
    server.add_repo("octo/bare")
    server.add_repo("octo/echo", FAAS_README)
    server.fault("PUT", "/octo/echo/topics", Fault(422, {"message": f"token {ADMIN} rejected",
                                                          "documentation_url": "https://docs.github.com"}))
    result = run_action(server, tmp_path, ADMIN, repository="octo/qdb octo/bare octo/nope octo/echo",
                        write="topics", output="tags.jsonl")
    assert result["code"] == 1
    everything = "\n".join([result["stdout"], result["stderr"], result["summary"],
                            *result["outputs"].values(), (tmp_path / "tags.jsonl").read_text()])
    lines_with_token = [line for line in everything.splitlines() if ADMIN in line]
    assert lines_with_token == [f"::add-mask::{ADMIN}"]
    assert "token *** rejected" in everything  # the echo was redacted, not dropped
    authorizations = {request["authorization"] for request in server.requests}
    assert authorizations == {f"token {ADMIN}"}  # and it was really used


def test_action_with_an_unset_secret_fails_as_usage_error(server, tmp_path):
    result = run_action(server, tmp_path, "", write="topics")
    assert result["code"] == 2
    assert result["stdout"].startswith("::error::--write topics needs a token")
    assert "::add-mask::" not in result["stdout"] and server.requests == []
