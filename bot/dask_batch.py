"""`batch --dask ADDRESS`: the same per-line work as a local batch run, on a Dask cluster.

The input file is cut into byte ranges that end at line ends (a dask.bag with one range per
partition); each worker reads its range, tags the lines with the batch module's own function,
and the results come back in input order, so the output is byte-identical to a local run.
The workers must be able to read the input file (and any readme_path) at the same path.
Dask is an optional extra: pip install 'readme-tagger[dask]'.
"""

import os

from bot import batch
from bot.errors import ConfigError

PARTITION_BYTES = 32 * 1024 * 1024
COUNT_BLOCK = 1024 * 1024


def byte_ranges(path: str, target: int = PARTITION_BYTES) -> list[tuple[int, int, int]]:
    """(start, end, number of the first line) for ranges of about TARGET bytes, cut at line ends."""
    size = os.path.getsize(path)
    bounds = [0]
    with open(path, "rb") as handle:
        while bounds[-1] + target < size:
            handle.seek(bounds[-1] + target)
            handle.readline()
            if handle.tell() >= size:
                break
            bounds.append(handle.tell())
        bounds.append(size)
        ranges, line = [], 1
        for start, end in zip(bounds, bounds[1:]):
            ranges.append((start, end, line))
            handle.seek(start)
            left = end - start
            while left > 0:
                block = handle.read(min(COUNT_BLOCK, left))
                line += block.count(b"\n")
                left -= len(block)
    return ranges


def tag_range(path: str, start: int, end: int, first_number: int, settings: batch.Settings) -> list:
    batch.ensure_worker(settings)
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return batch.tag_lines(first_number, lines)


def outcomes(path: str, settings: batch.Settings, address: str, partition_bytes: int = PARTITION_BYTES):
    """Lists of outcomes in input order, computed on the cluster at ADDRESS."""
    try:
        import dask.bag as db
        from distributed import Client
    except ImportError:
        raise ConfigError("--dask needs Dask, which is not installed",
                          "pip install 'readme-tagger[dask]'") from None
    if path == "-":
        raise ConfigError("--dask reads the input file on the workers, not stdin", "pass a file path")
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})",
                          "check --dask ADDRESS, e.g. tcp://127.0.0.1:8786") from None
    path = os.path.abspath(path)
    with client:
        ranges = byte_ranges(path, partition_bytes)
        bag = db.from_sequence(ranges, npartitions=len(ranges)).map(lambda r: tag_range(path, *r, settings))
        futures = client.compute(bag.to_delayed())
        for future in futures:
            yield from future.result()  # a partition: [outcomes of its one byte range]
