"""Least privilege: the action hands the token to one step only, every workflow asks for no
more than reading, a workflow that passes its own token never asks for anything, and the README
names, per mode, exactly the permissions needed."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
WORKFLOWS = [*sorted((ROOT / ".github" / "workflows").glob("*.yml")),
             *sorted((ROOT / "examples" / "workflows").glob("*.yml"))]
PERMISSIONS = (ROOT / "README.md").read_text(encoding="utf-8").split("<!-- action-docs -->", 1)[1] \
    .split("### Permissions\n", 1)[1].split("\n### ", 1)[0]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _action_steps(workflow: dict):
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "readme-tagger" in str(step.get("uses", "")) or step.get("uses") == "./":
                yield step


def test_the_token_input_reaches_only_the_tag_step():
    users = [step.get("id") for step in ACTION["runs"]["steps"] if "inputs.github-token" in yaml.safe_dump(step)]
    assert users == ["tag"]
    tag = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "tag")
    assert [name for name, value in tag["env"].items() if "github-token" in str(value)] == ["GITHUB_TOKEN"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflows_ask_for_reading_at_most(path):
    workflow = _load(path)
    assert "permissions" in workflow, "every workflow says what its GITHUB_TOKEN may do"
    granted = [workflow["permissions"]] + [job.get("permissions", {}) for job in workflow["jobs"].values()]
    for permissions in granted:
        assert permissions in ({}, {"contents": "read"}), permissions


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "workflows").glob("*.yml")), ids=lambda path: path.name)
def test_a_workflow_that_passes_another_token_gives_its_own_nothing(path):
    workflow = _load(path)
    tokens = [step.get("with", {}).get("github-token", "${{ github.token }}") for step in _action_steps(workflow)]
    assert tokens, "the example runs the action"
    uses_own_token = any("github.token" in token or "GITHUB_TOKEN" in token for token in tokens)
    assert workflow["permissions"] == ({"contents": "read"} if uses_own_token else {})
    writes = any(step.get("with", {}).get("write") not in (None, "json") for step in _action_steps(workflow))
    if writes:  # writing topics: GITHUB_TOKEN can never do it, so a secret must be passed
        assert all("secrets." in token for token in tokens)


@pytest.mark.parametrize("mode, needs", [
    ("`write: json` (default)", ["`contents: read` for a private repository", "nothing for a public one",
                                 '"Contents: read"']),
    ("`dry-run: true`", ["dry-run only reads"]),
    ("`write: topics`", ['**"Administration: write"** on the chosen repositories only', '"Contents: read"',
                         "`public_repo`", "`repo`"]),
])
def test_readme_names_the_permissions_of_each_mode(mode, needs):
    row = next(line for line in PERMISSIONS.splitlines() if line.startswith(f"| {mode} |"))
    for need in needs:
        assert need in row, (mode, need)
    assert not re.search(r"\b(write-all|read-all|contents: write|admin:)", row)


def test_readme_says_what_each_call_needs_and_that_github_token_cannot_write_topics():
    text = " ".join(PERMISSIONS.split())
    for call in ('"Metadata: read"', 'reading its README, "Contents: read"',
                 '(`PUT /repos/{owner}/{repo}/topics`), "Administration: write"', "`permissions: {}`"):
        assert call in text, call
    assert "`GITHUB_TOKEN` can never write topics" in text
