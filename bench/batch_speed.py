"""Batch benchmark: READMEs/s of `readme-tagger batch` on 1 and 2 processes, and peak memory.

    python bench/batch_speed.py [--lines 3000] [--size-mb 0]

It writes an input JSONL of LINES lines with the README texts inline (the dev corpus cycled, or
this project's README when the corpus is absent), runs the real command with --jobs 1 and
--jobs N (N = the CPU count, at least 2), and prints lines/s, the speed-up and the peak resident
memory of the run. --size-mb 1000 instead builds a ~1 GB input to show that memory stays flat.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def texts(shared: Path) -> list[str]:
    folder = shared / "corpus/readmes"
    if folder.is_dir():
        return [p.read_text(errors="replace") for p in sorted(folder.iterdir())]
    return [(ROOT / "README.md").read_text()]


def write_input(path: Path, corpus: list[str], lines: int, size_mb: int) -> int:
    written = count = 0
    limit = size_mb * 1024 * 1024
    with open(path, "w") as handle:
        while (count < lines) if not limit else (written < limit):
            line = json.dumps({"id": f"r{count}", "readme": corpus[count % len(corpus)]}) + "\n"
            handle.write(line)
            written += len(line)
            count += 1
    return count


def run(path: Path, jobs: int) -> tuple[float, float]:
    """(seconds, peak RSS in MiB of the biggest process of the run)."""
    command = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    command += [sys.executable, "-m", "bot", "batch", str(path), "--jobs", str(jobs), "--output", os.devnull]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if command[0] == "/usr/bin/time":
        peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--size-mb", type=int, default=0)
    args = parser.parse_args()
    jobs = max(2, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        count = write_input(path, texts(Path(args.shared)), args.lines, args.size_mb)
        size = path.stat().st_size / 1024 / 1024
        print(f"input: {count:,} lines, {size:,.1f} MiB; machine: {os.cpu_count()} CPUs")
        one, peak_one = run(path, 1)
        many, peak_many = run(path, jobs)
        print(f"--jobs 1: {count / one:,.0f} READMEs/s ({one:.1f} s), peak RSS {peak_one:.0f} MiB (one process)")
        print(f"--jobs {jobs}: {count / many:,.0f} READMEs/s ({many:.1f} s), peak RSS {peak_many:.0f} MiB "
              f"(largest process)")
        print(f"speed-up: {one / many:.2f}x")


if __name__ == "__main__":
    main()
