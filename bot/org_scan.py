"""Scanning many repositories cheaply: `readme-tagger org NAME` and `readme-tagger repo --repos-file FILE`.

Cost model (each REST call and each GraphQL query is one request):
- What exists and what changed comes from REST with `If-None-Match` from the on-disk cache
  (bot.http_cache): the organisation's listing pages (100 repositories a page), or each listed
  repository. A 304 does not count against the rate limit.
- A repository is read again only when its last push or default branch differs from the cached
  read; READMEs, descriptions and topics are read in GraphQL batches of up to 100 repositories.
  Only a repository none of the usual README names matched is asked through REST `/readme`.
- Writes are serial, at least a second apart, through the injectable clock.

Output is the `repo` command's: one {"id", "tags"} line per repository, appended and flushed as
produced (with --resume, repositories that already have a line without "error" are skipped);
the same exit codes, messages, Actions outputs and step summary.
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass

from bot import repo_cli
from bot.actions_io import Reporter, in_actions
from bot.errors import ConfigError, TaggerError

PAGE_SIZE = 100
LIST_SCAN_FROM = 11  # `repo` with this many names reads them in batches; fewer are read one by one
LISTING_QUERY = f"type=all&sort=created&direction=asc&per_page={PAGE_SIZE}"
ORGANIZATION_PATTERN_TEXT = "letters, digits and single hyphens"

EPILOG = """\
examples:
  readme-tagger org my-org --output tags.jsonl
  readme-tagger org my-org --write topics --shard 0/4 --output shard-0.jsonl
  readme-tagger org my-org --output tags.jsonl --resume     # after an interruption

Archived repositories and forks are skipped unless --include-archived / --include-forks.
The listing is asked with If-None-Match from the cache (--cache DIR, default
~/.cache/readme-tagger): on an unchanged re-run GitHub answers 304, which does not count
against the rate limit, and the READMEs read last time are used again. READMEs are read in
GraphQL batches of 100 repositories (GITHUB_GRAPHQL_URL, default: derived from GITHUB_API_URL).
Exit codes: 0 all well; 1 some repositories failed; 2 bad usage, vocabulary or credentials.
"""


def add_scan_options(parser, listing: bool) -> None:
    """The options org and repo --repos-file share."""
    if listing:
        parser.add_argument("--include-archived", action="store_true", help="also tag archived repositories")
        parser.add_argument("--include-forks", action="store_true", help="also tag forks")
    parser.add_argument("--cache", metavar="DIR",
                        help="where ETags and READMEs read are kept between runs, so an unchanged re-run "
                             "costs no rate limit (default: $XDG_CACHE_HOME/readme-tagger or "
                             "~/.cache/readme-tagger)")
    parser.add_argument("--shard", metavar="I/N",
                        help="tag only the repositories in shard I of N (a stable hash of OWNER/NAME), e.g. 0/4")
    if not any(action.dest == "resume" for action in parser._actions):  # repo may have its own --resume
        parser.add_argument("--resume", action="store_true",
                            help="append to --output, skipping repositories that already have a line there "
                                 "without \"error\"")


def wanted_for(args) -> bool:
    """Whether `repo` ARGS should run as a scan: --repos-file, --cache, --shard or --resume, or a
    list long enough for batches to pay (a few names are cheaper read one by one, uncached)."""
    if any(getattr(args, name, None) for name in ("repos_file", "cache", "shard", "resume")):
        return True
    return len(getattr(args, "repositories", ()) or ()) >= LIST_SCAN_FROM


def register(commands) -> None:
    from bot.cli import _add_common

    parser = commands.add_parser("org", help="tag every repository of a GitHub organisation",
                                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description="Tag an organisation's repositories: list them, read their "
                                             "READMEs in GraphQL batches, print {\"id\", \"tags\"} JSON lines.")
    parser.add_argument("organization", metavar="NAME", help="the organisation's login, e.g. my-org")
    _add_common(parser)
    parser.add_argument("--write", choices=("json", "topics"), default="json",
                        help="json (default): only emit JSON; topics: also add the tags to the topics")
    parser.add_argument("--output", metavar="FILE", help="write the JSON lines here (default: stdout)")
    parser.add_argument("--token", metavar="TOKEN", help="GitHub token (default: GITHUB_TOKEN, then GH_TOKEN)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the topic change and emit JSON, but write nothing to GitHub")
    parser.add_argument("--sync", action="store_true",
                        help="with --write topics, also remove this vocabulary's topics that were not chosen")
    parser.add_argument("--timeout", type=repo_cli._seconds, default=15, metavar="SECONDS",
                        help="give up on one HTTP request after this long (default: 15); it is retried")
    add_scan_options(parser, listing=True)
    parser.set_defaults(item_id=None, repositories=[], repos_file=None)


# -- what a scan knows of a repository before reading it -------------------------------------


@dataclass
class Summary:
    """A repository as the REST listing (or GET /repos/{owner}/{repo}) describes it."""

    full_name: str
    description: str | None
    archived: bool
    fork: bool
    topics: tuple
    pushed_at: str | None
    default_branch: str | None

    @classmethod
    def from_rest(cls, data: dict) -> "Summary":
        return cls(data["full_name"], data.get("description"), bool(data.get("archived")), bool(data.get("fork")),
                   tuple(data.get("topics") or ()), data.get("pushed_at"), data.get("default_branch"))

    def as_json(self) -> dict:
        return {"full_name": self.full_name, "description": self.description, "archived": self.archived,
                "fork": self.fork, "topics": list(self.topics), "pushed_at": self.pushed_at,
                "default_branch": self.default_branch}


@dataclass
class Target:
    """One repository to tag: its summary, or why it could not even be looked at."""

    name: str
    summary: Summary | None = None
    error: TaggerError | None = None


@dataclass
class Counters:
    listed: int = 0
    not_modified: int = 0
    read_graphql: int = 0
    read_rest: int = 0
    reused: int = 0


# -- the command ------------------------------------------------------------------------------


def run(args, clock=None, environ=None, stdout=None, stderr=None) -> int:
    """Tag an organisation (args.organization) or a list (args.repositories + args.repos_file)."""
    environ = os.environ if environ is None else environ
    stdout = stdout or sys.stdout
    reporter = Reporter(in_actions(environ), stdout, stderr or sys.stderr)
    state = cache = None
    try:
        state, cache, scan = _setup(args, reporter, environ, clock)
        done = _done(args)
        with repo_cli._Sink(args.output, reporter.actions, environ, stdout, append=args.resume) as sink:
            for record in scan.records(done):
                sink.write(reporter.redact(json.dumps(record, ensure_ascii=False)))
        counters = scan.counters
        reporter.info(f"{scan.what}: {counters.listed} repositories, {counters.reused} unchanged since the last "
                      f"run, {counters.read_graphql} read through GraphQL, {counters.read_rest} through REST, "
                      f"{counters.not_modified} answers not modified (304), {state.failures} failed")
    except TaggerError as exc:
        reporter.error(str(exc))
        return exc.exit_code
    finally:
        if cache is not None:
            cache.close()
        if state is not None:
            _finish(state, environ)
    return 1 if state.failures else 0


DETAILED_SUMMARY_UP_TO = 20  # repositories; past that, one table row each (GitHub keeps 1 MiB of summary)


def _finish(state, environ) -> None:
    """repo's outputs and step summary; for many repositories a compact summary table."""
    detailed = len(state.summary) <= DETAILED_SUMMARY_UP_TO
    repo_cli._finish(state, environ, None if detailed else summary_table)


def summary_table(entries) -> str:
    """One row per repository: tags, topic change, problems."""
    def cell(text) -> str:
        return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    from bot.actions_io import failure_list

    failed = sum(1 for entry in entries if any(level == "error" for level, _ in entry["problems"]))
    lines = ["## readme-tagger", "", f"{len(entries)} repositories, {failed} failed.", "", *failure_list(entries),
             "| repository | tags | topics | problems |", "| --- | --- | --- | --- |"]
    for entry in entries:
        problems = "; ".join(f"{level}: {text}" for level, text in entry["problems"])
        lines.append(f"| {cell(entry['repository'])} | {cell(', '.join(entry['tags']) or '-')} "
                     f"| {cell(entry['topics'] or '-')} | {cell(problems or '-')} |")
    return "\n".join(lines)


def _done(args) -> frozenset:
    if not args.resume:
        return frozenset()
    if not args.output:
        raise ConfigError("--resume needs --output FILE", "name the file the earlier run wrote: --output FILE --resume")
    from bot.batch import done_ids

    try:
        return done_ids(args.output)
    except OSError as exc:
        raise ConfigError(f"{args.output}: cannot read the earlier output ({exc.strerror})",
                          "pass the file the earlier run wrote, or drop --resume") from None


def _setup(args, reporter: Reporter, environ, clock):
    from bot import github
    from bot.http_cache import Cache, default_directory
    from bot.sharding import parse_shard

    token = github.find_token(args.token, environ)
    reporter.mask(token)
    organization = getattr(args, "organization", None)
    names = None if organization else _names(args, environ)
    if organization is not None and not _valid_login(organization):
        raise ConfigError(f"{organization!r} is not an organisation name",
                          f"pass the organisation's login ({ORGANIZATION_PATTERN_TEXT}), e.g. my-org")
    shard = parse_shard(args.shard) if args.shard else None
    if args.item_id is not None and (organization is not None or len(names) != 1):
        raise ConfigError("--id names one repository, but a list or an organisation was given",
                          "drop --id, or tag one repository")
    repo_cli._check_usage(args, names or ["-"], token)
    tagger = repo_cli._tagger(args.vocabulary)
    if not token:
        reporter.notice("no token: reading anonymously, which only sees public repositories, allows 60 "
                        "requests an hour and reads READMEs one by one (GitHub's GraphQL API needs a token) "
                        "(fix: set GITHUB_TOKEN or GH_TOKEN, or pass --token)")
    rest = github.api_url(environ)
    client = github.GitHub(token, rest, clock=clock or repo_cli._system_clock(), timeout=args.timeout)
    cache = Cache(args.cache or default_directory(environ), rest, token)
    state = repo_cli.Run(args, reporter, client, tagger, client.clock)
    scan = Scan(state, cache, github.graphql_url(rest, environ), shard, organization, names)
    return state, cache, scan


def _valid_login(name: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", name))


def _names(args, environ) -> list[str]:
    """OWNER/NAME from the command line and --repos-file (one a line, # comments), first occurrence
    kept; with neither, GITHUB_REPOSITORY, as for repo."""
    found: list[tuple[str, str]] = [(name, "the command line") for name in args.repositories]
    if not found and not args.repos_file and environ.get("GITHUB_REPOSITORY"):
        found.append((environ["GITHUB_REPOSITORY"], "GITHUB_REPOSITORY"))
    if args.repos_file:
        try:
            with open(args.repos_file, encoding="utf-8-sig") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            raise ConfigError(f"{args.repos_file}: cannot read the list ({exc.strerror})",
                              "pass a file with one OWNER/NAME a line") from None
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if text:
                found.append((text, f"{args.repos_file}:{number}"))
    if not found:
        raise ConfigError("no repository given", "pass OWNER/NAME or a --repos-file with one OWNER/NAME a line")
    names, seen = [], set()
    for name, where in found:
        if not repo_cli.REPOSITORY_PATTERN.match(name):
            raise ConfigError(f"{where}: {name!r} is not a repository name",
                              "write it as OWNER/NAME, e.g. octocat/hello-world")
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


class Scan:
    def __init__(self, state, cache, graphql_url: str, shard, organization: str | None, names: list[str] | None):
        self.state, self.cache, self.graphql_url, self.shard = state, cache, graphql_url, shard
        self.organization, self.names = organization, names
        self.client = state.client
        self.counters = Counters()
        self.what = f"organisation {organization}" if organization else "list"

    # targets ---------------------------------------------------------------------------------

    def _wanted(self, name: str, done: frozenset) -> bool:
        from bot.sharding import shard_of

        if self.shard and shard_of(name, self.shard[1]) != self.shard[0]:
            return False
        return self.id_for(name) not in done

    def id_for(self, name: str) -> str:
        return self.state.args.item_id or name

    def targets(self, done: frozenset):
        if self.organization:
            args, seen = self.state.args, set()
            for summary in self._listing():
                if summary.full_name.lower() in seen:  # a repository created mid-listing shifts the pages
                    continue
                seen.add(summary.full_name.lower())
                if summary.archived and not args.include_archived:
                    continue
                if summary.fork and not args.include_forks:
                    continue
                if self._wanted(summary.full_name, done):
                    yield Target(summary.full_name, summary)
        else:
            for name in self.names:
                if self._wanted(name, done):
                    yield self._listed(name)

    def _conditional(self, url: str, action: str, full_name: str = ""):
        """(body as cached or fresh, fresh?) for a REST GET asked with If-None-Match."""
        stored = self.cache.response(url)
        answer = self.client.get_json(url, action, full_name, etag=stored.etag if stored else None,
                                      last_modified=stored.last_modified if stored else None)
        if answer.status == 304 and stored is not None:
            self.counters.not_modified += 1
            return stored.body, False
        return answer, True

    def _listing(self):
        from bot.github import GitHubError

        page = 1
        while True:
            url = f"/orgs/{self.organization}/repos?{LISTING_QUERY}&page={page}"
            try:
                body, fresh = self._conditional(url, f"list the repositories of {self.organization}")
            except GitHubError as exc:
                if exc.status == 404 and page == 1:
                    raise ConfigError(f"organisation {self.organization!r} not found (404)",
                                      "check the name; for a user's repositories list them in --repos-file; "
                                      "a private organisation needs a token that can see it") from None
                raise
            if fresh:
                answer = body
                if not isinstance(answer.data, list) or not all(isinstance(item, dict) and "full_name" in item
                                                                for item in answer.data):
                    raise GitHubError(f"cannot list the repositories of {self.organization}: GitHub answered "
                                      f"{answer.status} with something that is not a list of repositories",
                                      "check GITHUB_API_URL (a proxy may be answering); run again later")
                summaries = [Summary.from_rest(item).as_json() for item in answer.data]
                more = 'rel="next"' in answer.headers.get("link", "")
                body = {"repositories": summaries, "next": more}
                self.cache.store_response(url, answer.headers.get("etag"), answer.headers.get("last-modified"), body)
            for item in body["repositories"]:
                self.counters.listed += 1
                yield Summary(**{**item, "topics": tuple(item["topics"])})
            if not body["next"]:
                return
            page += 1

    def _listed(self, name: str) -> Target:
        from bot.github import GitHubError

        self.counters.listed += 1
        url = f"/repos/{name}"
        try:
            body, fresh = self._conditional(url, f"read {name}", name)
        except GitHubError as exc:
            return Target(name, error=exc)
        if fresh:
            if not isinstance(body.data, dict) or "full_name" not in body.data:
                return Target(name, error=GitHubError(f"cannot read {name}: GitHub answered {body.status} with "
                                                      "something that is not a repository",
                                                      "check GITHUB_API_URL (a proxy may be answering); run "
                                                      "again later"))
            summary = Summary.from_rest(body.data)
            self.cache.store_response(url, body.headers.get("etag"), body.headers.get("last-modified"),
                                      summary.as_json())
            return Target(name, summary)
        return Target(name, Summary(**{**body, "topics": tuple(body["topics"])}))

    # reading ---------------------------------------------------------------------------------

    def records(self, done: frozenset):
        from bot.graphql import BATCH_SIZE

        chunk = []
        for target in self.targets(done):
            chunk.append(target)
            if len(chunk) == BATCH_SIZE:
                yield from self._chunk(chunk)
                chunk = []
        if chunk:
            yield from self._chunk(chunk)

    def _chunk(self, targets: list[Target]):
        from bot.http_cache import fingerprint

        readmes: dict[str, tuple] = {}
        stale = []
        for target in targets:
            if target.summary is None:
                continue
            entry = self.cache.readme(target.name)
            if entry is not None and entry.fingerprint == fingerprint(target.summary.pushed_at,
                                                                      target.summary.default_branch):
                self.counters.reused += 1
                readmes[target.name] = (target.summary, entry.path, entry.content)
            else:
                stale.append(target)
        if stale:
            self._read(stale, readmes)
        for target in targets:
            yield self._tag(target, readmes.get(target.name))

    def _read(self, targets: list[Target], readmes: dict) -> None:
        """Read targets in one GraphQL query (halved on a failing query); fill readmes[name]."""
        from bot import graphql
        from bot.github import GitHubError, GraphQLAnswerError

        names = [target.summary.full_name for target in targets]
        if not self.client.authenticated:  # GitHub's GraphQL API needs a token: read through REST
            return self._use(targets, readmes, {})
        query, variables = graphql.query_for(names)
        try:
            answer = self.client.graphql(self.graphql_url, query, variables,
                                         f"read {len(names)} repositories through GraphQL")
        except GitHubError as exc:
            if len(targets) > 1 and not isinstance(exc, GraphQLAnswerError) and exc.status not in (403, 404):
                half = len(targets) // 2
                self._read(targets[:half], readmes)
                self._read(targets[half:], readmes)
            else:
                for target in targets:
                    target.error = exc
            return
        found, _ = graphql.read_answer(names, answer)  # the others: REST says why (e.g. not found)
        self._use(targets, readmes, found)

    def _use(self, targets: list[Target], readmes: dict, found: dict) -> None:
        """Keep what GraphQL found; read the rest (and READMEs under other names) through REST."""
        from bot.github import GitHubError
        from bot.http_cache import fingerprint

        for target in targets:
            name = target.summary.full_name
            summary = target.summary
            try:
                if name in found:
                    got = found[name]
                    summary = Summary(summary.full_name, got.description, got.archived, got.fork, got.topics,
                                      summary.pushed_at, summary.default_branch)
                    self.counters.read_graphql += 1
                    if got.readme_path is not None or got.empty:
                        path, content = got.readme_path, got.readme
                    else:
                        path, content = self._rest_readme(name)
                elif self.client.authenticated:  # GraphQL could not see it: REST says why, or reads it
                    self.client.repository(name)
                    path, content = self._rest_readme(name)
                else:  # without a token the listing already said what REST knows
                    path, content = self._rest_readme(name)
            except GitHubError as exc:
                target.error = exc
                continue
            self.cache.store_readme(name, fingerprint(target.summary.pushed_at,
                                                            target.summary.default_branch), path, content)
            readmes[target.name] = (summary, path, content)

    def _rest_readme(self, full_name: str):
        self.counters.read_rest += 1
        readme = self.client.readme(full_name)
        return (None, None) if readme is None else (readme.path, readme.content)

    # tagging and writing ------------------------------------------------------------------------

    def _tag(self, target: Target, read) -> dict:
        from bot import outputs

        state = self.state
        entry = {"repository": target.name, "tags": [], "evidence": {}, "topics": None, "problems": []}
        state.summary.append(entry)
        if target.error is not None or read is None:
            error = target.error or ConfigError("internal: repository not read")
            return repo_cli._failed(state, entry, {"id": self.id_for(target.name), "tags": []}, error)
        summary, path, content = read
        if content is None or not content.strip():
            why = "has no README" if content is None else f"has an empty README ({path})"
            state.reporter.notice(f"{summary.full_name} {why}: no tags chosen, topics left unchanged")
            entry["problems"].append(("notice", f"{why}: no tags, no write"))
            return {"id": self.id_for(target.name), "tags": []}
        result = state.tagger.tag(content, summary.description, state.args.max_tags)
        if result.truncated:
            state.reporter.warning(f"{summary.full_name}: {path} is long; only its start was read")
        record = outputs.record(self.id_for(target.name), result, state.args.tag_format)
        entry["tags"], entry["evidence"] = [tag.name for tag in result.tags], result.evidence
        state.tags += [item for item in record["tags"] if item not in state.tags]
        state.reporter.info(f"{summary.full_name}: {path}: tags {', '.join(entry['tags']) or '(none)'}")
        if state.args.write == "topics" or state.args.dry_run:
            from bot.github import GitHubError

            try:
                self._topics(entry, summary, [tag.name for tag in result.tags])
            except GitHubError as exc:
                return repo_cli._failed(state, entry, record, exc)
        return record

    def _topics(self, entry: dict, summary: Summary, chosen: list[str]) -> None:
        """Plan from the topics just listed; write (fresh read + PUT) only when that plan changes them."""
        state = self.state
        if repo_cli._archived_skip(state, entry, summary.full_name, summary.archived):
            return
        writing = repo_cli._writing(state)
        plan_for = repo_cli._planner(state, chosen)
        plan = plan_for(list(summary.topics))
        if writing and plan.changed:
            self.client.prime_repository(summary.full_name)
            plan = self.client.update_topics(summary.full_name, plan_for,
                                             before_write=lambda: repo_cli._pause_between_writes(state))
        repo_cli._report_plan(state, entry, summary.full_name, plan, writing)
