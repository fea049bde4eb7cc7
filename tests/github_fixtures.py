"""Fixtures for the GitHub side (imported by conftest.py): GitHub's OpenAPI description (fetched
with npm when missing; its absence fails the run, never skips it), the local GitHub server, and
a clock that records waits instead of sleeping."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_PREFIX = ROOT / "tests" / ".openapi"
OPENAPI_SPEC = OPENAPI_PREFIX / "node_modules" / "@octokit" / "openapi" / "generated" / "api.github.com.json"
GRAPHQL_PREFIX = ROOT / "tests" / ".graphql-schema"  # its own prefix: npm --no-save would prune the other
GRAPHQL_SCHEMA = GRAPHQL_PREFIX / "node_modules" / "@octokit" / "graphql-schema" / "schema.json"
# Pinned, so that every machine checks against the same description; raise them deliberately.
OPENAPI_PACKAGE = "@octokit/openapi@23.0.2"
GRAPHQL_PACKAGE = "@octokit/graphql-schema@15.26.1"


def _fetch_openapi(prefix: Path = OPENAPI_PREFIX, package: str = OPENAPI_PACKAGE, wanted: Path = OPENAPI_SPEC,
                   what: str = "GitHub's OpenAPI description") -> None:
    command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix), package]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"cannot fetch {what} ({exc}); fix: install npm, or run "
                    f"{' '.join(command)}", pytrace=False)
    if done.returncode != 0 or not wanted.exists():
        pytest.fail(f"cannot fetch {what}: npm exited {done.returncode}: "
                    f"{done.stderr.strip()[-500:]}; fix: run {' '.join(command)}", pytrace=False)


@pytest.fixture(scope="session")
def openapi():
    from openapi import OpenAPI

    if not OPENAPI_SPEC.exists():
        _fetch_openapi()
    return OpenAPI(OPENAPI_SPEC)


@pytest.fixture(scope="session")
def graphql_schema():
    """GitHub's published GraphQL schema (npm @octokit/graphql-schema), parsed by graphql-core."""
    from graphql_server import load_schema

    if not GRAPHQL_SCHEMA.exists():
        _fetch_openapi(GRAPHQL_PREFIX, GRAPHQL_PACKAGE, GRAPHQL_SCHEMA, "GitHub's GraphQL schema")
    return load_schema(GRAPHQL_SCHEMA)


@pytest.fixture
def github_server(openapi, graphql_schema):
    from github_server import GitHubServer
    from graphql_server import GraphQLEndpoint

    server = GitHubServer(openapi)
    server.graphql = GraphQLEndpoint(graphql_schema)
    server.start()
    yield server
    server.stop()
    assert server.violations == [], "requests or responses that GitHub's OpenAPI description rejects"


class RecordingClock:
    """Time that moves only when code waits: records every wait, never sleeps."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.current = start
        self.waits: list[float] = []

    def now(self) -> float:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.current += max(0.0, seconds)


@pytest.fixture
def clock():
    return RecordingClock()


def read_step_outputs(path: Path) -> dict:
    """The values a step wrote to GITHUB_OUTPUT, in its name<<DELIMITER form."""
    values, lines, index = {}, path.read_text().splitlines(), 0
    while index < len(lines):
        name, delimiter = lines[index].split("<<")
        end = lines.index(delimiter, index + 1)
        values[name] = "\n".join(lines[index + 1:end])
        index = end + 1
    return values
