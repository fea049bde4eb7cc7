"""Reading many repositories in one GraphQL query: description, topics, flags and the README.

One query asks for up to BATCH_SIZE repositories, each under an alias (r0, r1, ...), and for each
the README under the usual names (`object(expression: "HEAD:README.md")`, ...). A repository
none of those names matched (or whose README is binary or too large for GraphQL's text) is left
for the REST `/readme` call, which resolves any name, format and folder. Pure: building the
query and reading the answer; the request itself goes through bot.github.
"""

import json
from dataclasses import dataclass

BATCH_SIZE = 100
MAX_TOPICS = 20  # GitHub allows 20 topics per repository
# README names GitHub recognises, in the order this tool prefers them.
README_NAMES = ("README.md", "README", "README.rst", "README.txt", "README.markdown", "readme.md",
                "Readme.md", "docs/README.md", ".github/README.md")

QUERY = """\
query ReadmeTaggerRepositories({variables}) {{
  rateLimit {{ cost remaining resetAt }}
{body}}}

fragment ReadmeTaggerRepository on Repository {{
  nameWithOwner
  description
  isArchived
  isFork
  isEmpty
  pushedAt
  defaultBranchRef {{ name }}
  repositoryTopics(first: {topics}) {{ nodes {{ topic {{ name }} }} }}
{readmes}}}
"""
REPOSITORY = "  {alias}: repository(owner: ${alias}_owner, name: ${alias}_name) {{ ...ReadmeTaggerRepository }}\n"
README_FIELD = "  {alias}: object(expression: {expression}) {{ ... on Blob {{ text isBinary isTruncated byteSize }} }}\n"


@dataclass(frozen=True)
class Found:
    """What one query said about one repository."""

    full_name: str
    description: str | None
    archived: bool
    fork: bool
    empty: bool
    pushed_at: str | None
    default_branch: str | None
    topics: tuple[str, ...]
    readme_path: str | None  # None: no README name matched; ask REST
    readme: bytes | None


def _readme_alias(index: int) -> str:
    return f"readme{index}"


def query_for(names: list[str]) -> tuple[str, dict]:
    """(query, variables) for up to BATCH_SIZE repositories "owner/name"."""
    if not 0 < len(names) <= BATCH_SIZE:
        raise ValueError(f"a batch holds 1 to {BATCH_SIZE} repositories, got {len(names)}")
    readmes = "".join(README_FIELD.format(alias=_readme_alias(index), expression=json.dumps(f"HEAD:{name}"))
                      for index, name in enumerate(README_NAMES))
    declarations, body, variables = [], [], {}
    for index, full_name in enumerate(names):
        alias = f"r{index}"
        owner, name = full_name.split("/", 1)
        declarations += [f"${alias}_owner: String!", f"${alias}_name: String!"]
        variables[f"{alias}_owner"], variables[f"{alias}_name"] = owner, name
        body.append(REPOSITORY.format(alias=alias))
    query = QUERY.format(variables=", ".join(declarations), body="".join(body), topics=MAX_TOPICS, readmes=readmes)
    return query, variables


def read_answer(names: list[str], answer: dict) -> tuple[dict[str, Found], dict[str, str]]:
    """({name: Found} for the repositories GraphQL resolved, {name: message} for those it did
    not, e.g. NOT_FOUND), keyed by the names as asked."""
    data = answer.get("data") or {}
    problems = {}
    for error in answer.get("errors") or []:
        if isinstance(error, dict) and error.get("path"):
            problems[str(error["path"][0])] = " ".join(str(error.get("message", "")).split())[:300]
    found, missing = {}, {}
    for index, full_name in enumerate(names):
        alias = f"r{index}"
        node = data.get(alias)
        if not isinstance(node, dict):
            missing[full_name] = problems.get(alias, "GitHub's GraphQL API returned no repository")
            continue
        found[full_name] = _found(node)
    return found, missing


def _found(node: dict) -> Found:
    readme_path = readme = None
    for index, name in enumerate(README_NAMES):
        blob = node.get(_readme_alias(index))
        if isinstance(blob, dict) and "text" in blob:
            if blob.get("isBinary") is False and not blob.get("isTruncated") and isinstance(blob.get("text"), str):
                readme_path, readme = name, blob["text"].encode("utf-8")
            break  # the preferred name exists: a binary or truncated one is read through REST
    topics = tuple(item["topic"]["name"] for item in ((node.get("repositoryTopics") or {}).get("nodes") or [])
                   if isinstance(item, dict) and isinstance(item.get("topic"), dict))
    branch = node.get("defaultBranchRef") or {}
    return Found(node["nameWithOwner"], node.get("description"), bool(node.get("isArchived")),
                 bool(node.get("isFork")), bool(node.get("isEmpty")), node.get("pushedAt"), branch.get("name"),
                 topics, readme_path, readme)
