"""A small GitHub REST API on 127.0.0.1 for tests: stateful, with injectable faults, and checked
against GitHub's OpenAPI description.

State: repositories (description, default branch, archived flag, topics), each README under any
name and folder, in base64 or (over the Contents API's 1 MB limit) with encoding "none". Tokens:
"admin" tokens may write topics; "read" tokens get 403 "Resource not accessible by integration"
on writes, as GITHUB_TOKEN does; unknown tokens get 401. Writes enforce GitHub's topic rules
(422 past 20 topics or for a malformed name).

Faults are queued per (method, path suffix) and served in order before the normal answer:
a status with a body and headers (500, 502, 403 rate limit, 429, 422, 401, 404...), a body
that is not the API's JSON (a proxy's HTML page), a timeout (the answer never comes before the
client gives up), a connection reset (the socket closed without an answer; with `applied`, after
the request took effect, as when the answer is lost on the way back), an answer cut off halfway,
or a slow answer (a short, bounded delay before the normal answer; recorded in `delays`).

Every request received and every non-fault response sent is checked against the description;
problems are collected in `violations`, which the test fixture asserts is empty.

For scans (tests/graphql_server.py): GET /orgs/{org}/repos with pagination, an ETag on every GET
answer and 304 for a matching If-None-Match, `POST /api/graphql` validated against GitHub's
published GraphQL schema and executed against this state, and `counted()`: the requests that
count against the rate limit (all but the 304s).
"""

import base64
import copy
import hashlib
import json
import socket
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from topic_rules import valid_topic

PREFIX = "/api/v3"  # a GitHub Enterprise Server style base path: GITHUB_API_URL=http://host/api/v3
GRAPHQL_PATH = "/api/graphql"  # where GitHub Enterprise Server answers GraphQL
DOCS = "https://docs.github.com/rest"


@dataclass
class RepoState:
    owner: str
    name: str
    description: str | None = None
    default_branch: str = "main"
    archived: bool = False
    topics: list = field(default_factory=list)
    readme: bytes | None = None
    readme_path: str = "README.md"
    large_readme: bool = False  # served as encoding "none" with empty content, like files over 1 MB
    fork: bool = False
    empty: bool = False  # no commit at all (GraphQL isEmpty)
    pushed_at: str = "2024-01-01T00:00:00Z"
    order: int = 0  # creation order, for the organisation listing


@dataclass
class Fault:
    status: int = 500
    body: dict | None = None
    headers: dict = field(default_factory=dict)
    timeout: bool = False
    reset: bool = False      # close the connection without an answer
    applied: bool = False    # with reset or cut: handle the request first, then lose the answer
    cut: bool = False        # send half of the answer, then close
    raw: bytes | None = None  # a body that is not JSON (e.g. a proxy's HTML error page)
    delay: float = 0.0       # slow: wait this long (at most MAX_DELAY), then answer normally


def rate_limited(retry_after: int | None = None, reset: int | None = None, status: int = 403) -> Fault:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "60"}
    if retry_after is not None:
        headers["retry-after"] = str(retry_after)
    if reset is not None:
        headers["x-ratelimit-reset"] = str(reset)
    return Fault(status, {"message": "API rate limit exceeded for installation.", "documentation_url": DOCS},
                 headers)


def timeout() -> Fault:
    return Fault(timeout=True)


def reset(applied: bool = False) -> Fault:
    return Fault(reset=True, applied=applied)


def cut(applied: bool = False) -> Fault:
    return Fault(cut=True, applied=applied)


def slow(seconds: float = 0.05) -> Fault:
    return Fault(delay=seconds)


def html_page(status: int = 502) -> Fault:
    return Fault(status, raw=b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                 headers={"Content-Type": "text/html"})


MAX_DELAY = 0.5


class ClientGone(Exception):
    pass


class Drop(Exception):
    """Close the connection: without a byte (reset), or after half of this answer (cut)."""

    def __init__(self, data: bytes = b"", status: int = 200):
        super().__init__("drop")
        self.data, self.status = data, status


class GitHubServer:
    def __init__(self, openapi):
        self.openapi = openapi
        self.repos: dict[str, RepoState] = {}
        self.tokens: dict[str, str] = {}
        self.faults: dict[tuple[str, str], list[Fault]] = {}
        self.hooks: list = []
        self.requests: list[dict] = []
        self.violations: list[str] = []
        self.delays: list[float] = []
        self.statuses: list[tuple[str, str, int]] = []  # (method, path, status) of every answer sent
        self.graphql = None  # a graphql_server.GraphQLEndpoint, set by the fixture
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def start(self) -> "GitHubServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # -- state ----------------------------------------------------------------------------

    def add_token(self, token: str, access: str = "admin") -> str:
        self.tokens[token] = access
        return token

    def add_repo(self, full_name: str, readme: bytes | str | None = None, **fields) -> RepoState:
        owner, name = full_name.split("/")
        if isinstance(readme, str):
            readme = readme.encode("utf-8")
        fields.setdefault("order", len(self.repos))
        self.repos[full_name.lower()] = RepoState(owner, name, readme=readme, **fields)
        return self.repos[full_name.lower()]

    def push(self, full_name: str, readme: bytes | str | None) -> None:
        """A push that changes the README: new content, a later pushed_at."""
        repo = self.repos[full_name.lower()]
        repo.readme = readme.encode("utf-8") if isinstance(readme, str) else readme
        self.pushes = getattr(self, "pushes", 0) + 1
        repo.pushed_at = f"2025-01-01T00:{self.pushes // 60 % 60:02d}:{self.pushes % 60:02d}Z"

    def counted(self) -> list[tuple[str, str, int]]:
        """The answers that count against the rate limit: every one but 304 Not Modified."""
        return [answer for answer in self.statuses if answer[2] != 304]

    def topics(self, full_name: str) -> list[str]:
        return list(self.repos[full_name.lower()].topics)

    def fault(self, method: str, suffix: str, *faults: Fault) -> None:
        """Serve these faults, in order, to the next requests whose path ends with suffix."""
        self.faults.setdefault((method, suffix), []).extend(faults)

    def on(self, method: str, suffix: str, action) -> None:
        """Run action(server) when a request whose path ends with suffix arrives (e.g. a concurrent edit)."""
        self.hooks.append((method, suffix, action))

    def writes(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "PUT"]

    # -- answering ------------------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for (fault_method, suffix), queue in self.faults.items():
                if fault_method == method and path.endswith(suffix) and queue:
                    return queue.pop(0)
        return None

    def answer(self, method: str, path: str, query: dict, headers, body: bytes):
        """(status, json body or bytes, extra headers, is_fault)."""
        with self.lock:
            self.requests.append({"method": method, "path": path, "body": body,
                                  "authorization": headers.get("Authorization")})
            graphql = path == GRAPHQL_PATH and self.graphql is not None
            if graphql:
                self.violations += self.graphql.check_request(method, headers, body)
            elif not path.startswith(PREFIX + "/"):
                self.violations.append(f"{method} {path}: outside the API base path {PREFIX}")
                return 404, _error("Not Found"), {}, True
            else:
                path = path[len(PREFIX):]
                self.violations += self.openapi.check_request(method, path, query, body, headers.get("Content-Type"))
        fault = self._take_fault(method, path)
        if fault is not None and fault.delay:
            self.delays.append(min(fault.delay, MAX_DELAY))
            self.release.wait(min(fault.delay, MAX_DELAY))
        elif fault is not None and (fault.reset or fault.cut):
            status, payload = self._normal(method, path, query, headers, body, graphql)[:2] if fault.applied \
                else (200, {})
            raise Drop(_encode(payload)[0] if fault.cut else b"", status)
        elif fault is not None:
            if fault.timeout:
                self.release.wait(30)
                raise ClientGone()
            if fault.raw is not None:
                return fault.status, fault.raw, dict(fault.headers), True
            return fault.status, fault.body or _error("Server Error"), fault.headers, True
        return self._normal(method, path, query, headers, body, graphql)

    def _normal(self, method: str, path: str, query: dict, headers, body: bytes, graphql: bool):
        """The answer when no fault is served: (status, body, extra headers, skip the OpenAPI check)."""
        access, problem = self._authorize(headers.get("Authorization"))
        if problem:
            return (*problem, graphql)
        with self.lock:
            for hook_method, suffix, action in self.hooks:
                if hook_method == method and path.endswith(suffix):
                    action(self)
            if graphql:
                return (*self.graphql.answer(self, access, body), True)  # checked against the GraphQL schema
            if path.startswith("/orgs/"):
                status, payload, extra = self._org_repositories(method, path, query)
                if status == 404:  # what GitHub answers for an unknown organisation; its description omits it
                    return status, payload, extra, True
            else:
                status, payload, extra = self._route(method, path, access, headers, body)
            return self._conditional(method, headers, status, payload, extra)

    def _authorize(self, header: str | None):
        if not header:
            return "anonymous", None
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or token not in self.tokens:
            return None, (401, _error("Bad credentials"), {})
        return self.tokens[token], None

    def _route(self, method: str, path: str, access: str, headers, body: bytes):
        parts = path.strip("/").split("/")
        if len(parts) < 3 or parts[0] != "repos":
            return 404, _error("Not Found"), {}
        repo = self.repos.get(f"{parts[1]}/{parts[2]}".lower())
        if repo is None:
            return 404, _error("Not Found"), {}
        rest = parts[3:]
        if method == "GET" and rest == []:
            return 200, self._full_repository(repo), {}
        if method == "GET" and rest == ["readme"]:
            if repo.readme is None:
                return 404, _error("Not Found"), {}
            if "application/vnd.github.raw" in headers.get("Accept", ""):
                return 200, repo.readme, {"Content-Type": "application/vnd.github.raw; charset=utf-8"}
            return 200, self._content_file(repo), {}
        if method == "GET" and rest == ["topics"]:
            return 200, {"names": list(repo.topics)}, {}
        if method == "PUT" and rest == ["topics"]:
            return self._replace_topics(repo, access, body)
        return 404, _error("Not Found"), {}

    def _org_repositories(self, method: str, path: str, query: dict):
        parts = path.strip("/").split("/")
        if method != "GET" or len(parts) != 3 or parts[2] != "repos":
            return 404, _error("Not Found"), {}
        org = parts[1].lower()
        repos = [repo for repo in self.repos.values() if repo.owner.lower() == org]
        if not repos:
            return 404, _error("Not Found"), {}
        value = {key: values[-1] for key, values in query.items()}
        sort, direction = value.get("sort", "created"), value.get("direction")
        key = (lambda r: f"{r.owner}/{r.name}".lower()) if sort == "full_name" else (lambda r: r.order)
        descending = direction == "desc" if direction else sort != "full_name"
        repos.sort(key=key, reverse=descending)
        per_page, page = min(100, int(value.get("per_page", 30))), int(value.get("page", 1))
        chunk = repos[(page - 1) * per_page:page * per_page]
        extra = {}
        last = max(1, -(-len(repos) // per_page))
        if page < last:
            base = f"{self.url}/orgs/{parts[1]}/repos"
            others = "&".join(f"{k}={v}" for k, v in value.items() if k != "page")
            extra["Link"] = (f'<{base}?{others}&page={page + 1}>; rel="next", '
                             f'<{base}?{others}&page={last}>; rel="last"')
        return 200, [self._minimal_repository(repo) for repo in chunk], extra

    def _minimal_repository(self, repo: RepoState) -> dict:
        if not hasattr(self, "_minimal_template"):
            self._minimal_template = self.openapi.example("minimal-repository")
        data = copy.deepcopy(self._minimal_template)
        api = self._base(repo)
        for key, value in list(data.items()):
            if isinstance(value, str) and value.startswith("https://api.github.com/repos/octocat/Hello-World"):
                data[key] = value.replace("https://api.github.com/repos/octocat/Hello-World", api)
        data.update(id=1000 + repo.order, name=repo.name, full_name=f"{repo.owner}/{repo.name}",
                    description=repo.description, default_branch=repo.default_branch, archived=repo.archived,
                    fork=repo.fork, topics=list(repo.topics), pushed_at=repo.pushed_at, url=api,
                    html_url=f"http://github.example/{repo.owner}/{repo.name}")
        data["owner"] = {**data["owner"], "login": repo.owner}
        return data

    @staticmethod
    def _conditional(method: str, headers, status: int, payload, extra: dict):
        """An ETag on every GET answered 200 with JSON; 304 (no body) when If-None-Match matches."""
        if method != "GET" or status != 200 or isinstance(payload, bytes):
            return status, payload, extra, False
        etag = 'W/"' + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in (headers.get("If-None-Match") or "").split(",")]:
            return 304, b"", {"ETag": etag, **({"Link": extra["Link"]} if "Link" in extra else {})}, True
        return status, payload, {**extra, "ETag": etag}, False

    def _replace_topics(self, repo: RepoState, access: str, body: bytes):
        if access != "admin":
            return 403, _error("Resource not accessible by integration"), {}
        if repo.archived:
            return 403, _error("Repository was archived so is read-only."), {}
        names = json.loads(body)["names"]
        if len(names) > 20:
            return 422, _validation("A repository cannot have more than 20 topics."), {}
        for name in names:
            if not valid_topic(name.lower()):
                return 422, _validation(f"{name} is not a valid topic. Topics must start with a lowercase "
                                        "letter or number, consist of 50 characters or less, and can "
                                        "include hyphens."), {}
        repo.topics = list(dict.fromkeys(name.lower() for name in names))
        return 200, {"names": list(repo.topics)}, {}

    def _base(self, repo: RepoState) -> str:
        return f"{self.url}/repos/{repo.owner}/{repo.name}"

    def _full_repository(self, repo: RepoState) -> dict:
        data = copy.deepcopy(self._repository_template())
        api, html = self._base(repo), f"http://github.example/{repo.owner}/{repo.name}"
        for key, value in list(data.items()):
            if isinstance(value, str) and value.startswith("https://api.github.com/repos/octocat/Hello-World"):
                data[key] = value.replace("https://api.github.com/repos/octocat/Hello-World", api)
        data.update(name=repo.name, full_name=f"{repo.owner}/{repo.name}", description=repo.description,
                    default_branch=repo.default_branch, archived=repo.archived, topics=list(repo.topics),
                    url=api, html_url=html, language="Python")
        data["owner"]["login"] = repo.owner
        data.update(pushed_at=repo.pushed_at, fork=repo.fork)
        return data

    def _repository_template(self) -> dict:
        data = self.openapi.example("full-repository-default-response")
        for optional in ("organization", "parent", "source", "template_repository", "permissions"):
            data.pop(optional, None)
        return data

    def _content_file(self, repo: RepoState) -> dict:
        sha = hashlib.sha1(repo.readme).hexdigest()
        url = f"{self._base(repo)}/contents/{repo.readme_path}"
        content = "" if repo.large_readme else base64.encodebytes(repo.readme).decode("ascii")
        return {"type": "file", "encoding": "none" if repo.large_readme else "base64", "size": len(repo.readme),
                "name": repo.readme_path.rsplit("/", 1)[-1], "path": repo.readme_path, "content": content,
                "sha": sha, "url": url, "git_url": f"{self._base(repo)}/git/blobs/{sha}",
                "html_url": f"http://github.example/{repo.owner}/{repo.name}/blob/main/{repo.readme_path}",
                "download_url": f"http://raw.github.example/{repo.owner}/{repo.name}/main/{repo.readme_path}",
                "_links": {"self": url, "git": f"{self._base(repo)}/git/blobs/{sha}",
                           "html": f"http://github.example/{repo.owner}/{repo.name}/blob/main/{repo.readme_path}"}}


def _encode(payload) -> tuple[bytes, str]:
    if isinstance(payload, bytes):
        return payload, "application/octet-stream"
    return json.dumps(payload).encode(), "application/json; charset=utf-8"


def _error(message: str) -> dict:
    return {"message": message, "documentation_url": DOCS}


def _validation(message: str) -> dict:
    return {"message": "Validation Failed", "documentation_url": DOCS,
            "errors": [message]}


def _handler_for(server: GitHubServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args):
            pass

        def _serve(self):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, payload, extra, fault = server.answer(self.command, url.path, parse_qs(url.query),
                                                              self.headers, body)
            except ClientGone:
                self.close_connection = True
                return
            except Drop as drop:
                self._drop(drop)
                return
            if isinstance(payload, bytes):
                data, content_type = payload, extra.pop("Content-Type", "application/octet-stream")
            else:
                data, content_type = json.dumps(payload).encode(), "application/json; charset=utf-8"
            with server.lock:
                server.statuses.append((self.command, url.path, status))
            if not fault:
                with server.lock:
                    server.violations += server.openapi.check_response(
                        self.command, url.path[len(PREFIX):], status,
                        payload if not isinstance(payload, bytes) else payload, content_type)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                self.close_connection = True

        def _drop(self, drop: Drop):
            self.close_connection = True
            if drop.data:  # the headers promise the whole answer; half of it comes
                self.send_response(drop.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(drop.data)))
                self.end_headers()
                self.wfile.write(drop.data[:len(drop.data) // 2])
                self.wfile.flush()
            else:  # no answer at all: a reset (RST), not a polite close
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

        do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

    return Handler
