"""A many-repository `readme-tagger repo --write topics` run, in Actions mode, against the local
GitHub server with seeded random faults, resumed until it is done; and the checks that it lost
no topic, wrote no partial set, named every failure (exit code, annotations, step summary, JSON)
and printed the token nowhere but in the one ::add-mask:: line.

Used by tests/test_faults.py (one seed) and bench/reliability.py (several seeds). Waits go
through a recording clock; only the `timeout` fault costs real time (the client's 1 s timeout).
"""

import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from secret_scan import find_leaks
from github_server import DOCS, Fault, cut, html_page, rate_limited, reset, slow, timeout

TOKEN = "ghp_faultRunToken0123456789abcdefABCD"
OWNER = "octo"
MAX_ROUNDS = 4

# Phrases the built-in vocabulary knows, so most READMEs get tags and most repositories a write.
SUBJECTS = ["a command-line tool", "a key-value database", "a serverless platform", "a game engine",
            "a web framework", "a machine learning library", "a static site generator", "a Kubernetes operator",
            "a REST API client", "a compiler", "an Android app", "a blockchain wallet", "a JSON parser"]
OWNER_TOPICS = ["rust", "python", "go", "hacktoberfest", "awesome", "tooling", "my-team", "legacy"]

# Fault kinds: name -> (methods it applies to, a function rng, now -> list of faults).
ANY = ("GET", "PUT", "POST")  # POST: the GraphQL endpoint that batches the reading of many repositories
WEIGHTS = {"GET": 0.45, "PUT": 0.45, "POST": 0.1}  # one GraphQL query reads 100 repositories: hit it less
KINDS = {
    "500": (ANY, lambda rng, now: [Fault(500)]),
    "5xx-burst": (ANY, lambda rng, now: [Fault(rng.choice((500, 502, 503, 504))) for _ in range(rng.randint(2, 5))]),
    "proxy-html": (ANY, lambda rng, now: [html_page(rng.choice((502, 200)))]),
    "reset": (ANY, lambda rng, now: [reset()]),
    "reset-after-write": (("PUT",), lambda rng, now: [reset(applied=True)]),
    "cut": (ANY, lambda rng, now: [cut(applied=rng.random() < 0.5)]),
    "slow": (ANY, lambda rng, now: [slow(0.01)]),
    "rate-limit": (ANY, lambda rng, now: [rate_limited(retry_after=rng.randint(1, 120))]),
    "429-reset": (ANY, lambda rng, now: [rate_limited(reset=int(now) + rng.choice((30, 600, 5000)), status=429)]),
    "secondary-limit": (ANY, lambda rng, now: [Fault(403, {"message": "You have exceeded a secondary rate limit.",
                                                           "documentation_url": DOCS})]),
    "422": (("PUT",), lambda rng, now: [Fault(422, {"message": "Validation Failed", "documentation_url": DOCS,
                                                    "errors": ["topics is invalid"]})]),
    "timeout": (ANY, lambda rng, now: [timeout()]),
    "401": (("GET",), lambda rng, now: [Fault(401, {"message": "Bad credentials", "documentation_url": DOCS})]),
}
QUICK_KINDS = tuple(kind for kind in KINDS if kind not in ("timeout", "401"))


@dataclass
class RunOutput:
    code: int
    stdout: str
    stderr: str
    summary: str
    step_output: str
    jsonl: str


@dataclass
class Report:
    seed: int
    repositories: int
    faults_injected: int = 0
    faults_served: int = 0
    kinds: Counter = field(default_factory=Counter)
    codes: list = field(default_factory=list)
    lost: list = field(default_factory=list)        # "owner/name: topic" lost at any point
    partial: list = field(default_factory=list)     # a topic set neither the old one nor the planned one
    unnamed: list = field(default_factory=list)     # a failure not named in the exit code / summary / errors
    unfinished: list = field(default_factory=list)  # not done after the last (fault-free) round
    leaks: list = field(default_factory=list)       # where the token was seen
    failures: int = 0


def repository_names(count: int) -> list[str]:
    return [f"{OWNER}/r{number:03d}" for number in range(count)]


def populate(server, rng: random.Random, count: int) -> dict[str, list[str]]:
    """count repositories with READMEs and owner topics (some near GitHub's 20); their topics."""
    server.add_token(TOKEN, "admin")
    initial = {}
    for name in repository_names(count):
        subject = rng.choice(SUBJECTS)
        readme = f"# {name.split('/')[1]}\n\n{subject.capitalize()} written for people in a hurry: {subject}.\n"
        size = rng.choice((0, 1, 2, 3, 19, 20))
        topics = (rng.sample(OWNER_TOPICS, min(size, len(OWNER_TOPICS)))
                  + [f"owner-{index}" for index in range(max(0, size - len(OWNER_TOPICS)))])
        server.add_repo(name, readme, topics=list(topics))
        initial[name] = list(topics)
    return initial


def inject(server, rng: random.Random, names: list[str], rate: float, kinds, now: float, report: Report) -> None:
    """Queue faults on a random call of about rate of the repositories."""
    for name in names:
        if rng.random() >= rate:
            continue
        kind = rng.choice(kinds)
        methods, make = KINDS[kind]
        method = rng.choices(methods, weights=[WEIGHTS[method] for method in methods])[0]
        faults = make(rng, now)
        if method == "POST":
            server.fault("POST", "/graphql", *faults)
        else:  # a run of many repositories reads READMEs through GraphQL: /readme is its rare fallback
            suffix = "/topics" if method == "PUT" else rng.choice(("", "", "/topics", "/topics", "/readme"))
            server.fault(method, f"/repos/{name}{suffix}", *faults)
        report.kinds[kind] += 1
        report.faults_injected += len(faults)


def run_once(server, clock, workdir: Path, names: list[str], resume: bool, token: str = TOKEN,
             actions: bool = True, extra=(), output: str | None = None) -> RunOutput:
    """One `repo --write topics` run in process; every output it made (with Actions' files
    set even outside Actions, so that they are scanned too)."""
    from bot import repo_cli
    from bot.cli import build_parser

    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("summary.md", "output.txt"):
        (workdir / name).write_text("")
    environ = {"GITHUB_API_URL": server.url, "GITHUB_TOKEN": token,
               "GITHUB_STEP_SUMMARY": str(workdir / "summary.md"), "GITHUB_OUTPUT": str(workdir / "output.txt")}
    if actions:
        environ["GITHUB_ACTIONS"] = "true"
    argv = ["repo", *names, "--write", "topics", "--tag-format", "name", "--timeout", "1",
            "--output", output or str(workdir / "tags.jsonl"), *extra] + (["--resume"] if resume else [])
    stdout, stderr = io.StringIO(), io.StringIO()
    code = repo_cli.run(build_parser().parse_args(argv), clock=clock, environ=environ, stdout=stdout, stderr=stderr)
    jsonl = workdir / "tags.jsonl"
    return RunOutput(code, stdout.getvalue(), stderr.getvalue(), (workdir / "summary.md").read_text(),
                     (workdir / "output.txt").read_text(), jsonl.read_text() if jsonl.exists() else "")


def expected_topics(server, initial: dict[str, list[str]]) -> dict[str, list[str]]:
    """What each repository's topics must be after a complete run: the plan from its old topics."""
    from bot import topics
    from bot.engine import Tagger

    tagger = Tagger()
    expected = {}
    for name, before in initial.items():
        chosen = [tag.name for tag in tagger.tag(server.repos[name].readme).tags]
        expected[name] = list(topics.plan(before, chosen).after)
    return expected


def check_topics(server, initial, expected, report: Report) -> None:
    for name, before in initial.items():
        now = server.topics(name)
        report.lost += [f"{name}: {topic}" for topic in before if topic not in now]
        if now not in (before, expected[name]):
            report.partial.append(f"{name}: {before} -> {now} (planned {expected[name]})")


def check_failures_named(output: RunOutput, new_lines: list[dict], report: Report) -> None:
    """Every line with an "error" is named with its cause in an ::error:: annotation and the summary,
    and the exit code says something failed."""
    failed = [line for line in new_lines if "error" in line]
    report.failures += len(failed)
    errors = [line for line in output.stdout.splitlines() if line.startswith("::error::")]
    for line in failed:
        cause = line["error"].split(" (fix:")[0]
        if not any(line["id"] in error and cause in error for error in errors):
            report.unnamed.append(f"{line['id']}: no ::error:: annotation with {cause!r}")
        if f"- {line['id']}: {cause}" not in output.summary:
            report.unnamed.append(f"{line['id']}: not in the step summary's list of failures")
    if failed and output.code == 0:
        report.unnamed.append(f"{len(failed)} failed but the exit code is 0")
    if output.code != 0 and not failed and not any("rejected the token" in error for error in errors):
        report.unnamed.append(f"exit code {output.code} without a named failure")


def outputs_of(output: RunOutput) -> dict[str, str]:
    return {"stdout": output.stdout, "stderr": output.stderr, "summary": output.summary,
            "GITHUB_OUTPUT": output.step_output, "--output": output.jsonl}


def check_leaks(output: RunOutput, token: str, report: Report, where: str) -> None:
    report.leaks += [f"{where} {leak}" for leak in find_leaks(outputs_of(output), token)]


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def scenario(server, clock, workdir: Path, seed: int, count: int = 100, rate: float = 0.35,
             kinds=QUICK_KINDS, revoke: bool = False) -> Report:
    """Run, resume with whatever faults are left, then resume on a healthy server; check everything.
    With revoke, the token is also refused once, mid-run (401): that run stops with exit 2."""
    rng = random.Random(seed)
    report = Report(seed, count)
    initial = populate(server, rng, count)
    expected = expected_topics(server, initial)
    names = repository_names(count)
    inject(server, rng, names, rate, list(kinds), clock.now(), report)
    if revoke:
        server.fault("GET", f"/repos/{rng.choice(names[count // 4:])}", *KINDS["401"][1](rng, clock.now()))
        report.kinds["401"] += 1
        report.faults_injected += 1
    seen = 0
    for round_number in range(MAX_ROUNDS):
        if round_number == MAX_ROUNDS - 1:
            report.faults_served -= sum(len(queue) for queue in server.faults.values())
            server.faults.clear()  # the network is healthy again
        output = run_once(server, clock, workdir, names, resume=round_number > 0)
        report.codes.append(output.code)
        lines = _lines(output.jsonl)
        check_failures_named(output, lines[seen:], report)
        check_leaks(output, TOKEN, report, f"round {round_number + 1}")
        check_topics(server, initial, expected, report)
        seen = len(lines)
        if output.code == 0:
            break
    report.faults_served += report.faults_injected - sum(len(queue) for queue in server.faults.values())
    done = {line["id"] for line in _lines(output.jsonl) if "error" not in line}
    report.unfinished += [name for name in names if name not in done or server.topics(name) != expected[name]]
    return report
