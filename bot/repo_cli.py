"""`readme-tagger repo OWNER/NAME ...`: fetch each repository's README from GitHub, tag it,
emit one {"id", "tags"} JSON line per repository and, with --write topics, add the chosen
tags to the repository's topics (never losing one).

PyGithub is imported only when the command runs (bot.github), so other commands start fast.
"""

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field

from bot.actions_io import Reporter, append_summary, in_actions, summary_markdown, write_outputs
from bot.cli import whole_number
from bot.errors import ConfigError, TaggerError

REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*)/[A-Za-z0-9._-]+$")
SECONDS_BETWEEN_WRITES = 1.0

EPILOG = """\
examples:
  readme-tagger repo octocat/hello-world
  readme-tagger repo octocat/hello-world --write topics --dry-run
  GH_TOKEN=... readme-tagger repo owner/a owner/b --write topics --output tags.jsonl
  readme-tagger repo --repos-file repos.txt --output tags.jsonl --resume

The token comes from --token, GITHUB_TOKEN or GH_TOKEN; the API from GITHUB_API_URL
(default https://api.github.com). --write json (the default) only reads from GitHub and works
with a read-only token; --write topics also adds the chosen tags to the repository's topics and
needs "Administration: write" (GITHUB_TOKEN does not have it). Existing topics are always kept;
--sync may remove topics of this vocabulary that were not chosen.
Exit codes: 0 all well; 1 some repositories failed; 2 bad usage, vocabulary or credentials.
"""


_seconds = whole_number(1, "seconds")


def register(commands) -> None:
    from bot.cli import _add_common

    parser = commands.add_parser("repo", help="tag GitHub repositories and (optionally) write their topics",
                                 epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description="Read each repository's README from GitHub, choose tags and "
                                             "print {\"id\", \"tags\"} JSON lines.")
    parser.add_argument("repositories", nargs="*", metavar="OWNER/NAME",
                        help="repositories to tag (default: GITHUB_REPOSITORY)")
    _add_common(parser)
    parser.add_argument("--write", choices=("json", "topics"), default="json",
                        help="json (default): only emit JSON; topics: also add the tags to the topics")
    parser.add_argument("--output", metavar="FILE", help="write the JSON lines here (default: stdout)")
    parser.add_argument("--id", dest="item_id", metavar="ID",
                        help="the id written in the output, for a single repository (default: OWNER/NAME)")
    parser.add_argument("--token", metavar="TOKEN", help="GitHub token (default: GITHUB_TOKEN, then GH_TOKEN)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the topic change and emit JSON, but write nothing to GitHub")
    parser.add_argument("--sync", action="store_true",
                        help="with --write topics, also remove this vocabulary's topics that were not chosen")
    parser.add_argument("--timeout", type=_seconds, default=15, metavar="SECONDS",
                        help="give up on one HTTP request after this long (default: 15); it is retried")
    parser.add_argument("--repos-file", metavar="FILE",
                        help="also tag the repositories listed in FILE (one OWNER/NAME a line, # comments); "
                             "with it, with more than 10 repositories, or with --cache, --shard or --resume, "
                             "repositories are read as the org command does: GraphQL batches of 100 and "
                             "conditional requests")
    from bot.org_scan import add_scan_options

    add_scan_options(parser, listing=False)


@dataclass
class Run:
    """What one invocation needs, wired once."""

    args: argparse.Namespace
    reporter: Reporter
    client: object
    tagger: object
    clock: object
    failures: int = 0
    failed: list = field(default_factory=list)
    last_write: float | None = None
    tags: list = field(default_factory=list)
    added: list = field(default_factory=list)
    summary: list = field(default_factory=list)


def run(args, clock=None, environ=None, stdout=None, stderr=None) -> int:
    """Tag every repository; return the exit code (0 all well, 1 some failed, 2 usage/credentials)."""
    from bot import org_scan  # batched reading, conditional requests, shards, resume

    if org_scan.wanted_for(args):
        return org_scan.run(args, clock, environ, stdout, stderr)
    environ = os.environ if environ is None else environ
    stdout = stdout or sys.stdout
    reporter = Reporter(in_actions(environ), stdout, stderr or sys.stderr)
    try:
        state, repositories = _setup(args, reporter, environ, clock)
    except TaggerError as exc:
        reporter.error(str(exc))
        return exc.exit_code
    try:
        with _Sink(args.output, reporter.actions, environ, stdout) as sink:
            for full_name in repositories:
                record = _process(state, full_name, args.item_id or full_name)
                sink.write(reporter.redact(json.dumps(record, ensure_ascii=False)))
    except TaggerError as exc:  # bad credentials or an unwritable --output: nothing else can work
        reporter.error(str(exc))
        return exc.exit_code
    finally:
        _finish(state, environ)
    if state.failed:
        reporter.info(f"{len(state.failed)} of {len(repositories)} repositories failed: {', '.join(state.failed)} "
                      "(each error above says why; run again with --resume to retry only those)")
    return 1 if state.failures else 0


def _setup(args, reporter: Reporter, environ, clock):
    """Token (masked first), repositories, vocabulary and client; ConfigError for bad usage."""
    from bot import github

    token = github.find_token(args.token, environ)
    reporter.mask(token)
    repositories = _repositories(args, environ)
    _check_usage(args, repositories, token)
    tagger = _tagger(args.vocabulary)
    if not token:
        reporter.notice("no token: reading anonymously, which only sees public repositories and allows "
                        "60 requests an hour (fix: set GITHUB_TOKEN or GH_TOKEN, or pass --token)")
    client = github.GitHub(token, github.api_url(environ), clock=clock or _system_clock(), timeout=args.timeout)
    return Run(args, reporter, client, tagger, client.clock), repositories


def _system_clock():
    from bot.clock import SYSTEM_CLOCK

    return SYSTEM_CLOCK


def _tagger(vocabulary_path):
    from bot.engine import Tagger
    from bot.vocabulary import load_vocabulary

    return Tagger(load_vocabulary(vocabulary_path))


def _repositories(args, environ) -> list[str]:
    repositories = list(args.repositories) or [name for name in [environ.get("GITHUB_REPOSITORY", "")] if name]
    if not repositories:
        raise ConfigError("no repository given", "pass OWNER/NAME (or set GITHUB_REPOSITORY)")
    for name in repositories:
        if not REPOSITORY_PATTERN.match(name):
            raise ConfigError(f"{name!r} is not a repository name", "write it as OWNER/NAME, e.g. octocat/hello-world")
    return repositories


def _check_usage(args, repositories, token) -> None:
    if args.item_id is not None and len(repositories) > 1:
        raise ConfigError("--id names one repository, but several were given", "drop --id, or tag one repository")
    if args.write == "topics" and not args.dry_run and not token:
        raise ConfigError("--write topics needs a token, and none was given (in a workflow: the github-token "
                          "input is empty, e.g. its secret is not set)",
                          "pass --token or set GITHUB_TOKEN / GH_TOKEN to a token with \"Administration: write\"")
    if args.sync and args.write != "topics" and not args.dry_run:
        raise ConfigError("--sync only changes topics", "add --write topics (or --dry-run to preview)")


class _Sink:
    """Where the JSON lines go: --output, else stdout; in Actions without --output, GITHUB_OUTPUT."""

    def __init__(self, output, actions, environ, stdout, append: bool = False):
        self.output, self.stdout, self.append = output, stdout, append
        self.to_step_output = actions and not output and bool(environ.get("GITHUB_OUTPUT"))
        self.step_output = environ.get("GITHUB_OUTPUT")
        self.lines: list[str] = []
        self.handle = None

    def __enter__(self):
        if self.output:
            try:
                self.handle = open(self.output, "a" if self.append else "w", encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"{self.output}: cannot write the output ({exc.strerror})",
                                  "pass a writable --output path") from None
        return self

    def write(self, line: str) -> None:
        self.lines.append(line)
        try:
            if self.handle:
                self.handle.write(line + "\n")
                self.handle.flush()
            elif not self.to_step_output:
                print(line, file=self.stdout, flush=True)
        except OSError as exc:  # e.g. no space left on the device
            raise self._cannot_write(exc) from None

    def _cannot_write(self, exc: OSError) -> ConfigError:
        return ConfigError(f"{self.output or 'stdout'}: cannot write the output ({exc.strerror or exc})",
                           "free some space or pass another --output, then run again with --resume")

    def __exit__(self, *exc):
        if self.handle:
            try:
                self.handle.close()
            except OSError as error:
                if exc[0] is None:
                    raise self._cannot_write(error) from None
        if self.to_step_output:
            write_outputs(self.step_output, {"json": "\n".join(self.lines)})
        return False


def _process(state: Run, full_name: str, item_id: str) -> dict:
    from bot import outputs
    from bot.github import GitHubError  # AuthError is not one: it stops the whole run (exit 2)

    entry = {"repository": full_name, "tags": [], "evidence": {}, "topics": None, "problems": []}
    state.summary.append(entry)
    try:
        info = state.client.repository(full_name)
        readme = state.client.readme(full_name)
    except GitHubError as exc:
        return _failed(state, entry, {"id": item_id, "tags": []}, exc)
    if readme is None or not readme.content.strip():
        why = "has no README" if readme is None else f"has an empty README ({readme.path})"
        state.reporter.notice(f"{full_name} {why}: no tags chosen, topics left unchanged")
        entry["problems"].append(("notice", f"{why}: no tags, no write"))
        return {"id": item_id, "tags": []}
    result = state.tagger.tag(readme.content, info.description, state.args.max_tags)
    if result.truncated:
        state.reporter.warning(f"{full_name}: {readme.path} is long; only its start was read")
    record = outputs.record(item_id, result, state.args.tag_format)
    entry["tags"], entry["evidence"] = [tag.name for tag in result.tags], result.evidence
    state.tags += [item for item in record["tags"] if item not in state.tags]
    state.reporter.info(f"{full_name}: {readme.path}: tags {', '.join(entry['tags']) or '(none)'}")
    if state.args.write == "topics" or state.args.dry_run:
        try:
            _topics(state, entry, info, [tag.name for tag in result.tags])
        except GitHubError as exc:
            return _failed(state, entry, record, exc)
    return record


def _failed(state: Run, entry: dict, record: dict, exc) -> dict:
    state.failures += 1
    state.failed.append(entry["repository"])
    message = state.reporter.redact(str(exc))
    state.reporter.error(f"{entry['repository']}: {message}")
    entry["problems"].append(("error", message))
    return {**record, "error": message}


def _writing(state: Run) -> bool:
    return state.args.write == "topics" and not state.args.dry_run


def _archived_skip(state: Run, entry: dict, full_name: str, archived: bool) -> bool:
    """An archived repository's topics cannot change: warn and leave them (True) when writing."""
    if not (_writing(state) and archived):
        return False
    state.reporter.warning(f"{full_name} is archived, so its topics cannot change; left as they are "
                           "(fix: unarchive it, or leave it out)")
    entry["problems"].append(("warning", "archived: topics not written"))
    return True


def _planner(state: Run, chosen: list[str]):
    """current topics -> Plan, for the chosen tags (the function a write re-runs on a fresh read)."""
    from bot import topics

    names = [tag.name for tag in state.tagger.vocabulary.tags]
    return lambda current: topics.plan(current, chosen, names, state.args.sync)


def _topics(state: Run, entry: dict, info, chosen: list[str]) -> None:
    if _archived_skip(state, entry, info.full_name, info.archived):
        return
    plan_for = _planner(state, chosen)
    writing = _writing(state)
    if writing:  # read, plan and write together: a retried write reads the topics again first
        plan = state.client.update_topics(info.full_name, plan_for, before_write=lambda: _pause_between_writes(state))
    else:
        plan = plan_for(state.client.topics(info.full_name))
    _report_plan(state, entry, info.full_name, plan, writing)


def _report_plan(state: Run, entry: dict, full_name: str, plan, writing: bool) -> None:
    for name in plan.invalid:
        state.reporter.warning(f"{full_name}: tag {name!r} cannot be a topic (lowercase letters, digits "
                               "and hyphens, at most 50 characters), so it was not sent "
                               "(fix: rename the tag in the vocabulary)")
    if plan.no_room:
        state.reporter.warning(f"{full_name}: GitHub allows 20 topics and it has {len(plan.after)} with the "
                               f"tags that fit; not added: {', '.join(plan.no_room)} "
                               "(fix: remove topics you do not need)")
    entry["topics"] = ("dry run, " if not writing else "") + plan.describe()
    state.added += [topic for topic in plan.added if topic not in state.added]
    if not writing:
        state.reporter.info(f"{full_name}: dry run, {plan.describe()}")
    elif plan.changed:
        state.reporter.info(f"{full_name}: {plan.describe()}")
    else:
        state.reporter.info(f"{full_name}: topics unchanged")


def _pause_between_writes(state: Run) -> None:
    """GitHub asks for at least a second between writes (secondary rate limits)."""
    if state.last_write is not None:
        state.clock.sleep(SECONDS_BETWEEN_WRITES - (state.clock.now() - state.last_write))
    state.last_write = state.clock.now()


def _finish(state: Run, environ, render_summary=None) -> None:
    """The Actions outputs and the step summary (RENDER_SUMMARY: entries -> Markdown)."""
    render_summary = render_summary or summary_markdown
    if environ.get("GITHUB_OUTPUT") and state.reporter.actions:
        redact = state.reporter.redact
        write_outputs(environ["GITHUB_OUTPUT"], {"tags": redact(json.dumps(state.tags, ensure_ascii=False)),
                                                 "added-topics": redact(",".join(state.added))})
    if environ.get("GITHUB_STEP_SUMMARY"):
        append_summary(environ["GITHUB_STEP_SUMMARY"], state.reporter.redact(render_summary(state.summary)))
