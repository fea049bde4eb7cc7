"""Tagging many READMEs from JSONL: parallel across processes, output in input order.

Input lines: {"id", "readme"} or {"id", "readme_path"} (absolute, or relative to the input
file), with an optional "description". A bad line is reported with its number and yields no
output line; the others still run. Workers parse the lines themselves, so reading the input is
not a single-core bottleneck, and at most a few chunks per worker are in flight, so memory stays
flat on any input size.

Output lines are written whole and flushed as they come, so an interrupted run loses nothing it
wrote; with resume, ids that already have a line are skipped (a torn last line is cut off first).
"""

import json
import math
import os
import stat
import sys
import threading
import time
from dataclasses import dataclass
from itertools import islice

from bot import outputs
from bot.engine import Tagger
from bot.errors import InputError
from bot.readme import MAX_CHARS, MAX_README_BYTES
from bot.sharding import shard_of

PROGRESS_SECONDS = 2.0
CHUNK_LINES = 64
IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Settings:
    base_dir: str
    max_tags: int
    tag_format: str
    vocabulary_path: str | None
    shard: tuple[int, int] | None = None  # (index, count): only ids in this shard
    done: frozenset = frozenset()  # ids (as strings) already in the output: skipped


@dataclass(frozen=True)
class Outcome:
    number: int
    line: str | None = None
    error: str | None = None
    truncated: bool = False
    skipped: bool = False


_tagger: Tagger | None = None
_settings: Settings | None = None


def _init_worker(settings: Settings, tagger: Tagger | None = None) -> None:
    global _tagger, _settings
    from bot.vocabulary import load_vocabulary

    _settings = settings
    _tagger = tagger if tagger is not None else Tagger(load_vocabulary(settings.vocabulary_path))


def _read_readme(item: dict, base_dir: str) -> bytes | str:
    if "readme" in item:
        if not isinstance(item["readme"], str):
            raise InputError('"readme" must be a string')
        return item["readme"]
    path = item.get("readme_path")
    if not isinstance(path, str) or not path:
        raise InputError('needs "readme" (text) or "readme_path" (a file)')
    full = path if os.path.isabs(path) else os.path.join(base_dir, path)
    try:
        if not stat.S_ISREG(os.stat(full).st_mode):  # a FIFO or a terminal would block for ever
            raise InputError(f"readme_path {path!r} is not a regular file")
        with open(full, "rb") as handle:
            return handle.read(MAX_README_BYTES)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputError(f"cannot read readme_path {path!r} ({getattr(exc, 'strerror', None) or exc})") from None


def tag_line(number: int, raw: str) -> Outcome:
    try:
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg}, column {exc.colno})") from None
        except RecursionError:
            raise InputError("not valid JSON (nested too deeply)") from None
        except ValueError:  # a number of more than 4,300 digits, which Python refuses to read
            raise InputError("not valid JSON (a number is too long)") from None
        if not isinstance(item, dict):
            raise InputError("expected a JSON object")
        if ("id" not in item or item["id"] is None or isinstance(item["id"], (dict, list))
                or isinstance(item["id"], float) and not math.isfinite(item["id"])):
            raise InputError('missing "id" (a string or a number)')
        if _settings.shard and shard_of(str(item["id"]), _settings.shard[1]) != _settings.shard[0]:
            return Outcome(number, skipped=True)
        if str(item["id"]) in _settings.done:
            return Outcome(number, skipped=True)
        description = item.get("description")
        if description is not None and not isinstance(description, str):
            raise InputError('"description" must be a string')
        text = _read_readme(item, _settings.base_dir)
        result = _tagger.tag(text, description, _settings.max_tags)
        line = outputs.dumps(outputs.record(item["id"], result, _settings.tag_format))
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError('"id" is not valid Unicode (a lone surrogate)') from None
        return Outcome(number, line, truncated=result.truncated)
    except InputError as exc:
        return Outcome(number, error=str(exc))


def _tag_chunk(chunk: list[tuple[int, str]]) -> list[Outcome]:
    return [tag_line(number, raw) for number, raw in chunk]


def _numbered_lines(stream):
    for number, raw in enumerate(stream, start=1):
        if raw.strip():
            yield number, raw


def done_ids(path: str) -> frozenset:
    """Ids that already have a good line (no "error") in an output file; a torn last line, left
    by a killed run, is cut off so that appending starts on a fresh line."""
    try:
        handle = open(path, "rb+")
    except FileNotFoundError:
        return frozenset()
    ids = set()
    with handle:
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            handle.truncate(end)
        for raw in data[:end].splitlines():
            try:
                item = json.loads(raw)
            except (ValueError, RecursionError):
                continue
            if isinstance(item, dict) and "id" in item and "error" not in item:
                ids.add(str(item["id"]))
    return frozenset(ids)


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_outcomes(batches, out, source: str, progress=sys.stderr) -> tuple[int, int]:
    """Write each good outcome as one flushed line, report bad ones on stderr with their line
    number, and print progress every PROGRESS_SECONDS. Returns (good, bad) counts."""
    good = bad = 0
    started = last = time.monotonic()
    for outcomes in batches:
        for outcome in outcomes:
            if outcome.skipped:
                continue
            if outcome.error:
                bad += 1
                print(f"{source}:{outcome.number}: {outcome.error}", file=sys.stderr)
                continue
            good += 1
            out.write(outcome.line + "\n")
            out.flush()
            if outcome.truncated:
                print(f"{source}:{outcome.number}: warning: README longer than {MAX_CHARS:,} characters, "
                      "only its start was read", file=sys.stderr)
        now = time.monotonic()
        if progress and now - last >= PROGRESS_SECONDS:
            last = now
            done = good + bad
            print(f"batch: {done:,} lines, {done / (now - started):,.0f}/s, {bad} failed", file=progress)
    return good, bad


def local_outcomes(stream, settings: Settings, jobs: int, tagger: Tagger | None = None):
    """Lists of outcomes, in input order, from this machine's processes."""
    chunks = _chunks(_numbered_lines(stream), CHUNK_LINES)
    if jobs <= 1:
        _init_worker(settings, tagger)
        for chunk in chunks:
            yield _tag_chunk(chunk)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    in_flight = threading.BoundedSemaphore(jobs * IN_FLIGHT_PER_JOB)

    def gated(items):  # Pool.imap reads its input eagerly: hold it to a few chunks per worker
        for item in items:
            in_flight.acquire()
            yield item

    with context.Pool(jobs, initializer=_init_worker, initargs=(settings, tagger)) as pool:
        for results in pool.imap(_tag_chunk, gated(chunks)):
            in_flight.release()
            yield results


def ensure_worker(settings: Settings) -> None:
    """Set up this process's tagger once for SETTINGS (Dask workers call it per task)."""
    if _settings != settings or _tagger is None:
        _init_worker(settings)


def tag_lines(first_number: int, lines: list[str]) -> list[Outcome]:
    """Outcomes of consecutive input lines, the first numbered FIRST_NUMBER; blank lines skipped."""
    return _tag_chunk([(first_number + offset, raw) for offset, raw in enumerate(lines) if raw.strip()])
