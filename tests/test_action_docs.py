"""The README's action documentation mirrors action.yml and the example workflows."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ACTION_DOCS = README.split("<!-- action-docs -->", 1)[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


def _table(heading: str) -> dict[str, list[str]]:
    section = ACTION_DOCS.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([a-z-]+)`", cells[0]) if line.startswith("|") else None
        if match:
            rows[match.group(1)] = cells[1:]
    return rows


def test_inputs_table_mirrors_action_yml():
    table = _table("Inputs")
    assert list(table) == list(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        default = str(spec.get("default", ""))
        documented = table[name][0]
        assert documented == f"`{default}`" if default else documented.startswith("(empty"), (name, documented)


def test_outputs_table_mirrors_action_yml():
    assert list(_table("Outputs")) == list(ACTION["outputs"])


def test_readme_shows_each_example_workflow_in_full():
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", ACTION_DOCS, re.S)]
    for example in sorted((ROOT / "examples" / "workflows").glob("*.yml")):
        assert yaml.safe_load(example.read_text(encoding="utf-8")) in blocks, example.name


def test_permissions_section_names_the_token_for_each_mode():
    section = ACTION_DOCS.split("### Permissions\n", 1)[1].split("\n### ", 1)[0]
    for mode in ("`write: json`", "`dry-run: true`", "`write: topics`"):
        assert mode in section
    assert "Administration: write" in section and "Resource not accessible by integration" in section
