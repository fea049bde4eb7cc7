"""The on-disk cache that makes re-runs cheap: SQLite (stdlib), one file in the cache folder.

- `responses`: for each REST URL asked (a listing page, a repository), the ETag / Last-Modified
  GitHub sent and the part of the answer a scan needs, so a 304 ("not modified", which does not
  count against the rate limit) can be answered from here. Keyed by API root, a fingerprint of
  the token (never the token itself: answers differ with what a token may see) and the URL.
- `repositories`: what was last read of each repository: the README (compressed), its path, and
  the fingerprint of the state it was read in (last push, default branch). A repository whose
  fingerprint is unchanged is not read again.

A cache that cannot be opened or is corrupt is a ConfigError with the fix; one that is merely
stale is harmless: every entry is checked against what GitHub says now.
"""

import hashlib
import json
import os
import sqlite3
import zlib
from dataclasses import dataclass

from bot.errors import ConfigError

SCHEMA_VERSION = 1
FILE_NAME = "readme-tagger-cache.sqlite3"


def default_directory(environ=None) -> str:
    """$XDG_CACHE_HOME/readme-tagger, else ~/.cache/readme-tagger."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "readme-tagger")


@dataclass(frozen=True)
class Stored:
    etag: str | None
    last_modified: str | None
    body: object


@dataclass(frozen=True)
class ReadmeEntry:
    fingerprint: str
    path: str | None  # None: the repository has no README
    content: bytes | None


class Cache:
    def __init__(self, directory: str, api_url: str, token: str | None):
        self.path = os.path.join(directory, FILE_NAME)
        self.api_url = api_url.rstrip("/")
        self.token_key = hashlib.sha256(f"readme-tagger:{token or ''}".encode()).hexdigest()[:16]
        try:
            os.makedirs(directory, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._create()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"{self.path}: cannot use the cache ({exc})",
                              "pass a writable folder with --cache DIR, or delete the file to start afresh") from None

    def _create(self) -> None:
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] != str(SCHEMA_VERSION):
                self.db.execute("DROP TABLE IF EXISTS responses")
                self.db.execute("DROP TABLE IF EXISTS repositories")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self.db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, etag TEXT, "
                            "last_modified TEXT, body TEXT NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS repositories (key TEXT PRIMARY KEY, fingerprint TEXT "
                            "NOT NULL, path TEXT, content BLOB)")

    def close(self) -> None:
        self.db.close()

    # -- conditional requests -------------------------------------------------------------

    def _response_key(self, url: str) -> str:
        return f"{self.api_url}\n{self.token_key}\n{url}"

    def response(self, url: str) -> Stored | None:
        row = self._read("SELECT etag, last_modified, body FROM responses WHERE key = ?", self._response_key(url))
        if row is None:
            return None
        try:
            return Stored(row[0], row[1], json.loads(row[2]))
        except ValueError:
            return None  # a damaged entry: asked again without If-None-Match

    def store_response(self, url: str, etag: str | None, last_modified: str | None, body) -> None:
        if not etag and not last_modified:
            return
        self._write("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)",
                    (self._response_key(url), etag, last_modified, json.dumps(body, ensure_ascii=False)))

    # -- READMEs as last read -------------------------------------------------------------

    def _repository_key(self, full_name: str) -> str:
        return f"{self.api_url}\n{full_name.lower()}"

    def readme(self, full_name: str) -> ReadmeEntry | None:
        row = self._read("SELECT fingerprint, path, content FROM repositories WHERE key = ?",
                         self._repository_key(full_name))
        if row is None:
            return None
        try:
            content = zlib.decompress(row[2]) if row[2] is not None else None
        except zlib.error:
            return None  # a damaged entry is read again
        return ReadmeEntry(row[0], row[1], content)

    def store_readme(self, full_name: str, fingerprint: str, path: str | None, content: bytes | None) -> None:
        self._write("INSERT OR REPLACE INTO repositories VALUES (?, ?, ?, ?)",
                    (self._repository_key(full_name), fingerprint, path,
                     zlib.compress(content) if content is not None else None))

    # -- plumbing -------------------------------------------------------------------------

    def _read(self, sql: str, key: str):
        try:
            return self.db.execute(sql, (key,)).fetchone()
        except sqlite3.Error as exc:
            raise self._broken(exc) from None

    def _write(self, sql: str, values: tuple) -> None:
        try:
            with self.db:
                self.db.execute(sql, values)
        except sqlite3.Error as exc:
            raise self._broken(exc) from None

    def _broken(self, exc) -> ConfigError:
        return ConfigError(f"{self.path}: the cache failed ({exc})",
                           "delete the file (it is only a cache) or pass another --cache DIR")


def fingerprint(pushed_at, default_branch) -> str:
    """What a README read depends on: the last push and the default branch."""
    return json.dumps([pushed_at, default_branch])
