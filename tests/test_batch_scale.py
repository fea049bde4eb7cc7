"""Batch runs at scale: resuming, sharding, bounded memory, and the Dask path."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import batch
from bot.sharding import shard_of

ROOT = Path(__file__).resolve().parent.parent
READMES = [
    "# pgq\n\nA command-line tool for Postgres queues.",
    "# tinyjson\n\nA small JSON parser library for C.",
    "# blog-o-matic\n\nA static site generator for your blog.",
    "# kubewatch\n\nWatch Kubernetes clusters from your terminal.",
    "# nothing here\n\nLorem ipsum dolor sit amet.",
]


def write_input(path: Path, count: int) -> list[str]:
    ids = [f"item-{n}" for n in range(count)]
    with open(path, "w") as handle:
        for n, item_id in enumerate(ids):
            handle.write(json.dumps({"id": item_id, "readme": READMES[n % len(READMES)]}) + "\n")
    return ids


def run_batch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "batch", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def output_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def test_resume_tags_only_what_is_missing_and_cuts_a_torn_line(tmp_path):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = write_input(source, 12)
    full = run_batch(str(source), "--output", str(tmp_path / "full.jsonl"), "--jobs", "1")
    assert full.returncode == 0
    expected = {json.loads(l)["id"]: l for l in (tmp_path / "full.jsonl").read_text().splitlines()}
    # an earlier run that was killed: five good lines, one failed line, then half a line
    good = [expected[i] for i in ids[:5]]
    failed = json.dumps({"id": ids[5], "tags": [], "error": "GitHub answered 502"})
    out.write_text("\n".join(good + [failed]) + "\n" + expected[ids[6]][:17])
    done = run_batch(str(source), "--output", str(out), "--resume", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    lines = out.read_text().splitlines()
    good_ids = [json.loads(line)["id"] for line in lines if "error" not in json.loads(line)]
    assert sorted(good_ids) == sorted(ids)  # every id tagged exactly once
    assert len(good_ids) == len(set(good_ids))
    assert all(json.loads(line) for line in lines)  # no torn line left behind
    assert {json.loads(l)["id"]: l for l in lines if "error" not in l} == expected


def test_resume_without_output_is_a_usage_error(tmp_path):
    source = tmp_path / "in.jsonl"
    write_input(source, 2)
    result = run_batch(str(source), "--resume")
    assert result.returncode == 2
    assert "--resume needs --output" in result.stderr


@pytest.mark.parametrize("shard", ["3/3", "-1/2", "a/b", "1", "0/0"])
def test_bad_shard_is_a_usage_error(tmp_path, shard):
    source = tmp_path / "in.jsonl"
    write_input(source, 2)
    result = run_batch(str(source), f"--shard={shard}")
    assert result.returncode == 2
    assert "--shard" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_shards_split_the_ids_without_overlap(tmp_path):
    source = tmp_path / "in.jsonl"
    ids = write_input(source, 30)
    seen = []
    for index in range(3):
        out = tmp_path / f"shard{index}.jsonl"
        assert run_batch(str(source), "--shard", f"{index}/3", "--output", str(out), "--jobs", "1").returncode == 0
        shard_ids = output_ids(out)
        assert all(shard_of(i, 3) == index for i in shard_ids)
        seen += shard_ids
    assert sorted(seen) == sorted(ids)


def test_shard_is_the_same_whatever_the_hash_seed():
    code = "from bot.sharding import shard_of; print([shard_of(f'Owner/Repo{n}', 7) for n in range(50)])"
    answers = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
        for seed in ("1", "2", "random")
    }
    assert len(answers) == 1
    assert shard_of("Owner/Repo", 7) == shard_of("  owner/repo ", 7)  # case and spaces do not matter


def test_parallel_run_reads_only_a_few_chunks_ahead(tmp_path):
    """Memory stays flat: the input is not slurped while the workers are busy."""
    read = 0

    def lines():
        nonlocal read
        for n in range(5000):
            read += 1
            yield json.dumps({"id": n, "readme": READMES[n % len(READMES)]}) + "\n"

    settings = batch.Settings(str(tmp_path), 3, "name", None)
    outcomes = batch.local_outcomes(lines(), settings, jobs=2)
    first = next(outcomes)
    assert first and first[0].number == 1
    assert read <= (2 * batch.IN_FLIGHT_PER_JOB + 2) * batch.CHUNK_LINES
    assert sum(len(chunk) for chunk in outcomes) + len(first) == 5000


def test_dask_gives_byte_identical_output(tmp_path):
    distributed = pytest.importorskip("distributed", reason="install the test extra: pip install '.[test]'")
    source = tmp_path / "in.jsonl"
    write_input(source, 40)
    with open(source, "a") as handle:
        handle.write("not json\n")  # a bad line: reported with its number either way
    local = run_batch(str(source), "--output", str(tmp_path / "local.jsonl"), "--jobs", "1")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        from bot import dask_batch

        remote = run_batch(str(source), "--output", str(tmp_path / "dask.jsonl"), "--dask", cluster.scheduler_address)
        # many small partitions come back in input order too
        settings = batch.Settings(str(tmp_path), 3, "object", None)
        split = [o for chunk in dask_batch.outcomes(str(source), settings, cluster.scheduler_address, 300)
                 for o in chunk]
    assert local.returncode == remote.returncode == 1
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()
    assert f"{source}:41:" in local.stderr and f"{source}:41:" in remote.stderr
    assert [o.line for o in split if o.line] == (tmp_path / "local.jsonl").read_text().splitlines()
    assert [o.number for o in split if o.error] == [41]


def test_dask_ranges_cover_the_file_at_line_ends(tmp_path):
    from bot.dask_batch import byte_ranges

    source = tmp_path / "in.jsonl"
    write_input(source, 100)
    data = source.read_bytes()
    ranges = byte_ranges(str(source), target=500)
    assert len(ranges) > 5
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (start, end, first), (next_start, _, next_first) in zip(ranges, ranges[1:]):
        assert end == next_start and data[end - 1:end] == b"\n"
        assert next_first == first + data[start:end].count(b"\n")
