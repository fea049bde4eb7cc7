"""Writing results: the {"id", "tags"} JSON shape, tag formats, and the --explain table."""

import json
import sys

from bot.engine import Result
from bot.vocabulary import Tag

TAG_FORMATS = ("object", "name", "id")


def format_tag(tag: Tag, tag_format: str):
    if tag_format == "name":
        return tag.name
    if tag_format == "id":
        return tag.id
    return tag.as_object()


def record(item_id, result: Result, tag_format: str = "object", explain: bool = False) -> dict:
    out = {"id": item_id, "tags": [format_tag(tag, tag_format) for tag in result.tags]}
    if explain:
        out["evidence"] = result.evidence
    return out


def dumps(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


def explain_table(item_id, result: Result, limit: int = 8, stream=None) -> None:
    """A readable table of the best candidates and why, for people (stderr)."""
    stream = stream or sys.stderr
    chosen = {tag.name for tag in result.tags}
    print(f"{item_id}: {len(result.tags)} tag(s) chosen", file=stream)
    print(f"  {'':2}{'tag':<22}{'score':>7}  evidence", file=stream)
    for tag, score, matches in result.candidates[:limit]:
        mark = "*" if tag.name in chosen else " "
        detail = ", ".join(f"{m['phrase']!r} in {m['section']} x{m['count']}" for m in matches[:4])
        print(f"  {mark} {tag.name:<22}{score:>7.2f}  {detail}", file=stream)
    if not result.candidates:
        print("  (no phrase of the vocabulary was found)", file=stream)
