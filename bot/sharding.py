"""Splitting work across machines: a stable shard for a key, the same on every machine and
Python version (no salted hash())."""

import hashlib

from bot.errors import ConfigError


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' -> (I, N), with 0 <= I < N."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ConfigError(f"--shard {text!r}: expected I/N, e.g. 0/4", "use whole numbers: --shard 0/4") from None
    if count < 1 or not 0 <= index < count:
        raise ConfigError(f"--shard {text!r}: needs 0 <= I < N", "for N shards use --shard 0/N ... --shard N-1/N")
    return index, count


def shard_of(key: str, count: int) -> int:
    digest = hashlib.blake2b(key.strip().lower().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count
