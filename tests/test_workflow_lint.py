"""action.yml and every workflow (the project's and the examples) must pass GitHub's schemas
(check-jsonschema's vendored copies) and zizmor's offline audits with no finding."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted((ROOT / "examples" / "workflows").glob("*.yml"))
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]' installs it)")
    return path


def _run(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_there_is_something_to_lint():
    names = {path.name for path in WORKFLOWS}
    assert ACTION.exists()
    assert {"ci.yml", "self-test.yml", "tag-on-schedule.yml", "tag-on-readme-change.yml",
            "tag-on-dispatch.yml", "tag-organization.yml"} <= names


def test_action_matches_github_actions_schema():
    done = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)])
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_workflow_matches_github_workflows_schema(workflow):
    done = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)])
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing():
    files = [str(ACTION), *map(str, WORKFLOWS)]
    done = _run([_tool("zizmor"), "--offline", "--strict-collection", "--config", str(ZIZMOR_CONFIG), *files])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def _steps(document: dict):
    for step in document.get("runs", {}).get("steps", []):
        yield step
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_no_expression_inside_run(path):
    import yaml

    for step in _steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
        assert "${{" not in step.get("run", ""), f"{path.name}: pass values through env:, not ${{{{ }}}} in run:"


def test_checkout_never_persists_credentials():
    import yaml

    for path in WORKFLOWS:
        for step in _steps(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, path.name
