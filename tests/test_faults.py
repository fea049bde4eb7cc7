"""Faults against the local GitHub server: every injected fault ends with the topics unchanged or
correctly written, never partly lost; failures are named (exit code, ::error::, step summary,
JSON) and a run can be resumed. Real HTTP through PyGithub; waits go through the recording clock."""

import json

import pytest

import fault_run
from fault_run import TOKEN, run_once
from github_server import DOCS, Fault, cut, html_page, rate_limited, reset, slow

REPO = "octo/r000"
README = "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n"
BEFORE = ["rust", "embedded"]
AFTER = ["rust", "embedded", "cli", "nosql"]
ENDPOINTS = {"repository": ("GET", f"/repos/{REPO}"), "readme": ("GET", "/readme"),
             "topics": ("GET", "/topics"), "write": ("PUT", "/topics")}


@pytest.fixture
def server(github_server):
    github_server.add_token(TOKEN, "admin")
    github_server.add_repo(REPO, README, topics=list(BEFORE))
    return github_server


def run(server, clock, tmp_path, *names, resume=False):
    return run_once(server, clock, tmp_path / "run", list(names or [REPO]), resume)


def lines(output) -> list[dict]:
    return [json.loads(line) for line in output.jsonl.splitlines()]


ONE_SHOT = {"reset": reset(), "reset-after-write": reset(applied=True), "cut": cut(),
            "cut-after-write": cut(applied=True), "proxy-502-page": html_page(502),
            "proxy-200-page": html_page(200), "500": Fault(500), "503": Fault(503)}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("kind", ONE_SHOT)
def test_one_transient_fault_is_retried_and_the_topics_written(server, clock, tmp_path, kind, endpoint):
    server.fault(*ENDPOINTS[endpoint], ONE_SHOT[kind])
    output = run(server, clock, tmp_path)
    assert output.code == 0, output.stdout
    assert server.topics(REPO) == AFTER
    assert lines(output) == [{"id": REPO, "tags": ["cli", "nosql"]}]
    assert 2.0 in clock.waits  # the retry waited through the clock
    assert server.faults[ENDPOINTS[endpoint]] == []  # the fault was really served


def test_a_write_whose_answer_is_lost_is_not_sent_twice(server, clock, tmp_path):
    server.fault("PUT", "/topics", reset(applied=True))
    assert run(server, clock, tmp_path).code == 0
    assert server.topics(REPO) == AFTER
    assert len(server.writes()) == 1  # the retry read the topics again and saw nothing to change


@pytest.mark.parametrize("fault", [reset(applied=True), cut(applied=True)], ids=["reset", "cut"])
def test_a_write_whose_answer_is_lost_is_still_reported_as_written(server, clock, tmp_path, fault):
    server.fault("PUT", "/topics", fault)
    output = run(server, clock, tmp_path)
    assert output.code == 0 and server.topics(REPO) == AFTER
    assert "added-topics<<" in output.step_output and "\ncli,nosql\n" in output.step_output
    assert "Topics: topics +cli +nosql" in output.summary
    assert f"{REPO}: topics +cli +nosql" in output.stdout


def test_a_proxy_page_answering_a_write_is_not_taken_for_the_write(server, clock, tmp_path):
    server.fault("PUT", "/topics", *[html_page(200)] * 4)
    output = run(server, clock, tmp_path)
    assert output.code == 1 and server.topics(REPO) == BEFORE
    assert "is not GitHub's JSON" in lines(output)[0]["error"]


def test_slow_answers_are_waited_for_not_retried(server, clock, tmp_path):
    for method, suffix in ENDPOINTS.values():
        server.fault(method, suffix, slow(0.02))
    assert run(server, clock, tmp_path).code == 0
    assert server.topics(REPO) == AFTER
    assert server.delays == [0.02] * 4 and clock.waits == []


PERSISTENT = {
    "5xx-burst": ([Fault(502), Fault(500), Fault(503), Fault(502)], "GitHub answered 502"),
    "resets": ([reset()] * 4, "cannot connect to"),
    "rate-limit-for-an-hour": ([rate_limited(reset=1_800_003_600, status=429)], "GitHub asks to wait 3601 s"),
    "422": ([Fault(422, {"message": "Validation Failed", "documentation_url": DOCS})], "422 Validation Failed"),
    "read-only-token": ([Fault(403, {"message": "Resource not accessible by integration",
                                     "documentation_url": DOCS})], "Administration: write"),
}


@pytest.mark.parametrize("kind", PERSISTENT)
def test_a_failed_write_leaves_the_topics_and_is_named_everywhere(server, clock, tmp_path, kind):
    faults, cause = PERSISTENT[kind]
    server.add_repo("octo/r001", README, topics=["go"])
    server.fault("PUT", f"/repos/{REPO}/topics", *faults)
    output = run(server, clock, tmp_path, REPO, "octo/r001")
    assert output.code == 1
    assert server.topics(REPO) == BEFORE and server.topics("octo/r001") == ["go", "cli", "nosql"]
    first, second = lines(output)
    assert cause in first["error"] and first["tags"] and "error" not in second
    errors = [line for line in output.stdout.splitlines() if line.startswith("::error::")]
    assert len(errors) == 1 and errors[0].startswith(f"::error::{REPO}: cannot write the topics") and cause in errors[0]
    assert "**1 of 2 repositories failed**" in output.summary and f"- {REPO}: cannot write" in output.summary
    assert f"1 of 2 repositories failed: {REPO} " in output.stdout
    report = fault_run.Report(0, 2)
    fault_run.check_failures_named(output, lines(output), report)
    assert report.unnamed == [] and report.failures == 1


def test_a_persistently_unreadable_answer_is_one_clear_line(server, clock, tmp_path):
    server.fault("GET", "/topics", *[html_page(200)] * 4)
    output = run(server, clock, tmp_path)
    assert output.code == 1 and server.topics(REPO) == BEFORE and server.writes() == []
    message = lines(output)[0]["error"]
    assert message.startswith(f"cannot write the topics of {REPO}: the answer from ")
    assert "a proxy or login page may be answering (4 attempts) (fix: run again later" in message
    assert "\n" not in message


def test_resume_retries_only_what_failed(server, clock, tmp_path):
    for number in range(1, 6):
        server.add_repo(f"octo/r00{number}", README)
    names = [REPO] + [f"octo/r00{number}" for number in range(1, 6)]
    server.fault("PUT", "/repos/octo/r003/topics", *[Fault(502)] * 4)
    first = run(server, clock, tmp_path, *names)
    assert first.code == 1 and server.topics("octo/r003") == []
    server.requests.clear()
    second = run(server, clock, tmp_path, *names, resume=True)
    assert second.code == 0 and server.topics("octo/r003") == ["cli", "nosql"]
    touched = {request["path"] for request in server.requests if "/repos/" in request["path"]}
    assert touched and all("/octo/r003" in path for path in touched)  # nothing done is read or written again
    assert [json.loads(write["body"]) for write in server.writes()] == [{"names": ["cli", "nosql"]}]
    ids = [line["id"] for line in lines(second)]
    assert ids == names + ["octo/r003"]  # appended: the earlier lines are kept


def test_resume_after_a_killed_run_cuts_the_torn_line(server, clock, tmp_path):
    server.add_repo("octo/r001", README)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "tags.jsonl").write_text(f'{{"id": "{REPO}", "tags": ["cli", "nosql"]}}\n{{"id": "octo/r0')
    output = run(server, clock, tmp_path, REPO, "octo/r001", resume=True)
    assert output.code == 0
    assert [line["id"] for line in lines(output)] == [REPO, "octo/r001"]
    assert server.topics(REPO) == BEFORE  # it was done already: not touched again


def test_resume_reads_past_garbage_in_the_earlier_output(server, clock, tmp_path):
    (tmp_path / "run").mkdir()
    earlier = "[" * 100_000 + "\nnot json\n" + json.dumps({"id": REPO, "tags": []}) + "\n"
    (tmp_path / "run" / "tags.jsonl").write_text(earlier)
    output = run(server, clock, tmp_path, REPO, "octo/r001", resume=True)
    assert output.code == 1  # octo/r001 does not exist: named, the run goes on
    assert "::error::octo/r001: cannot read octo/r001: not found (404)" in output.stdout
    assert server.topics(REPO) == BEFORE and server.writes() == []  # done before: not touched again


def test_resume_needs_an_output_file(server, clock, capsys):
    from bot import repo_cli
    from bot.cli import build_parser

    args = build_parser().parse_args(["repo", REPO, "--resume"])
    code = repo_cli.run(args, clock=clock, environ={"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN})
    assert code == 2 and "--resume needs --output FILE" in capsys.readouterr().err
    assert server.requests == []


def test_a_hundred_repositories_with_random_faults_lose_nothing(github_server, clock, tmp_path):
    report = fault_run.scenario(github_server, clock, tmp_path, seed=5, revoke=True)
    assert report.faults_served >= 25 and report.failures >= 3  # the faults really bit
    assert report.codes[0] == 2 and report.codes[-1] == 0  # stopped by the 401, then resumed to the end
    assert report.lost == [] and report.partial == []
    assert report.unnamed == [] and report.unfinished == [] and report.leaks == []
