"""bot.github against the local GitHub server, over real HTTP through real PyGithub."""

import pytest

from bot.errors import ConfigError
from bot.github import AuthError, GitHub, GitHubError, api_url, find_token
from github_server import Fault, rate_limited, timeout

TOKEN = "ghp_testtoken0123456789"
README = "# qdb\n\nA fast embedded key-value database written in Rust, with a command-line interface.\n"


@pytest.fixture
def server(github_server):
    github_server.add_token(TOKEN, "admin")
    github_server.add_repo("octo/qdb", README, description="key-value store", topics=["rust"],
                           default_branch="trunk")
    return github_server


def client(server, clock, token=TOKEN, **options):
    return GitHub(token, server.url, clock=clock, **options)


def test_repository_facts(server, clock):
    repo = client(server, clock).repository("octo/qdb")
    assert (repo.full_name, repo.description, repo.default_branch, repo.archived, repo.topics) == \
        ("octo/qdb", "key-value store", "trunk", False, ("rust",))


@pytest.mark.parametrize("path, content", [
    ("README.md", README.encode()),
    ("README.rst", b"qdb\n===\n\nA key-value database.\n"),
    ("docs/README.md", b"# docs readme\n"),
    (".github/README", b"plain text readme, no extension\n"),
    ("readme.markdown", "# Café ☕ – naïve UTF-8\n".encode()),
    ("README.txt", "Latin-1 caf\xe9\n".encode("latin-1")),
    ("README.md", b"\xef\xbb\xbf# with a byte order mark\n"),
])
def test_readme_under_any_name_and_encoding(server, clock, path, content):
    server.add_repo("octo/docs", content, readme_path=path)
    readme = client(server, clock).readme("octo/docs")
    assert (readme.path, readme.content) == (path, content)


def test_large_readme_is_fetched_raw(server, clock):
    text = "# big\n\n" + "A key-value database. " * 60_000  # over 1 MB: the JSON carries no content
    server.add_repo("octo/big", text, large_readme=True)
    readme = client(server, clock).readme("octo/big")
    assert readme.content == text.encode()
    assert [r["path"] for r in server.requests].count("/api/v3/repos/octo/big/readme") == 2


def test_missing_readme_is_none(server, clock):
    server.add_repo("octo/empty")
    assert client(server, clock).readme("octo/empty") is None


def test_topics_read_and_replace(server, clock):
    github = client(server, clock)
    assert github.topics("octo/qdb") == ["rust"]
    github.replace_topics("octo/qdb", ["rust", "database"])
    assert server.topics("octo/qdb") == ["rust", "database"]


@pytest.mark.parametrize("faults", [[Fault(500)], [Fault(502), Fault(500)], [timeout()]],
                         ids=["500", "502-then-500", "timeout"])
def test_transient_failures_are_retried_with_backoff(server, clock, faults):
    server.fault("GET", "/topics", *faults)
    assert client(server, clock, timeout=1).topics("octo/qdb") == ["rust"]
    assert clock.waits == [2.0, 4.0][:len(faults)]


def test_rate_limit_waits_for_retry_after(server, clock):
    server.fault("GET", "/readme", rate_limited(retry_after=7))
    assert client(server, clock).readme("octo/qdb").content == README.encode()
    assert clock.waits == [7.0]


def test_429_waits_until_the_reset_time(server, clock):
    server.fault("PUT", "/topics", rate_limited(reset=int(clock.now()) + 30, status=429))
    client(server, clock).replace_topics("octo/qdb", ["rust", "cli"])
    assert clock.waits == [31.0]
    assert server.topics("octo/qdb") == ["rust", "cli"]


def test_rate_limit_without_a_time_waits_a_minute(server, clock):
    server.fault("GET", "/topics", Fault(403, {"message": "You have exceeded a secondary rate limit."}))
    client(server, clock).topics("octo/qdb")
    assert clock.waits == [60.0]


def test_rate_limit_too_long_fails_at_once(server, clock):
    server.fault("GET", "/topics", rate_limited(reset=int(clock.now()) + 3600))
    with pytest.raises(GitHubError, match="rate limit exceeded .* wait 3601 s") as caught:
        client(server, clock).topics("octo/qdb")
    assert clock.waits == []
    assert "fix:" in str(caught.value)


def test_persistent_5xx_gives_up_with_cause_and_fix(server, clock):
    server.fault("GET", "/topics", *[Fault(502)] * 4)
    with pytest.raises(GitHubError) as caught:
        client(server, clock).topics("octo/qdb")
    message = str(caught.value)
    assert message.startswith("cannot read the topics of octo/qdb: GitHub answered 502")
    assert "(4 attempts)" in message and "(fix: run again later" in message
    assert "\n" not in message
    assert clock.waits == [2.0, 4.0, 8.0]


def test_connection_refused_is_retried_then_reported(openapi, clock):
    github = GitHub(TOKEN, "http://127.0.0.1:9/api/v3", clock=clock, attempts=2, timeout=1)
    with pytest.raises(GitHubError, match="cannot connect to http://127.0.0.1:9/api/v3"):
        github.repository("octo/qdb")
    assert clock.waits == [2.0]


def test_bad_credentials_is_a_configuration_error(server, clock):
    with pytest.raises(AuthError) as caught:
        client(server, clock, token="ghp_wrong").repository("octo/qdb")
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2
    assert "GitHub rejected the token (401 Bad credentials)" in str(caught.value)
    assert "ghp_wrong" not in str(caught.value)


def test_injected_401_without_a_token_asks_for_one(server, clock):
    server.fault("GET", "/repos/octo/qdb", Fault(401, {"message": "Requires authentication"}))
    with pytest.raises(AuthError, match="GitHub asks for a token"):
        client(server, clock, token=None).repository("octo/qdb")


def test_not_found_names_the_repository_and_the_fix(server, clock):
    with pytest.raises(GitHubError) as caught:
        client(server, clock).repository("octo/nope")
    assert caught.value.status == 404
    assert str(caught.value) == ("cannot read octo/nope: not found (404) (fix: check the name 'octo/nope' "
                                 "(OWNER/NAME); for a private repository use a token that can read it)")


def test_read_only_token_write_says_why_and_how(server, clock):
    server.add_token("ghs_readonly", "read")
    with pytest.raises(GitHubError) as caught:
        client(server, clock, token="ghs_readonly").replace_topics("octo/qdb", ["rust", "cli"])
    message = str(caught.value)
    assert 'Resource not accessible by integration' in message
    assert '"Administration: write"' in message and "fine-grained personal access token" in message
    assert server.topics("octo/qdb") == ["rust"]


def test_422_is_reported_with_the_topic_rules(server, clock):
    with pytest.raises(GitHubError, match="422 Validation Failed.*lowercase letters, digits and hyphens"):
        client(server, clock).replace_topics("octo/qdb", [f"t{i}" for i in range(21)])
    assert server.topics("octo/qdb") == ["rust"]


def test_injected_404_on_readme_means_no_readme(server, clock):
    server.fault("GET", "/readme", Fault(404, {"message": "Not Found"}))
    assert client(server, clock).readme("octo/qdb") is None


def test_token_and_api_url_from_the_environment():
    assert find_token(None, {"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}) == "a"
    assert find_token(None, {"GH_TOKEN": "b"}) == "b"
    assert find_token("c", {"GITHUB_TOKEN": "a"}) == "c"
    assert find_token(None, {}) is None
    assert api_url({"GITHUB_API_URL": "https://ghes.example/api/v3/"}) == "https://ghes.example/api/v3"
    assert api_url({}) == "https://api.github.com"
    with pytest.raises(ConfigError, match="is not an http"):
        api_url({"GITHUB_API_URL": "api.github.com"})
