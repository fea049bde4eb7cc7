"""The token never shows: not on stdout or stderr, not in the step summary, GITHUB_OUTPUT or the
--output JSON, not in errors, tracebacks or --explain output; in Actions only the ::add-mask::
line names it. Every run here uses a known token, and the server echoes it back in its error
messages wherever it can, so a path that prints what GitHub said would leak it."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fault_run
from fault_run import outputs_of
from github_server import DOCS, Fault, html_page, rate_limited, reset, timeout
from secret_scan import find_leaks

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "ghp_SecretScanToken0123456789abcdefXYZ"
README = "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n"
NAMES = ["octo/qdb", "octo/other"]


def run_once(*args, token=TOKEN, **options):
    return fault_run.run_once(*args, token=token, **options)


def echo(status: int) -> Fault:
    """An error whose message repeats the token, as a badly behaved proxy or server might."""
    return Fault(status, {"message": f"token {TOKEN} is not welcome here", "documentation_url": DOCS})


FAULTS = {
    "none": [],
    "500-echo": [echo(500)],
    "5xx-burst-echo": [echo(502)] * 4,
    "reset": [reset()],
    "reset-after-write": [reset(applied=True)],
    "proxy-page": [html_page(200)] * 4,
    "rate-limit": [rate_limited(retry_after=5)],
    "rate-limit-too-long": [rate_limited(reset=2_000_000_000)],
    "422-echo": [echo(422)],
    "403-echo": [echo(403)],
    "404-echo": [echo(404)],
    "401-echo": [echo(401)],
    "timeout": [timeout()],
}


@pytest.fixture
def server(github_server):
    github_server.add_token(TOKEN, "admin")
    github_server.add_repo("octo/qdb", README, topics=["rust"])
    github_server.add_repo("octo/other", README)
    return github_server


def scan(output, capsys, actions: bool) -> list[str]:
    stray_out, stray_err = capsys.readouterr()
    outputs = {**outputs_of(output), "sys.stdout": stray_out, "sys.stderr": stray_err}
    masks = [line for line in output.stdout.splitlines() if line.startswith("::add-mask::")]
    assert masks == ([f"::add-mask::{TOKEN}"] if actions else []), "the token is announced once, first"
    return find_leaks(outputs, TOKEN)


def test_the_scanner_finds_the_token_and_pieces_of_it():
    assert find_leaks({"out": f"::add-mask::{TOKEN}\nok"}, TOKEN) == []
    assert find_leaks({"out": f"a\nAuthorization: token {TOKEN}"}, TOKEN) == [f"out:2: Authorization: token {TOKEN}"]
    assert find_leaks({"err": f"...{TOKEN[5:19]}..."}, TOKEN)  # a piece is a leak too
    assert find_leaks({"x": f"::add-mask::{TOKEN} "}, TOKEN)  # only the exact mask line is allowed


# Each fault on each call; a timeout costs a real second, so it is tried on the write only.
CASES = [(kind, endpoint) for kind in FAULTS for endpoint in ("GET /readme", "GET /topics", "PUT /topics")
         if kind != "timeout" or endpoint == "PUT /topics"]


@pytest.mark.parametrize("actions", [True, False], ids=["actions", "plain"])
@pytest.mark.parametrize("kind, endpoint", CASES)
def test_no_fault_prints_the_token(server, clock, capsys, tmp_path, kind, endpoint, actions):
    method, suffix = endpoint.split()
    server.fault(method, "/repos/octo/qdb" + suffix, *FAULTS[kind])
    output = run_once(server, clock, tmp_path, NAMES, resume=False, actions=actions)
    assert output.code in (0, 1, 2)
    assert scan(output, capsys, actions) == []
    if kind in ("5xx-burst-echo", "422-echo", "403-echo", "401-echo"):
        assert "token *** is not welcome here" in output.stdout + output.stderr  # redacted, not dropped
    assert {request["authorization"] for request in server.requests} == {f"token {TOKEN}"}


@pytest.mark.parametrize("actions", [True, False], ids=["actions", "plain"])
@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--sync"]], ids=["write", "dry-run", "sync"])
def test_successful_runs_do_not_print_the_token(server, clock, capsys, tmp_path, extra, actions):
    server.add_repo("octo/bare", None)
    output = run_once(server, clock, tmp_path, NAMES + ["octo/bare"], resume=False, actions=actions, extra=extra)
    assert output.code == 0
    assert scan(output, capsys, actions) == []


@pytest.mark.parametrize("case", ["unknown-token", "read-only-token", "unwritable-output", "output-is-a-folder",
                                  "bad-vocabulary", "revoked-mid-run"])
def test_failing_runs_do_not_print_the_token(server, clock, capsys, tmp_path, case):
    output_path, extra = None, []
    if case == "unknown-token":
        server.tokens.pop(TOKEN)
    elif case == "read-only-token":
        server.tokens[TOKEN] = "read"
    elif case == "unwritable-output":
        output_path = "/dev/full"
    elif case == "output-is-a-folder":
        output_path = str(tmp_path)
    elif case == "bad-vocabulary":
        (tmp_path / "v.json").write_text(json.dumps([{"id": 1, "name": TOKEN}, {"id": 1, "name": "x"}]))
        extra = ["--vocabulary", str(tmp_path / "v.json")]
    else:
        server.fault("GET", "/repos/octo/other", echo(401))
    output = run_once(server, clock, tmp_path, NAMES, resume=False, output=output_path, extra=extra)
    assert output.code in (1, 2)
    assert scan(output, capsys, True) == []


@pytest.mark.parametrize("token", [f"{TOKEN}\n", f"  {TOKEN}\t", f"{TOKEN}\r\n"], ids=["newline", "spaces", "crlf"])
def test_a_token_with_white_space_around_it_works_and_stays_hidden(server, clock, capsys, tmp_path, token):
    output = run_once(server, clock, tmp_path, NAMES, resume=False, token=token)
    assert output.code == 0 and server.topics("octo/qdb") == ["rust", "cli", "nosql"]
    assert scan(output, capsys, True) == []


def test_a_token_of_two_lines_is_masked_line_by_line(server, clock, capsys, tmp_path):
    first, second = TOKEN[:20], TOKEN[20:] + "Second"
    output = run_once(server, clock, tmp_path, NAMES, resume=False, token=f"{first}\n{second}")
    masks = [line for line in output.stdout.splitlines() if line.startswith("::add-mask::")]
    assert masks == [f"::add-mask::{first}", f"::add-mask::{second}"]
    everything = "\n".join(outputs_of(output).values())
    assert [line for line in everything.splitlines() if (first in line or second in line)] == masks
    capsys.readouterr()


# -- the real entry point, in a subprocess: what the interpreter itself prints ----------------------

def entry_point(server, tmp_path, argv, token=TOKEN, code="from bot.cli import main; sys.exit(main())", **env):
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "GITHUB_TOKEN": token,
               "GITHUB_API_URL": server.url, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), **env}
    return subprocess.Popen([sys.executable, "-c", f"import sys; sys.argv[1:] = {argv!r}; {code}"], cwd=tmp_path,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process) -> dict:
    stdout, stderr = process.communicate(timeout=120)
    return {"code": process.returncode, "stdout": stdout, "stderr": stderr}


def printed(result: dict, tmp_path) -> dict:
    summary = tmp_path / "summary.md"
    return {"stdout": result["stdout"], "stderr": result["stderr"],
            "summary": summary.read_text() if summary.exists() else ""}


def test_bad_credentials_through_the_entry_point(server, tmp_path):
    server.tokens.clear()
    result = finished(entry_point(server, tmp_path, ["repo", "octo/qdb", "--timeout", "1"], GITHUB_ACTIONS="true"))
    assert result["code"] == 2 and "rejected the token (401 Bad credentials)" in result["stdout"]
    assert find_leaks(printed(result, tmp_path), TOKEN) == []


def test_a_crash_prints_a_traceback_without_the_token(server, tmp_path):
    # A bug deep in a run (simulated: the topic planner raises) ends in a traceback: it names code, not secrets.
    crash = ("import bot.topics\ndef plan(*args, **kwargs): raise RuntimeError('simulated bug')\n"
             "bot.topics.plan = plan\nfrom bot.cli import main; sys.exit(main())")
    result = finished(entry_point(server, tmp_path, ["repo", "octo/qdb", "--write", "topics", "--timeout", "1"],
                                  code=crash))
    assert result["code"] == 1 and "Traceback" in result["stderr"] and "simulated bug" in result["stderr"]
    assert server.topics("octo/qdb") == ["rust"]
    assert find_leaks(printed(result, tmp_path), TOKEN) == []


def test_an_interrupted_run_does_not_print_the_token(server, tmp_path):
    server.fault("GET", "/repos/octo/other/readme", timeout())
    process = entry_point(server, tmp_path, ["repo", *NAMES, "--write", "topics", "--timeout", "1"],
                          GITHUB_ACTIONS="true")
    deadline = time.monotonic() + 60
    while not any(r["path"].endswith("/octo/other/readme") for r in server.requests) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    result = finished(process)
    assert result["code"] == 130 and "readme-tagger: interrupted" in result["stderr"]
    assert server.topics("octo/qdb") == ["rust", "cli", "nosql"]  # what was done stays done
    assert find_leaks(printed(result, tmp_path), TOKEN) == []


def test_explain_and_batch_do_not_print_a_token_found_in_the_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README + f"\nexport GITHUB_TOKEN={TOKEN}\n\nDeploy with token {TOKEN} on the CLI.\n")
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": 1, "readme": readme.read_text()}) + "\n")
    environ = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "GITHUB_TOKEN": TOKEN}
    runs = {}
    for name, argv in {"tag": ["tag", str(readme), "--explain"],
                       "batch": ["batch", "in.jsonl", "--output", "out.jsonl", "--jobs", "1"]}.items():
        done = subprocess.run([sys.executable, "-m", "bot", *argv], cwd=tmp_path, env=environ, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.update({f"{name} stdout": done.stdout, f"{name} stderr": done.stderr})
    runs["out.jsonl"] = (tmp_path / "out.jsonl").read_text()
    assert '"cli"' in runs["tag stdout"] and '"evidence"' in runs["tag stdout"] and "score" in runs["tag stderr"]
    assert find_leaks(runs, TOKEN) == []


@pytest.mark.parametrize("fault", ["none", "500-echo", "5xx-burst-echo", "401-echo", "proxy-page"])
def test_an_organisation_scan_does_not_print_the_token(server, clock, capsys, tmp_path, fault):
    from bot import org_scan  # `org NAME`: the scan code that long `repo` lists share
    from bot.cli import build_parser

    for suffix in ("/orgs/octo/repos", "/graphql"):
        server.fault("GET" if suffix.startswith("/orgs") else "POST", suffix, *FAULTS[fault])
    (tmp_path / "summary.md").write_text("")
    (tmp_path / "output.txt").write_text("")
    environ = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN, "GITHUB_ACTIONS": "true",
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output.txt")}
    args = build_parser().parse_args(["org", "octo", "--write", "topics", "--timeout", "1", "--cache",
                                      str(tmp_path / "cache"), "--output", str(tmp_path / "tags.jsonl")])
    stdout, stderr = io.StringIO(), io.StringIO()
    code = org_scan.run(args, clock, environ, stdout, stderr)
    output = fault_run.RunOutput(code, stdout.getvalue(), stderr.getvalue(), (tmp_path / "summary.md").read_text(),
                                 (tmp_path / "output.txt").read_text(), (tmp_path / "tags.jsonl").read_text()
                                 if (tmp_path / "tags.jsonl").exists() else "")
    assert code in (0, 1, 2)
    assert scan(output, capsys, True) == []
    assert any(request["path"].endswith("/orgs/octo/repos") for request in server.requests)


def test_the_hundred_repository_fault_run_prints_no_token(github_server, clock, tmp_path):
    report = fault_run.scenario(github_server, clock, tmp_path, seed=11, count=40, rate=0.5,
                                kinds=fault_run.QUICK_KINDS)
    assert report.faults_served >= 10 and report.leaks == []
