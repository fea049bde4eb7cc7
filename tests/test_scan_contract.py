"""Contracts of the scan: the GraphQL queries against GitHub's published schema, the endpoint URLs,
the cache (never the token, kept apart per token), and the action's organization/shard/cache inputs."""

import json
import sqlite3

import pytest
from graphql import parse, validate

from bot import graphql as queries
from bot.errors import ConfigError
from bot.github import GitHub, GitHubError, graphql_url
from bot.http_cache import FILE_NAME
from github_server import Fault
from graphql_server import _limits
from test_action_e2e import ADMIN, run_action
from test_org_scan import READMES, TOKEN, Runner, add_org


@pytest.fixture
def run(github_server, clock, capsys, tmp_path):
    github_server.add_token(TOKEN, "admin")
    return Runner(github_server, clock, capsys, tmp_path)


@pytest.mark.parametrize("count", [1, 37, queries.BATCH_SIZE])
def test_batch_query_is_valid_against_githubs_published_schema(graphql_schema, count):
    query, variables = queries.query_for([f"owner-{i}/name.{i}" for i in range(count)])
    document = parse(query)
    assert validate(graphql_schema, document) == []
    assert _limits(document, variables) == []
    assert len(variables) == 2 * count


def test_a_batch_holds_at_most_100_repositories():
    with pytest.raises(ValueError):
        queries.query_for([f"o/n{i}" for i in range(queries.BATCH_SIZE + 1)])


def test_the_schema_really_is_githubs(graphql_schema):
    repository = graphql_schema.get_type("Repository")
    assert {"nameWithOwner", "isArchived", "repositoryTopics", "object", "pushedAt"} <= set(repository.fields)
    assert graphql_schema.get_type("Blob").fields["text"].type.name == "String"


@pytest.mark.parametrize("query, problem", [
    ("query { repository(owner: \"a\", name: \"b\") { readmeText } }", "Cannot query field 'readmeText'"),
    ("query { repository(owner: \"a\", name: \"b\") { repositoryTopics(first: 101) { totalCount } } }",
     "must be between 1 and 100"),
    ("query { repository(owner: \"a\") { name } }", "argument 'name' of type 'String!' is required"),
    ("query { viewer { repositories(first: 100) { nodes { issues(first: 100) { nodes { comments(first: 100) "
     "{ totalCount } } } } } } }", "GitHub allows 500,000"),
])
def test_the_server_rejects_queries_outside_the_schema_or_limits(github_server, clock, query, problem):
    github_server.add_token(TOKEN)
    client = GitHub(TOKEN, github_server.url, clock=clock)
    with pytest.raises(GitHubError, match="GitHub's GraphQL API answered without data"):
        client.graphql(graphql_url(github_server.url, {}), query, {}, "test")
    assert any(problem in violation for violation in github_server.violations), github_server.violations
    github_server.violations.clear()  # the point of this test: the server saw the problem


def test_every_query_a_scan_sends_is_checked(run, github_server):
    add_org(github_server, "acme", 3)
    assert run("org", "acme")[0] == 0
    assert len(github_server.graphql.queries) == 1
    document = parse(github_server.graphql.queries[0])
    assert validate(github_server.graphql.schema, document) == []


@pytest.mark.parametrize("rest, environ, expected", [
    ("https://api.github.com", {}, "https://api.github.com/graphql"),
    ("https://ghes.example/api/v3", {}, "https://ghes.example/api/graphql"),
    ("https://ghes.example/api/v3/", {}, "https://ghes.example/api/graphql"),
    ("https://api.github.com", {"GITHUB_GRAPHQL_URL": "https://proxy.example/graphql/"},
     "https://proxy.example/graphql"),
])
def test_graphql_url(rest, environ, expected):
    assert graphql_url(rest, environ) == expected


def test_graphql_url_must_be_http():
    with pytest.raises(ConfigError, match="GITHUB_GRAPHQL_URL 'ghes.example/graphql' is not an http"):
        graphql_url("https://api.github.com", {"GITHUB_GRAPHQL_URL": "ghes.example/graphql"})


def test_github_graphql_url_is_used(run, github_server, clock):
    add_org(github_server, "acme", 2)
    code, out, err = run("org", "acme", GITHUB_GRAPHQL_URL="http://127.0.0.1:9/api/graphql")
    assert code == 1
    assert all("cannot connect to" in line["error"] for line in run.lines(out))
    assert not any(path.endswith("/graphql") for _, path, _ in github_server.statuses)


def test_the_cache_never_holds_the_token_and_keeps_tokens_apart(run, github_server):
    add_org(github_server, "acme", 3)
    other = github_server.add_token("ghp_another0123456789", "read")
    assert run("org", "acme")[0] == 0
    github_server.statuses.clear()
    assert run("org", "acme", token=other)[0] == 0
    assert [status for _, _, status in github_server.statuses] == [200]  # not the other token's ETag
    data = (run.cache / FILE_NAME).read_bytes()
    assert TOKEN.encode() not in data and other.encode() not in data


def test_a_corrupt_cache_is_a_usage_error_with_the_fix(run, github_server):
    add_org(github_server, "acme", 1)
    run.cache.mkdir()
    (run.cache / FILE_NAME).write_bytes(b"this is not a database" * 100)
    code, out, err = run("org", "acme")
    assert code == 2 and out == ""
    assert "cannot use the cache" in err and "delete the file" in err and "\n" not in err.strip()


def test_a_stale_cache_entry_is_read_again(run, github_server):
    add_org(github_server, "acme", 2)
    assert run("org", "acme", "--tag-format", "name")[0] == 0
    db = sqlite3.connect(run.cache / FILE_NAME)
    with db:
        db.execute("UPDATE repositories SET fingerprint = 'old'")
    db.close()
    github_server.statuses.clear()
    code, out, _ = run("org", "acme", "--tag-format", "name")
    assert run.lines(out)[0]["tags"] == ["cli", "nosql"]
    assert [(method, status) for method, _, status in github_server.statuses] == [("GET", 304), ("POST", 200)]


def test_action_organization_shard_and_cache_inputs(github_server, tmp_path):
    github_server.add_token(ADMIN, "admin")
    add_org(github_server, "acme", 6)
    github_server.add_repo("acme/old", READMES["db"], archived=True)
    outputs = {}
    for shard in ("0/2", "1/2"):
        result = run_action(github_server, tmp_path, ADMIN, repository="ignored/when-organization",
                            organization="acme", shard=shard, cache="tagger-cache", write="topics",
                            tag_format="name", output=f"tags-{shard[0]}.jsonl")
        assert result["code"] == 0, result["stdout"] + result["stderr"]
        outputs[shard] = [json.loads(line) for line in (tmp_path / f"tags-{shard[0]}.jsonl").read_text().splitlines()]
        everything = "\n".join([result["stdout"], result["stderr"], result["summary"], *result["outputs"].values()])
        assert [line for line in everything.splitlines() if ADMIN in line] == [f"::add-mask::{ADMIN}"]
    ids = sorted(line["id"] for lines in outputs.values() for line in lines)
    assert ids == [f"acme/repo-{i:04d}" for i in range(6)]
    assert (tmp_path / "tagger-cache" / FILE_NAME).exists()
    assert github_server.topics("acme/repo-0001") == ["serverless"] and github_server.topics("acme/old") == []


@pytest.mark.parametrize("body", [b"<html>a proxy's page</html>", {"message": "not a list"}],
                         ids=["not-json", "not-a-list"])
def test_a_listing_that_is_not_a_list_is_reported_not_a_traceback(run, github_server, body):
    add_org(github_server, "acme", 1)
    github_server.fault("GET", "/orgs/acme/repos", Fault(200, body, {"Content-Type": "text/html"}
                                                          if isinstance(body, bytes) else {}))
    code, out, err = run("org", "acme")
    assert code == 1 and out == ""
    assert "cannot list the repositories of acme: GitHub answered 200 with" in err and "\n" not in err.strip()
