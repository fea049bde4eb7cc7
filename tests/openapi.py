"""Checking HTTP traffic against GitHub's official OpenAPI description (@octokit/openapi,
generated/api.github.com.json). The description is OpenAPI 3.0: `nullable: true` is turned
into JSON Schema's null type once at load, and every `$ref` resolves against the document."""

import json
import re
from urllib.parse import quote

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SPEC_URI = "urn:github-openapi"
# Statuses GitHub answers on any endpoint that the description does not list per operation
# (bad credentials, missing permission, rate limits, server errors): their body is a basic-error.
GENERIC_STATUSES = {401, 403, 429, 500, 502, 503, 504}


def _allow_null(node) -> None:
    """OpenAPI 3.0 `nullable: true` -> JSON Schema, in place, everywhere in the document."""
    if isinstance(node, list):
        for item in node:
            _allow_null(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _allow_null(value)
    if node.pop("nullable", False) is True:
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            inner = dict(node)
            node.clear()
            node["anyOf"] = [inner, {"type": "null"}]


def _pointer(*parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "/" + "/".join(quote(part, safe="") for part in escaped)


class OpenAPI:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            self.spec = json.load(handle)
        _allow_null(self.spec)
        self.registry = Registry().with_resource(SPEC_URI, Resource(contents=self.spec, specification=DRAFT7))
        self.templates = [(re.compile("^" + re.sub(r"\\{[^/]+?\\}", "([^/]+)", re.escape(template)) + "$"),
                           template) for template in self.spec["paths"]]
        self._validators: dict = {}

    def version(self) -> str:
        return self.spec.get("info", {}).get("version", "?")

    def _resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            pointer = node["$ref"].lstrip("#/").split("/")
            node = self.spec
            for part in pointer:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _validator(self, *parts: str) -> Draft7Validator:
        key = parts
        if key not in self._validators:
            self._validators[key] = Draft7Validator({"$ref": SPEC_URI + "#" + _pointer(*parts)},
                                                    registry=self.registry)
        return self._validators[key]

    def _errors(self, instance, *parts: str) -> list[str]:
        return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
                for error in self._validator(*parts).iter_errors(instance)]

    def operation(self, method: str, path: str):
        """(template, operation) for an API path without prefix, or None."""
        for pattern, template in self.templates:
            if pattern.match(path):
                operation = self.spec["paths"][template].get(method.lower())
                if operation is not None:
                    return template, operation
        return None

    def check_request(self, method: str, path: str, query: dict, body: bytes | None,
                      content_type: str | None) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return [f"{method} {path}: no such operation in GitHub's REST description"]
        template, operation = found
        problems = []
        parameters = [self._resolve(p) for p in
                      self.spec["paths"][template].get("parameters", []) + operation.get("parameters", [])]
        known = {p["name"] for p in parameters if p["in"] == "query"}
        for name in query:
            if name not in known:
                problems.append(f"{method} {template}: unknown query parameter {name!r}")
        for parameter in parameters:
            if parameter["in"] == "query" and parameter.get("required") and parameter["name"] not in query:
                problems.append(f"{method} {template}: missing required query parameter {parameter['name']!r}")
            if parameter["in"] == "query" and parameter["name"] in query:
                value = query[parameter["name"]][-1]
                schema = parameter.get("schema", {})
                if schema.get("type") == "integer":
                    if not value.isdigit():
                        problems.append(f"{method} {template}: {parameter['name']}={value!r} is not an integer")
        request_body = self._resolve(operation.get("requestBody")) if operation.get("requestBody") else None
        if request_body is None:
            if body:
                problems.append(f"{method} {template}: takes no request body, got {len(body)} bytes")
            return problems
        if not body:
            if request_body.get("required"):
                problems.append(f"{method} {template}: request body is required")
            return problems
        if "application/json" not in (content_type or ""):
            problems.append(f"{method} {template}: request body sent as {content_type!r}, not application/json")
        try:
            instance = json.loads(body)
        except ValueError as exc:
            return problems + [f"{method} {template}: request body is not JSON ({exc})"]
        for error in self._errors(instance, "paths", template, method.lower(), "requestBody", "content",
                                  "application/json", "schema"):
            problems.append(f"{method} {template} request body: {error}")
        return problems

    def check_response(self, method: str, path: str, status: int, body, content_type: str) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return [f"{method} {path}: no such operation"]
        template, operation = found
        responses = operation.get("responses", {})
        if str(status) not in responses:
            if status in GENERIC_STATUSES:
                return [f"{method} {template} {status}: {error}"
                        for error in self._errors(body, "components", "schemas", "basic-error")]
            return [f"{method} {template}: status {status} is not a documented response"]
        response = self._resolve(responses[str(status)])
        content = response.get("content")
        if not content:
            return [] if body in (None, b"", "") else [f"{method} {template} {status}: documented without a body"]
        if not content_type.startswith("application/json"):
            if content_type.startswith("application/vnd.github.raw") and status == 200:
                return []  # the raw media type the operation's description documents
            return [f"{method} {template} {status}: content type {content_type!r} is not documented"]
        if "application/json" not in content:
            return [f"{method} {template} {status}: JSON is not a documented content type"]
        ref = responses[str(status)].get("$ref")
        parts = (["components", "responses", ref.rsplit("/", 1)[-1]] if ref
                 else ["paths", template, method.lower(), "responses", str(status)])
        return [f"{method} {template} {status}: {error}"
                for error in self._errors(body, *parts, "content", "application/json", "schema")]

    def example(self, name: str):
        return json.loads(json.dumps(self.spec["components"]["examples"][name]["value"]))
