"""The local server's GraphQL endpoint (POST /api/graphql, as on GitHub Enterprise Server).

Every query is parsed and validated with graphql-core against GitHub's published schema (npm
package @octokit/graphql-schema, schema.json), plus GitHub's own limits: `first`/`last` between
1 and 100 on every connection and at most 500,000 nodes a query. A query that fails is a
violation (the fixture fails the test) and is answered with errors, as GitHub does. Valid queries
are executed by graphql-core against the server's state, with a small hand-written resolver for
the fields a scan reads: repository (by owner and name, NOT_FOUND when missing), its description,
flags, pushedAt, default branch, topics and `object(expression: "HEAD:<path>")` Blobs; rateLimit.
"""

import json

from graphql import GraphQLError, OperationDefinitionNode, build_client_schema, execute, parse, validate
from graphql.language import (FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode,
                              IntValueNode, VariableNode)

MAX_NODES = 500_000
DOCS = "https://docs.github.com/graphql"


def load_schema(path):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return build_client_schema(data.get("data", data))


class NotFound(Exception):
    pass


class _Repository:
    """Resolves the Repository fields a scan asks for, from a RepoState."""

    def __init__(self, state):
        self.state = state
        self.nameWithOwner = f"{state.owner}/{state.name}"
        self.description = state.description
        self.isArchived = state.archived
        self.isFork = state.fork
        self.isEmpty = state.empty
        self.pushedAt = state.pushed_at
        self.defaultBranchRef = {"name": state.default_branch}

    def repositoryTopics(self, info, first=None, **_):
        return {"nodes": [{"topic": {"name": name}} for name in self.state.topics[:first]],
                "totalCount": len(self.state.topics)}

    def object(self, info, expression=None, oid=None):
        ref, _, path = (expression or "").partition(":")
        state = self.state
        if ref != "HEAD" or state.readme is None or path != state.readme_path:
            return None
        text = None if state.large_readme else state.readme.decode("utf-8", errors="replace")
        return {"__typename": "Blob", "text": text, "isBinary": False, "isTruncated": state.large_readme,
                "byteSize": len(state.readme)}


class _Root:
    def __init__(self, server):
        self.server = server

    def repository(self, info, owner, name, **_):
        state = self.server.repos.get(f"{owner}/{name}".lower())
        if state is None:
            raise NotFound(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return _Repository(state)

    def rateLimit(self, info, **_):
        return {"cost": 1, "remaining": 4999, "resetAt": "2030-01-01T00:00:00Z", "limit": 5000, "used": 1,
                "nodeCount": 0}


class GraphQLEndpoint:
    def __init__(self, schema):
        self.schema = schema
        self.queries: list[str] = []  # every query received, for contract tests
        self._last = (None, None)

    def _document(self, body: bytes):
        """(document, variables, problems), remembered for the body just checked."""
        if self._last[0] == body:
            return self._last[1]
        self._last = (body, self._check(body))
        return self._last[1]

    def _check(self, body: bytes):
        try:
            request = json.loads(body)
            query, variables = request["query"], request.get("variables") or {}
        except (ValueError, KeyError, TypeError) as exc:
            return None, None, [f"POST /graphql: the body is not {{\"query\", \"variables\"}} JSON ({exc})"]
        try:
            document = parse(query)
        except GraphQLError as exc:
            return None, variables, [f"POST /graphql: does not parse: {exc.message}"]
        problems = [f"POST /graphql: {error.message}" for error in validate(self.schema, document)]
        problems += _limits(document, variables)
        return document, variables, problems

    def check_request(self, method: str, headers, body: bytes) -> list[str]:
        if method != "POST":
            return [f"{method} /graphql: GitHub's GraphQL endpoint takes POST"]
        problems = [] if "application/json" in (headers.get("Content-Type") or "") else \
            ["POST /graphql: the body is not sent as application/json"]
        try:
            self.queries.append(json.loads(body)["query"])
        except (ValueError, KeyError, TypeError):
            pass
        return problems + self._document(body)[2]

    def answer(self, server, access, body: bytes):
        """(status, payload, extra headers); called with the server's lock held."""
        if access == "anonymous":
            return 401, {"message": "This endpoint requires you to be authenticated.", "documentation_url": DOCS}, {}
        document, variables, problems = self._document(body)
        if problems:
            return 200, {"errors": [{"message": problem} for problem in problems]}, {}
        result = execute(self.schema, document, root_value=_Root(server), variable_values=variables)
        payload = {"data": result.data}
        if result.errors:
            payload["errors"] = []
            for error in result.errors:
                formatted = dict(error.formatted)
                if isinstance(error.original_error, NotFound):
                    formatted["type"] = "NOT_FOUND"
                payload["errors"].append(formatted)
        return 200, payload, {}


def _limits(document, variables: dict) -> list[str]:
    """GitHub's documented limits: first/last in 1..100 on each connection; at most 500,000 nodes."""
    problems = []

    def value(node):
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            return variables.get(node.name.value)
        return None

    fragments = {definition.name.value: definition for definition in document.definitions
                 if isinstance(definition, FragmentDefinitionNode)}

    def walk(selection_set, multiplier: int) -> int:
        total = 0
        for selection in (selection_set.selections if selection_set else ()):
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                total += walk(fragment.selection_set, multiplier) if fragment else 0
                continue
            if isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, multiplier)
                continue
            if not isinstance(selection, FieldNode):
                continue
            size = None
            for argument in selection.arguments or ():
                if argument.name.value in ("first", "last"):
                    size = value(argument.value)
                    if not isinstance(size, int) or not 1 <= size <= 100:
                        problems.append(f"POST /graphql: {selection.name.value}({argument.name.value}: {size}) "
                                        "must be between 1 and 100")
                        size = 100
            if size is not None:
                total += multiplier * size
                total += walk(selection.selection_set, multiplier * size)
            else:
                total += walk(selection.selection_set, multiplier)
        return total

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            nodes = walk(definition.selection_set, 1)
            if nodes > MAX_NODES:
                problems.append(f"POST /graphql: the query may return {nodes:,} nodes; GitHub allows {MAX_NODES:,}")
    return problems
