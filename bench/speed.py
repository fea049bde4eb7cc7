"""Speed benchmark: READMEs/s on one core (warm, in-process) and the wall time of one
`readme-tagger tag` call, interpreter start-up included.

    python bench/speed.py [--shared ../shared] [--rounds 5]

Each round tags every corpus README once with a fresh call (no result is cached by content).
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Tagger  # noqa: E402
from bot.vocabulary import load_vocabulary  # noqa: E402


def corpus_texts(shared: Path) -> list[bytes]:
    folder = shared / "corpus/readmes"
    if folder.is_dir():
        return [p.read_bytes() for p in sorted(folder.iterdir())]
    return [(ROOT / "README.md").read_bytes()] * 100


def warm_rate(tagger: Tagger, texts: list[bytes], rounds: int, clock=time.perf_counter) -> tuple[float, float]:
    for text in texts[:10]:
        tagger.tag(text)
    rates = []
    for _ in range(rounds):
        started = clock()
        for text in texts:
            tagger.tag(text)
        rates.append(len(texts) / (clock() - started))
    return statistics.median(rates), max(rates)


def cli_wall(vocabulary: str | None, runs: int = 7) -> float:
    command = [sys.executable, "-m", "bot", "tag", str(ROOT / "README.md")]
    if vocabulary:
        command += ["--vocabulary", vocabulary]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shared = Path(args.shared)
    seed = shared / "seed/vocabulary.json"
    vocabulary_path = str(seed) if seed.exists() else None
    texts = corpus_texts(shared)
    started = time.perf_counter()
    tagger = Tagger(load_vocabulary(vocabulary_path))
    load_ms = (time.perf_counter() - started) * 1000
    median, best = warm_rate(tagger, texts, args.rounds)
    cpu_median, _ = warm_rate(tagger, texts, args.rounds, time.process_time)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"corpus: {len(texts)} READMEs, {chars:,.0f} bytes on average")
    print(f"load vocabulary + lexicon + compile: {load_ms:.1f} ms")
    print(f"warm, one core: {median:,.0f} READMEs/s median of {args.rounds} rounds (best {best:,.0f}); "
          f"{cpu_median:,.0f} per CPU-second (the same, unless other processes share the core)")
    print(f"one `readme-tagger tag README.md` call, start-up included: {cli_wall(vocabulary_path) * 1000:.0f} ms (median of 7)")


if __name__ == "__main__":
    main()
