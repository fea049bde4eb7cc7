"""`readme-tagger org` and `repo --repos-file` against the local GitHub server: GraphQL batches,
conditional re-runs from the cache, resume, shard, writes. Real HTTP through PyGithub."""

import json

import pytest

from bot import org_scan, repo_cli
from bot.cli import build_parser
from bot.sharding import shard_of
from github_server import Fault, rate_limited

TOKEN = "ghp_scan0123456789abcdef"
READMES = {
    "db": "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n",
    "faas": "# Fire\n\nSecure and fast microVMs for serverless computing.\n",
}


def readme(index: int) -> str:
    return READMES["db"] if index % 2 == 0 else READMES["faas"]


@pytest.fixture
def server(github_server):
    github_server.add_token(TOKEN, "admin")
    return github_server


def add_org(server, org: str, count: int, **fields):
    for index in range(count):
        server.add_repo(f"{org}/repo-{index:04d}", readme(index), **fields)


class Runner:
    def __init__(self, server, clock, capsys, tmp_path):
        self.server, self.clock, self.capsys, self.tmp_path = server, clock, capsys, tmp_path
        self.cache = tmp_path / "cache"

    def __call__(self, command, *argv, token=TOKEN, actions=False, cache=True, clock=None, **environ):
        env = {"GITHUB_API_URL": self.server.url, **environ}
        if token:
            env["GITHUB_TOKEN"] = token
        if actions:
            env.update(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(self.tmp_path / "output"),
                       GITHUB_STEP_SUMMARY=str(self.tmp_path / "summary"))
        options = ["--timeout", "1"] + (["--cache", str(self.cache)] if cache else [])
        args = build_parser().parse_args([command, *argv, *options])
        module = org_scan if command == "org" else repo_cli
        code = module.run(args, clock=clock or self.clock, environ=env)
        out, err = self.capsys.readouterr()
        return code, out, err

    @staticmethod
    def lines(text: str) -> list[dict]:
        return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def run(server, clock, capsys, tmp_path):
    return Runner(server, clock, capsys, tmp_path)


def graphql_requests(server):
    return [answer for answer in server.statuses if answer[1] == "/api/graphql"]


def test_org_reads_in_graphql_batches_and_skips_archived_and_forks(run, server):
    add_org(server, "acme", 5)
    server.add_repo("acme/old", READMES["db"], archived=True)
    server.add_repo("acme/copy", READMES["db"], fork=True)
    code, out, err = run("org", "acme", "--tag-format", "name")
    assert code == 0, err
    lines = run.lines(out)
    assert [line["id"] for line in lines] == [f"acme/repo-{i:04d}" for i in range(5)]
    assert lines[0]["tags"] == ["cli", "nosql"] and lines[1]["tags"] == ["serverless"]
    assert [(method, path) for method, path, _ in server.statuses] == [
        ("GET", "/api/v3/orgs/acme/repos"), ("POST", "/api/graphql")]
    assert server.writes() == []


def test_include_archived_and_forks(run, server):
    add_org(server, "acme", 1)
    server.add_repo("acme/old", READMES["db"], archived=True)
    server.add_repo("acme/copy", READMES["db"], fork=True)
    code, out, _ = run("org", "acme", "--include-archived", "--include-forks")
    assert code == 0
    assert sorted(line["id"] for line in run.lines(out)) == ["acme/copy", "acme/old", "acme/repo-0000"]


def test_250_repositories_take_3_pages_and_3_queries(run, server):
    add_org(server, "big", 250)
    code, out, _ = run("org", "big")
    assert code == 0 and len(run.lines(out)) == 250
    methods = [method for method, _, _ in server.statuses]
    assert methods.count("GET") == 3 and methods.count("POST") == 3


def test_1000_repositories_cost_20_requests_and_an_unchanged_rerun_only_304s(run, server, tmp_path):
    add_org(server, "acme", 1000)
    first = tmp_path / "first.jsonl"
    assert run("org", "acme", "--output", str(first))[0] == 0
    assert len(server.statuses) == 20 and len(server.statuses) / 1000 <= 0.05  # 10 pages, 10 queries
    server.statuses.clear()
    second = tmp_path / "second.jsonl"
    code, _, err = run("org", "acme", "--output", str(second))
    assert code == 0, err
    assert second.read_text() == first.read_text() and len(first.read_text().splitlines()) == 1000
    assert server.counted() == []
    assert [status for _, _, status in server.statuses] == [304] * 10
    assert "1000 unchanged since the last run" in err


def test_rerun_reads_only_what_changed(run, server, tmp_path):
    add_org(server, "acme", 150)
    assert run("org", "acme", "--tag-format", "name")[0] == 0
    server.push("acme/repo-0003", READMES["db"])  # repo-0003 was serverless, now a database
    server.statuses.clear()
    code, out, err = run("org", "acme", "--tag-format", "name")
    assert code == 0
    lines = {line["id"]: line["tags"] for line in run.lines(out)}
    assert lines["acme/repo-0003"] == ["cli", "nosql"] and lines["acme/repo-0001"] == ["serverless"]
    statuses = [(method, status) for method, _, status in server.statuses]
    assert statuses == [("GET", 200), ("POST", 200), ("GET", 304)]  # page 1 changed, page 2 did not
    query = json.loads([r for r in server.requests if r["path"] == "/api/graphql"][-1]["body"])
    assert list(query["variables"].values()) == ["acme", "repo-0003"]
    assert "149 unchanged since the last run, 1 read through GraphQL" in err


def test_description_change_retags_without_reading_the_readme_again(run, server):
    server.add_repo("acme/plain", "# plain\n\nSome words about things.\n")
    assert run("org", "acme", "--tag-format", "name")[0] == 0
    server.repos["acme/plain"].description = "Secure and fast microVMs for serverless computing"
    server.statuses.clear()
    code, out, _ = run("org", "acme", "--tag-format", "name")
    assert run.lines(out) == [{"id": "acme/plain", "tags": ["serverless"]}]
    assert [(method, status) for method, _, status in server.statuses] == [("GET", 200)]


def test_readme_under_another_name_falls_back_to_rest(run, server):
    server.add_repo("acme/a", READMES["db"], readme_path="README.rst")
    server.add_repo("acme/b", READMES["faas"], readme_path="doc/README.md")
    server.add_repo("acme/c", None)
    server.add_repo("acme/d", None, empty=True)
    code, out, err = run("org", "acme", "--tag-format", "name")
    assert code == 0, err
    assert run.lines(out) == [{"id": "acme/a", "tags": ["cli", "nosql"]}, {"id": "acme/b", "tags": ["serverless"]},
                              {"id": "acme/c", "tags": []}, {"id": "acme/d", "tags": []}]
    rest = [path for method, path, _ in server.statuses if path.endswith("/readme")]
    assert rest == ["/api/v3/repos/acme/b/readme", "/api/v3/repos/acme/c/readme"]  # not a nor the empty d
    assert "acme/c has no README" in err


def test_large_readme_is_read_raw_through_rest(run, server):
    text = "# big\n\nA key-value database. " + "Filler text. " * 90_000
    server.add_repo("acme/big", text, large_readme=True)
    code, out, err = run("org", "acme")
    assert code == 0 and "README.md is long; only its start was read" in err
    assert [path for _, path, _ in server.statuses].count("/api/v3/repos/acme/big/readme") == 2


def test_graphql_502_is_retried_then_a_failing_batch_is_halved(run, server, clock):
    add_org(server, "acme", 4)
    server.fault("POST", "/graphql", *[Fault(502)] * 4)  # the whole batch fails 4 times: split in two
    code, out, _ = run("org", "acme")
    assert code == 0 and len(run.lines(out)) == 4
    assert clock.waits == [2.0, 4.0, 8.0]
    assert len(graphql_requests(server)) == 6


def test_graphql_rate_limit_waits_for_retry_after(run, server, clock):
    add_org(server, "acme", 2)
    server.fault("POST", "/graphql", rate_limited(retry_after=42))
    assert run("org", "acme")[0] == 0
    assert clock.waits == [42.0]


def test_graphql_rate_limited_error_in_a_200_waits_until_reset(run, server, clock):
    add_org(server, "acme", 2)
    reset = int(clock.now()) + 100
    server.fault("POST", "/graphql", Fault(200, {"data": None, "errors": [
        {"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}))
    assert run("org", "acme")[0] == 0
    assert clock.waits == [101.0]


def test_unknown_organisation_is_a_usage_error(run, server):
    code, out, err = run("org", "nobody")
    assert code == 2 and out == ""
    assert "organisation 'nobody' not found (404)" in err and "fix:" in err


@pytest.mark.parametrize("argv, message", [
    (["bad_org!"], "is not an organisation name"),
    (["acme", "--shard", "4/4"], "needs 0 <= I < N"),
    (["acme", "--resume"], "--resume needs --output FILE"),
    (["acme", "--write", "topics"], "--write topics needs a token"),
])
def test_org_usage_errors_exit_2_before_any_request(run, server, argv, message):
    add_org(server, "acme", 1)
    code, out, err = run("org", *argv, token=None if "topics" in argv else TOKEN)
    assert code == 2 and out == "" and message in err
    assert server.requests == []


def test_bad_credentials_exit_2(run, server):
    add_org(server, "acme", 1)
    code, out, err = run("org", "acme", token="ghp_not_a_real_token")
    assert code == 2 and out == "" and "GitHub rejected the token (401 Bad credentials)" in err
    assert "ghp_not_a_real_token" not in err


def test_write_topics_serial_a_second_apart_existing_kept(run, server, clock):
    add_org(server, "acme", 3, topics=["mine"])
    server.repos["acme/repo-0002"].topics = ["mine", "cli", "nosql"]  # nothing to add: no write
    code, out, err = run("org", "acme", "--write", "topics")
    assert code == 0, err
    assert server.topics("acme/repo-0000") == ["mine", "cli", "nosql"]
    assert server.topics("acme/repo-0001") == ["mine", "serverless"]
    assert [write["path"] for write in server.writes()] == ["/api/v3/repos/acme/repo-0000/topics",
                                                            "/api/v3/repos/acme/repo-0001/topics"]
    assert clock.waits == [1.0]
    # each write reads the topics just before: no GET of the repository itself
    assert not any(path.endswith(("/repo-0000", "/repo-0001")) for _, path, _ in server.statuses)


def test_write_secondary_rate_limit_waits_retry_after(run, server, clock):
    add_org(server, "acme", 2)
    server.fault("PUT", "/topics", Fault(403, {"message": "You have exceeded a secondary rate limit."},
                                         {"retry-after": "30"}))
    assert run("org", "acme", "--write", "topics")[0] == 0
    assert [wait for wait in clock.waits if wait > 0] == [30.0, 1.0]
    assert server.topics("acme/repo-0000") == ["cli", "nosql"]


def test_dry_run_plans_from_the_listing_without_extra_requests(run, server):
    add_org(server, "acme", 2, topics=["mine"])
    code, _, err = run("org", "acme", "--dry-run")
    assert code == 0 and server.writes() == []
    assert "acme/repo-0000: dry run, topics +cli +nosql: [mine] -> [mine, cli, nosql]" in err
    assert len(server.statuses) == 2


def test_shards_split_the_organisation_exactly(run, server, tmp_path):
    add_org(server, "acme", 40)
    seen = []
    for index in range(3):
        code, out, _ = run("org", "acme", "--shard", f"{index}/3")
        assert code == 0
        ids = [line["id"] for line in run.lines(out)]
        assert all(shard_of(name, 3) == index for name in ids)
        seen += ids
    assert sorted(seen) == [f"acme/repo-{i:04d}" for i in range(40)]


def test_repos_file_with_comments_reads_in_batches(run, server, tmp_path):
    add_org(server, "acme", 3)
    server.add_repo("other/tool", READMES["faas"])
    listing = tmp_path / "repos.txt"
    listing.write_text("# our repositories\nacme/repo-0000\n\nacme/repo-0002  # the second\nother/tool\n"
                       "acme/nope\n")
    code, out, err = run("repo", "--repos-file", str(listing), "--tag-format", "name")
    assert code == 1
    lines = run.lines(out)
    assert [line["id"] for line in lines] == ["acme/repo-0000", "acme/repo-0002", "other/tool", "acme/nope"]
    assert lines[2]["tags"] == ["serverless"] and "not found (404)" in lines[3]["error"]
    assert "readme-tagger: error: acme/nope: cannot read acme/nope: not found (404)" in err
    assert len(graphql_requests(server)) == 1
    server.statuses.clear()
    code, out2, _ = run("repo", "--repos-file", str(listing), "--tag-format", "name")
    assert code == 1 and out2 == out
    assert server.counted() == [("GET", "/api/v3/repos/acme/nope", 404)]


def test_repos_file_errors_name_the_line(run, server, tmp_path):
    listing = tmp_path / "repos.txt"
    listing.write_text("acme/a\nnot a repo\n")
    code, _, err = run("repo", "--repos-file", str(listing))
    assert code == 2 and f"{listing}:2: 'not a repo' is not a repository name" in err
    code, _, err = run("repo", "--repos-file", str(tmp_path / "missing.txt"))
    assert code == 2 and "cannot read the list" in err


def test_resume_skips_good_lines_and_retries_failed_ones(run, server, tmp_path):
    add_org(server, "acme", 4)
    output = tmp_path / "tags.jsonl"
    output.write_text('{"id": "acme/repo-0000", "tags": []}\n{"id": "acme/repo-0001", "tags": [], "error": "x"}\n'
                      '{"id": "acme/repo-00')  # a torn last line from a killed run
    code, _, _ = run("org", "acme", "--output", str(output), "--resume", "--tag-format", "name")
    assert code == 0
    lines = run.lines(output.read_text())
    assert [line["id"] for line in lines] == ["acme/repo-0000", "acme/repo-0001", "acme/repo-0001",
                                              "acme/repo-0002", "acme/repo-0003"]
    query = json.loads([r for r in server.requests if r["path"] == "/api/graphql"][0]["body"])
    assert "repo-0000" not in query["variables"].values()


class KilledAfter(Exception):
    pass


class KillingClock:
    """Stands for a kill: the run dies when it is about to make its Nth write."""

    def __init__(self, clock, writes: int):
        self.clock, self.left = clock, writes

    def now(self):
        return self.clock.now()

    def sleep(self, seconds):
        self.left -= 1
        if self.left <= 0:
            raise KilledAfter()
        self.clock.sleep(seconds)


def test_killed_halfway_then_resumed_tags_every_repository_once_and_loses_no_topic(run, server, clock, tmp_path):
    count = 1000
    add_org(server, "acme", count, topics=["owner-topic"])
    output = tmp_path / "tags.jsonl"
    with pytest.raises(KilledAfter):
        run("org", "acme", "--write", "topics", "--output", str(output), "--tag-format", "name",
            clock=KillingClock(clock, count // 2))
    written_before = len(server.writes())
    assert count // 4 < written_before <= count // 2  # killed halfway (a retried request would pause once more)
    code, _, err = run("org", "acme", "--write", "topics", "--output", str(output), "--tag-format", "name",
                       "--resume")
    assert code == 0, err
    lines = run.lines(output.read_text())
    assert sorted(line["id"] for line in lines) == [f"acme/repo-{i:04d}" for i in range(count)]
    assert all("error" not in line for line in lines)
    written = [write["path"] for write in server.writes()]
    assert len(written) == len(set(written)) == count  # each repository written exactly once
    for index in range(count):
        expected = ["owner-topic", "cli", "nosql"] if index % 2 == 0 else ["owner-topic", "serverless"]
        assert server.topics(f"acme/repo-{index:04d}") == expected


def test_repo_with_many_names_reads_in_a_batch_and_few_one_by_one(run, server):
    add_org(server, "acme", 12)
    names = [f"acme/repo-{i:04d}" for i in range(12)]
    code, out, _ = run("repo", *names, cache=False, XDG_CACHE_HOME=str(run.tmp_path / "xdg"))
    assert code == 0 and [line["id"] for line in run.lines(out)] == names
    assert len(graphql_requests(server)) == 1
    assert (run.tmp_path / "xdg" / "readme-tagger" / "readme-tagger-cache.sqlite3").exists()  # the default
    server.statuses.clear()
    code, out, _ = run("repo", *names[:2], cache=False)
    assert code == 0 and len(run.lines(out)) == 2
    assert graphql_requests(server) == []  # two names: the per-repository path, no cache


def test_repo_with_cache_and_id_for_one_repository(run, server):
    add_org(server, "acme", 1)
    code, out, _ = run("repo", "acme/repo-0000", "--id", "1118", "--tag-format", "name")
    assert code == 0 and run.lines(out) == [{"id": "1118", "tags": ["cli", "nosql"]}]
    code, out, err = run("repo", "acme/repo-0000", "acme/repo-0001", "--id", "1118")
    assert code == 2 and "--id names one repository" in err


def test_without_a_token_reads_through_rest_with_a_notice(run, server):
    add_org(server, "acme", 3)
    code, out, err = run("org", "acme", "--tag-format", "name", token=None)
    assert code == 0, err
    assert [line["tags"] for line in run.lines(out)] == [["cli", "nosql"], ["serverless"], ["cli", "nosql"]]
    assert graphql_requests(server) == [] and "no token: reading anonymously" in err
    assert {request["authorization"] for request in server.requests} == {None}


def test_a_graphql_answer_without_data_fails_the_batch_once_not_halved(run, server):
    add_org(server, "acme", 4)
    server.fault("POST", "/graphql", Fault(200, {"errors": [{"message": "Field 'isEmpty' doesn't exist on type "
                                                                       "'Repository'"}]}))
    code, out, err = run("org", "acme")
    assert code == 1
    lines = run.lines(out)
    assert len(lines) == 4 and all("answered without data (Field 'isEmpty' doesn't exist" in line["error"]
                                   for line in lines)
    assert len(graphql_requests(server)) == 1
    assert err.count("readme-tagger: error: acme/repo-") == 4


def test_repo_scan_defaults_to_github_repository(run, server):
    add_org(server, "acme", 1)
    code, out, _ = run("repo", "--tag-format", "name", GITHUB_REPOSITORY="acme/repo-0000")
    assert code == 0 and run.lines(out) == [{"id": "acme/repo-0000", "tags": ["cli", "nosql"]}]
    assert len(graphql_requests(server)) == 1  # --cache made it a scan


def test_actions_mode_many_repositories_compact_summary_and_outputs(run, server, tmp_path):
    add_org(server, "acme", 25)
    code, out, err = run("org", "acme", "--write", "topics", "--tag-format", "name", actions=True)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == f"::add-mask::{TOKEN}"
    summary = (tmp_path / "summary").read_text()
    assert "25 repositories, 0 failed." in summary
    assert "| acme/repo-0001 | serverless | topics +serverless: [] -> [serverless] | - |" in summary
    outputs = (tmp_path / "output").read_text()
    assert "added-topics<<" in outputs and "cli,nosql,serverless" in outputs
    assert len([line for line in outputs.splitlines() if line.startswith('{"id": "acme/')]) == 25


def test_repos_file_shards_cover_the_list_once(run, server, tmp_path):
    add_org(server, "acme", 30)
    listing = tmp_path / "repos.txt"
    listing.write_text("".join(f"acme/repo-{i:04d}\n" for i in range(30)))
    seen = []
    for index in range(2):
        code, out, _ = run("repo", "--repos-file", str(listing), "--shard", f"{index}/2")
        assert code == 0
        seen += [line["id"] for line in run.lines(out)]
        assert all(shard_of(name, 2) == index for name in seen[-len(run.lines(out)):])
    assert sorted(seen) == [f"acme/repo-{i:04d}" for i in range(30)]


def test_a_repository_created_during_the_listing_is_tagged_once(run, server):
    add_org(server, "acme", 150)
    created = []

    def create_one_at_the_front(s):
        if not created:  # sorted by creation, oldest first: an older "order" shifts page 2 by one
            created.append(s.add_repo("acme/new", READMES["faas"], order=-1))

    server.on("POST", "/graphql", create_one_at_the_front)
    code, out, _ = run("org", "acme")
    ids = [line["id"] for line in run.lines(out)]
    assert code == 0 and len(ids) == len(set(ids)) == 150
