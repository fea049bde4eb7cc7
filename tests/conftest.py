"""Shared fixtures: a clean environment for every test, vocabulary writers, fixture paths."""

import json
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO_ROOT = Path(__file__).parent.parent

CLEARED_PREFIXES = ("GITHUB_", "INPUT_", "RUNNER_")
CLEARED_NAMES = ("GH_TOKEN", "GH_HOST", "CI")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """No test sees the Actions context or a token of the machine that runs it."""
    for name in list(os.environ):
        if name.startswith(CLEARED_PREFIXES) or name in CLEARED_NAMES:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def readmes_dir() -> Path:
    """Small READMEs written for these tests (never copied from a real repository)."""
    return FIXTURES / "readmes"


@pytest.fixture
def write_vocabulary(tmp_path):
    """write_vocabulary(data_or_text, suffix=".json") -> path of a vocabulary file.

    A list of names becomes [{"id": 1, "name": ...}, ...]; a list of dicts is dumped as JSON;
    a str is written as is (for broken files and YAML)."""
    counter = {"n": 0}

    def write(content, suffix: str = ".json", name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"vocabulary{counter['n']}{suffix}")
        if isinstance(content, (list, tuple)) and all(isinstance(item, str) for item in content):
            content = [{"id": number, "name": item} for number, item in enumerate(content, start=1)]
        if not isinstance(content, str):
            content = json.dumps(content, indent=1)
        path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def hang_guard():
    """The hang guard as a fixture: with hang_guard(seconds): ..."""
    from guards import hang_guard_for

    return hang_guard_for


# The GitHub side: OpenAPI description, local GitHub server, recording clock.
from github_fixtures import clock, github_server, graphql_schema, openapi  # noqa: E402,F401
