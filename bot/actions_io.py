"""Talking to the GitHub Actions runner: workflow commands, step outputs, the step summary.

Outside Actions, messages go to stderr as plain lines so stdout carries only JSON. With
GITHUB_ACTIONS=true they become workflow commands (::notice:: / ::warning:: / ::error::) on
stdout. Every message passes through the reporter's redaction; the token is printed once, in
the ::add-mask:: line, and nowhere else.
"""

import os
import sys
import uuid


def in_actions(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class Reporter:
    """Notices, warnings and errors for people, in the form the environment expects."""

    def __init__(self, actions: bool, stdout=None, stderr=None):
        self.actions = actions
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self._secrets: list[str] = []

    def mask(self, secret: str | None) -> None:
        """Register a secret: redacted everywhere; in Actions, announced once with ::add-mask::."""
        if not secret:
            return
        # A secret of several lines is masked line by line: the runner reads a command per line,
        # so the lines after the first of "::add-mask::a\nb" would be printed as they are.
        parts = [secret, *(line for line in secret.splitlines() if line.strip() and line != secret)]
        if self.actions:
            for part in parts[1:] or parts:
                print(f"::add-mask::{part}", file=self.stdout, flush=True)
        self._secrets += sorted(parts, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def info(self, text: str) -> None:
        """A plain log line; kept on one line so nothing in it can start a workflow command."""
        line = " ".join(self.redact(text).splitlines())
        print(line, file=self.stdout if self.actions else self.stderr, flush=True)

    def notice(self, text: str, title: str | None = None) -> None:
        self._annotate("notice", text, title)

    def warning(self, text: str, title: str | None = None) -> None:
        self._annotate("warning", text, title)

    def error(self, text: str, title: str | None = None) -> None:
        self._annotate("error", text, title)

    def _annotate(self, level: str, text: str, title: str | None) -> None:
        text = self.redact(text)
        if self.actions:
            props = f" title={escape_property(self.redact(title))}" if title else ""
            print(f"::{level}{props}::{escape_data(text)}", file=self.stdout, flush=True)
        else:
            print(f"readme-tagger: {level}: {text}", file=self.stderr, flush=True)


def write_outputs(path: str, values: dict[str, str]) -> None:
    """Append name=value pairs to GITHUB_OUTPUT, each in the multi-line (heredoc) form."""
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(path: str, markdown: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n")


def _cell(text) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def failure_list(entries) -> list[str]:
    """A list, first in the summary, of every repository that failed and why."""
    failed = [(entry["repository"], message) for entry in entries
              for level, message in entry.get("problems", ()) if level == "error"]
    if not failed:
        return []
    lines = [f"**{len(failed)} of {len(entries)} repositories failed** "
             "(run again to retry them; the CLI's `--resume` skips those done):", ""]
    lines += [f"- {_cell(name)}: {_cell(message)}" for name, message in failed]
    return lines + [""]


def summary_markdown(entries) -> str:
    """A step summary: one section per repository with the chosen tags and their evidence.

    entries: dicts with "repository", "tags" (names), "evidence" (engine evidence by name),
    "topics" (a line describing the topic change, or None), "problems" (lines).
    """
    lines = ["## readme-tagger", ""] + failure_list(entries)
    for entry in entries:
        lines.append(f"### {_cell(entry['repository'])}")
        lines.append("")
        if entry["tags"]:
            lines += ["| tag | score | evidence |", "| --- | ---: | --- |"]
            for name in entry["tags"]:
                evidence = entry["evidence"].get(name, {})
                matches = evidence.get("matches") or []
                detail = "; ".join(f"\"{m.get('phrase')}\" in {m.get('section')} ×{m.get('count')}"
                                   for m in matches[:4])
                lines.append(f"| {_cell(name)} | {evidence.get('score', '')} | {_cell(detail)} |")
        else:
            lines.append("No tag chosen.")
        lines.append("")
        if entry.get("topics"):
            lines += [f"Topics: {_cell(entry['topics'])}", ""]
        for problem in entry.get("problems", ()):
            lines += [f"> **{_cell(problem[0])}**: {_cell(problem[1])}", ""]
    return "\n".join(lines)
