"""How many API requests an organisation scan costs, against the local GitHub server of the tests.

    python3 bench/org_scan.py [--repos 1000]

Prints, for an organisation of N repositories (READMEs of a few hundred bytes, as most are):
1. the first read (`org NAME --write json`): requests per repository (each REST call and each
   GraphQL query counts one);
2. an unchanged re-run into a new --output: requests that count against the rate limit (every
   answer but 304 Not Modified), and that the output is complete and identical;
3. a re-run after one README changed;
4. a `--write topics` run killed halfway (at the N/2-th write) and resumed with --resume: every
   repository written exactly once, no topic lost.
The server validates every request and answer against GitHub's OpenAPI description and GraphQL
schema (fetched with npm into tests/, as the tests do). Times are wall-clock on this machine, for
orientation only: the server runs in the same process.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from bot import org_scan  # noqa: E402
from bot.cli import build_parser  # noqa: E402

TOKEN = "ghp_bench0123456789"
READMES = ("# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n",
           "# Fire\n\nSecure and fast microVMs for serverless computing.\n")


class Clock:
    """Waits are recorded, not slept (the 1 s between writes would make the benchmark slow)."""

    def __init__(self, kill_at_sleep: int | None = None):
        self.current, self.kill_at = 1_800_000_000.0, kill_at_sleep
        self.sleeps = 0

    def now(self):
        return self.current

    def sleep(self, seconds):
        self.sleeps += 1
        if self.kill_at is not None and self.sleeps >= self.kill_at:
            raise KeyboardInterrupt("killed")
        self.current += max(0.0, seconds)


def start_server():
    import github_fixtures as fixtures
    from github_server import GitHubServer
    from graphql_server import GraphQLEndpoint, load_schema
    from openapi import OpenAPI

    if not fixtures.OPENAPI_SPEC.exists():
        fixtures._fetch_openapi()
    if not fixtures.GRAPHQL_SCHEMA.exists():
        fixtures._fetch_openapi(fixtures.GRAPHQL_PREFIX, "@octokit/graphql-schema", fixtures.GRAPHQL_SCHEMA,
                                "GitHub's GraphQL schema")
    server = GitHubServer(OpenAPI(fixtures.OPENAPI_SPEC))
    server.graphql = GraphQLEndpoint(load_schema(fixtures.GRAPHQL_SCHEMA))
    server.add_token(TOKEN, "admin")
    return server.start()


def scan(server, cache: Path, output: Path, *options, clock=None) -> tuple[int, float, list]:
    server.statuses.clear()
    args = build_parser().parse_args(["org", "bench", "--cache", str(cache), "--output", str(output),
                                      "--tag-format", "name", *options])
    started = time.perf_counter()
    with open("/dev/null", "w") as quiet:
        code = org_scan.run(args, clock=clock or Clock(), stdout=quiet, stderr=quiet,
                            environ={"GITHUB_API_URL": server.url, "GITHUB_TOKEN": TOKEN})
    return code, time.perf_counter() - started, list(server.statuses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repos", type=int, default=1000)
    count = parser.parse_args().repos
    server = start_server()
    for index in range(count):
        server.add_repo(f"bench/repo-{index:04d}", READMES[index % 2], topics=["owner-topic"])
    rows = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        cache = work / "cache"
        code, seconds, answers = scan(server, cache, work / "first.jsonl")
        assert code == 0
        first = (work / "first.jsonl").read_text()
        rows.append(("first read (--write json)", answers, seconds))

        code, seconds, answers = scan(server, cache, work / "second.jsonl")
        same = (work / "second.jsonl").read_text() == first and len(first.splitlines()) == count
        assert code == 0 and same, "the unchanged re-run did not give the same results"
        rows.append((f"unchanged re-run, new --output ({count:,} lines, identical)", answers, seconds))

        server.push("bench/repo-0007", READMES[0])
        code, seconds, answers = scan(server, cache, work / "third.jsonl")
        rows.append(("re-run after one README changed", answers, seconds))

        output = work / "topics.jsonl"
        try:
            scan(server, cache, output, "--write", "topics", clock=Clock(kill_at_sleep=count // 2))
            raise AssertionError("the run was not killed")
        except KeyboardInterrupt:
            pass
        before = len(server.writes())
        code, resumed_seconds, answers = scan(server, cache, output, "--write", "topics", "--resume")
        lines = [json.loads(line) for line in output.read_text().splitlines()]
        paths = [write["path"] for write in server.writes()]
        ids = sorted(line["id"] for line in lines)
        lost = [name for name, repo in server.repos.items() if "owner-topic" not in repo.topics]
        assert code == 0 and ids == sorted(f"bench/repo-{i:04d}" for i in range(count))
        assert len(paths) == len(set(paths)) == count and not lost
    server.stop()
    assert server.violations == [], server.violations[:5]

    print(f"org scan of {count:,} repositories, local GitHub server (OpenAPI + GraphQL schema checked)\n")
    print("| run | requests | per repository | counted against the rate limit | wall time | answers |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, answers, seconds in rows:
        counted = sum(1 for answer in answers if answer[2] != 304)
        print(f"| {name} | {len(answers):,} | {len(answers) / count:.3f} | {counted:,} | {seconds:.1f} s "
              f"| {_kinds(answers)} |")
    print(f"\nkilled at write {before:,} of {count:,}, resumed with --resume: {len(lines):,} lines, every repository "
          f"written exactly once ({len(paths):,} topic writes in all), no topic lost; resumed run "
          f"{resumed_seconds:.1f} s")
    return 0


def _kinds(answers) -> str:
    graphql = sum(1 for _, path, _ in answers if path.endswith("/graphql"))
    not_modified = sum(1 for _, _, status in answers if status == 304)
    rest = len(answers) - graphql - not_modified
    return f"{rest} REST 200, {graphql} GraphQL, {not_modified} × 304"


if __name__ == "__main__":
    sys.exit(main())
