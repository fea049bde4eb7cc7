"""The GitHub layer: the only module that imports PyGithub.

Reads a repository (description, default branch, archived flag, topics), its preferred README
(GET /repos/{owner}/{repo}/readme: whatever name, format and folder GitHub resolves) and its
topics; replaces its topics. Transient failures (timeouts, connection errors, 5xx) are retried
with exponential back-off; rate limits wait for `retry-after` or `x-ratelimit-reset`. Every
PyGithub / requests exception is translated here into a TaggerError with cause and fix.
All waits go through the injected clock; PyGithub's own retries and throttling are off.
"""

import base64
import json
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException

from bot import __version__
from bot.clock import SYSTEM_CLOCK, Clock
from bot.errors import ConfigError, TaggerError

DEFAULT_API_URL = "https://api.github.com"
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
ADMIN_FIX = ('use a fine-grained personal access token or a GitHub App token with '
             '"Administration: write" on the repository (input github-token, or --token)')


class GitHubError(TaggerError):
    """One repository could not be read or written (exit 1)."""

    def __init__(self, message: str, fix: str | None = None, status: int | None = None):
        super().__init__(message, fix)
        self.status = status


class GraphQLAnswerError(GitHubError):
    """GitHub's GraphQL API answered, but without data (e.g. the query does not fit its schema)."""


class AuthError(ConfigError):
    """GitHub rejected the credentials (exit 2): nothing will work until they are fixed."""


class _Transient(Exception):
    """A failure worth retrying, with the wait GitHub asked for (None: use the back-off)."""

    def __init__(self, cause: str, wait: float | None = None):
        super().__init__(cause)
        self.cause = cause
        self.wait = wait


@dataclass(frozen=True)
class Repository:
    full_name: str
    description: str | None
    default_branch: str
    archived: bool
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Readme:
    name: str
    path: str
    content: bytes


def api_url(environ=None) -> str:
    """GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3), else api.github.com."""
    environ = os.environ if environ is None else environ
    url = (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not url.startswith(("https://", "http://")) or not _well_formed(url):
        raise ConfigError(f"GITHUB_API_URL {url!r} is not an http(s) URL",
                          "set it to the API root, e.g. https://api.github.com or https://HOST/api/v3")
    return url


def _well_formed(url: str) -> bool:
    """A host, a numeric port if any, no white space: what the HTTP client needs to start."""
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and (parts.port is None or parts.port > 0) and not any(
            char.isspace() for char in url)
    except ValueError:  # e.g. "http://[bad" or a port that is not a number
        return False


def graphql_url(rest_url: str, environ=None) -> str:
    """GITHUB_GRAPHQL_URL, else derived from the REST root: https://api.github.com ->
    https://api.github.com/graphql; GitHub Enterprise Server https://HOST/api/v3 -> https://HOST/api/graphql."""
    environ = os.environ if environ is None else environ
    explicit = (environ.get("GITHUB_GRAPHQL_URL") or "").rstrip("/")
    if explicit:
        if not explicit.startswith(("https://", "http://")) or not _well_formed(explicit):
            raise ConfigError(f"GITHUB_GRAPHQL_URL {explicit!r} is not an http(s) URL",
                              "set it to the GraphQL endpoint, e.g. https://api.github.com/graphql or "
                              "https://HOST/api/graphql")
        return explicit
    rest_url = rest_url.rstrip("/")
    if rest_url.endswith("/v3"):
        return rest_url[:-len("/v3")] + "/graphql"
    return rest_url + "/graphql"


@dataclass(frozen=True)
class Response:
    """One raw answer: status 200 with data, or 304 (not modified: data is None)."""

    status: int
    headers: dict
    data: object


def find_token(explicit: str | None, environ=None) -> str | None:
    """--token, else GITHUB_TOKEN, else GH_TOKEN; None when there is none. White space around a
    token (a secret saved with its trailing newline) is never part of it: it is dropped."""
    environ = os.environ if environ is None else environ
    for candidate in (explicit, *(environ.get(name) for name in TOKEN_VARIABLES)):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


class GitHub:
    """A small client for the four calls the tagger needs."""

    def __init__(self, token: str | None, base_url: str | None = None, clock: Clock = SYSTEM_CLOCK,
                 timeout: int = 15, attempts: int = 4, backoff: float = 2.0, max_wait: float = 900):
        self.base_url = (base_url or api_url()).rstrip("/")
        self.clock = clock
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_wait = max_wait
        self.authenticated = bool(token)
        self._github = Github(auth=Auth.Token(token) if token else None, base_url=self.base_url,
                              timeout=int(timeout), retry=None, lazy=False, user_agent=f"readme-tagger/{__version__}",
                              seconds_between_requests=None, seconds_between_writes=None)
        self._repos: dict = {}
        self._graphql_session = None  # requests.Session for GraphQL, made on first use
        self._graphql_auth = {"Authorization": f"token {token}"} if token else {}
        self._timeout = int(timeout)

    # -- the four calls -------------------------------------------------------------------

    def repository(self, full_name: str) -> Repository:
        repo = self._repo(full_name)
        return Repository(repo.full_name, repo.description, repo.default_branch, bool(repo.archived),
                          tuple(repo.topics or ()))

    def readme(self, full_name: str) -> Readme | None:
        """The preferred README, or None when the repository has none."""
        repo = self._repo(full_name)
        try:
            content = self._call(f"read the README of {full_name}", full_name,
                                 lambda: _checked(repo.get_readme(), "path", "encoding"))
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if content.encoding == "base64":
            try:
                data = base64.b64decode(content.content or "")
            except ValueError:
                raise GitHubError(f"cannot read the README of {full_name}: GitHub sent content that is not "
                                  "valid base64", "run again; if it persists, report it with this message") from None
        else:  # over 1 MB the JSON has no content: ask for the raw file
            data = self._call(f"read the README of {full_name}", full_name, lambda: self._raw_readme(repo))
        return Readme(content.name, content.path, data)

    def topics(self, full_name: str) -> list[str]:
        repo = self._repo(full_name)
        return list(self._call(f"read the topics of {full_name}", full_name, repo.get_topics))

    def update_topics(self, full_name: str, plan_for, before_write=None):
        """Read the topics, plan = plan_for(current), and PUT plan.after when plan.changed.

        PUT replaces the whole set, so every attempt (retries included) starts from a fresh
        read: a topic someone added meanwhile is kept. Returns the plan that was applied (when
        a write went through but its answer was lost, the retry finds its set: that plan).
        """
        repo = self._repo(full_name)
        sent = []

        def attempt():
            plan = plan_for(list(repo.get_topics()))
            if plan.changed:
                if before_write is not None:
                    before_write()
                sent.append(plan)
                self._put_topics(repo, list(plan.after))
            elif sent and sorted(plan.before) == sorted(sent[-1].after):
                return sent[-1]
            return plan

        return self._call(f"write the topics of {full_name}", full_name, attempt, write=True)

    def replace_topics(self, full_name: str, names: list[str]) -> None:
        repo = self._repo(full_name)
        self._call(f"write the topics of {full_name}", full_name, lambda: self._put_topics(repo, list(names)),
                   write=True)

    # -- raw calls for scans (bot.org_scan, bot.graphql) ---------------------------------

    def get_json(self, url: str, action: str, full_name: str = "", parameters: dict | None = None,
                 etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET a REST URL (absolute, or a path under the API root), conditionally when an ETag or
        Last-Modified is given: a 304 comes back as Response(304, headers, None)."""
        headers = {"Accept": "application/vnd.github+json"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        requester = self._github.requester

        def attempt():
            status, answer_headers, output = requester.requestJson("GET", url, parameters, dict(headers))
            try:
                data = json.loads(output) if output else None
            except ValueError:
                if status < 400:
                    raise GitHubError(f"cannot {action}: GitHub answered {status} with something that is not JSON",
                                      "check GITHUB_API_URL (a proxy may be answering); run again later",
                                      status) from None
                data = None
            if status >= 400:
                raise requester.createException(status, answer_headers, data)
            return Response(status, {key.lower(): value for key, value in answer_headers.items()}, data)

        return self._call(action, full_name, attempt)

    def graphql(self, url: str, query: str, variables: dict, action: str) -> dict:
        """POST one GraphQL query; returns the whole answer ({"data", "errors"?}). Rate-limit
        errors (GitHub answers them with 200 and errors of type RATE_LIMITED) are waited out
        like REST ones; other errors are left to the caller, per alias."""
        if self._graphql_session is None:
            self._graphql_session = requests.Session()
            self._graphql_session.headers.update({"User-Agent": f"readme-tagger/{__version__}",
                                                  "Accept": "application/json", **self._graphql_auth})

        def attempt():
            # Sent with requests itself: PyGithub only lets a GraphQL URL on the REST host through.
            response = self._graphql_session.post(url, json={"query": query, "variables": variables},
                                                  timeout=self._timeout)
            headers = dict(response.headers)
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if response.status_code >= 400:
                raise GithubException(response.status_code, answer if isinstance(answer, dict) else None,
                                      headers)
            errors = (answer.get("errors") or []) if isinstance(answer, dict) else []
            if any(isinstance(error, dict) and error.get("type") == "RATE_LIMITED" for error in errors):
                lowered = {key.lower(): value for key, value in headers.items()}
                raise _Transient("GraphQL rate limit exceeded", self._rate_limit_wait(lowered))
            if not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
                first = errors[0].get("message", "") if errors and isinstance(errors[0], dict) else ""
                raise GraphQLAnswerError(f"cannot {action}: GitHub's GraphQL API answered without data"
                                  + (f" ({' '.join(str(first).split())[:200]})" if first else ""),
                                  "run again; if it persists, report it with this message")
            return answer

        return self._call(action, "", attempt)

    def prime_repository(self, full_name: str) -> None:
        """Let topic reads and writes for full_name skip the GET of the repository (a scan already
        knows it exists); no request is made."""
        if full_name not in self._repos:
            self._repos[full_name] = self._github.withLazy(True).get_repo(full_name)

    # -- plumbing -------------------------------------------------------------------------

    def _repo(self, full_name: str):
        if full_name not in self._repos:
            self._repos[full_name] = self._call(f"read {full_name}", full_name,
                                                lambda: _checked(self._github.get_repo(full_name),
                                                                 "full_name", "default_branch"))
        return self._repos[full_name]

    @staticmethod
    def _put_topics(repo, names: list[str]) -> None:
        """PUT the whole set; only an answer that lists it is a write (a proxy's page is not)."""
        _, data = repo.requester.requestJsonAndCheck("PUT", f"{repo.url}/topics", input={"names": names})
        if not isinstance(data, dict) or sorted(data.get("names") or ()) != sorted(name.lower() for name in names):
            raise ValueError("the answer to the write does not list the topics sent")

    @staticmethod
    def _raw_readme(repo) -> bytes:
        status, headers, output = repo.requester.requestJson(
            "GET", f"{repo.url}/readme", headers={"Accept": "application/vnd.github.raw"})
        if status >= 400:
            raise repo.requester.createException(status, headers, {"message": output[:200]})
        return output.encode("utf-8")

    def _call(self, action: str, full_name: str, function, write: bool = False):
        """Run one API call with retries; raise GitHubError / AuthError with cause and fix."""
        last = None
        for attempt in range(1, self.attempts + 1):
            try:
                return self._translated(action, full_name, function, write)
            except _Transient as transient:
                last = transient
                if attempt == self.attempts:
                    break
                wait = transient.wait if transient.wait is not None else self.backoff * 2 ** (attempt - 1)
                if wait > self.max_wait:
                    raise GitHubError(f"cannot {action}: {transient.cause}; GitHub asks to wait {wait:.0f} s",
                                      "run again after the rate limit resets, or use a token with a higher "
                                      "limit (a GitHub App or personal token)") from None
                self.clock.sleep(wait)
        raise GitHubError(f"cannot {action}: {last.cause} ({self.attempts} attempts)",
                          "run again later; if it keeps failing, check GitHub's status page or "
                          f"GITHUB_API_URL ({self.base_url})") from None

    def _translated(self, action: str, full_name: str, function, write: bool):
        try:
            return function()
        except requests.exceptions.Timeout:
            raise _Transient("GitHub did not answer in time") from None
        except requests.exceptions.ConnectionError:
            raise _Transient(f"cannot connect to {self.base_url}") from None
        except requests.exceptions.RequestException as exc:  # e.g. a connection cut mid-answer
            raise _Transient(f"the connection to {self.base_url} failed ({type(exc).__name__})") from None
        except GithubException as exc:
            raise self._translate(exc, action, full_name, write) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # an answer PyGithub cannot read
            raise _Transient(f"the answer from {self.base_url} is not GitHub's JSON ({type(exc).__name__}); "
                             "a proxy or login page may be answering") from None

    def _translate(self, exc, action: str, full_name: str, write: bool) -> Exception:
        status = exc.status
        headers = {key.lower(): value for key, value in (exc.headers or {}).items()}
        message = _message(exc)
        if status == 429 or (status == 403 and _is_rate_limit(headers, message)):
            return _Transient(f"rate limit exceeded ({status})", self._rate_limit_wait(headers))
        if status >= 500:
            return _Transient(f"GitHub answered {status}" + (f" {message}" if message else ""))
        if status == 401:
            if not self.authenticated:
                return AuthError(f"cannot {action}: GitHub asks for a token (401)",
                                 "pass a token with --token, GITHUB_TOKEN or GH_TOKEN")
            return AuthError(f"cannot {action}: GitHub rejected the token (401 {message or 'Bad credentials'})",
                             "pass a valid token with --token, GITHUB_TOKEN or GH_TOKEN; it may have "
                             "expired or been revoked")
        if status == 403 and write:
            if "not accessible by integration" in message.lower():
                return GitHubError(f"cannot {action}: GitHub refused the write (403 \"Resource not accessible "
                                   "by integration\"): this token has no \"Administration: write\" permission, "
                                   "and GITHUB_TOKEN never has it", ADMIN_FIX, status)
            return GitHubError(f"cannot {action}: GitHub refused the write (403 {message})", ADMIN_FIX, status)
        if status == 403:
            return GitHubError(f"cannot {action}: GitHub refused access (403 {message})",
                               "use a token that can read the repository (fine-grained: \"Metadata: read\" "
                               "and \"Contents: read\")", status)
        if status == 404:
            if write:
                return GitHubError(f"cannot {action}: not found (404)",
                                   f"check that {full_name} exists and that the token can see it; a classic "
                                   "token needs the repo or public_repo scope", status)
            return GitHubError(f"cannot {action}: not found (404)",
                               f"check the name {full_name!r} (OWNER/NAME); for a private repository use a "
                               "token that can read it", status)
        if status == 422:
            return GitHubError(f"cannot {action}: GitHub rejected the request (422 {message})",
                               "topics must be lowercase letters, digits and hyphens, at most 50 characters, "
                               "at most 20 per repository", status)
        return GitHubError(f"cannot {action}: GitHub answered {status} {message}".rstrip(),
                           "run again later; if it persists, report it with this message", status)

    def _rate_limit_wait(self, headers: dict) -> float:
        retry_after = _number(headers.get("retry-after"))
        if retry_after is not None:
            return max(0.0, retry_after)
        reset = _number(headers.get("x-ratelimit-reset"))
        if reset is not None:
            return max(0.0, reset - self.clock.now()) + 1
        return 60.0  # GitHub's advice when it gives no time: wait at least a minute


def _checked(answer, *keys):
    """The PyGithub object, if GitHub's answer had these fields (a proxy's page has none)."""
    if not all(key in answer.raw_data for key in keys):
        raise ValueError(f"the answer has no {', '.join(keys)}")
    return answer


def _message(exc) -> str:
    data = exc.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return " ".join(data["message"].split())[:300]
    return ""


def _is_rate_limit(headers: dict, message: str) -> bool:
    return (headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
            or "rate limit" in message.lower())


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
