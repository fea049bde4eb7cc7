"""A coverage-guided fuzz target (atheris, libFuzzer) over the same four inputs as the reliability
report: README bytes, a batch line, a rules YAML file, a JSON vocabulary. The first byte picks
the target, the rest is the input. Any exception but the project's one-line errors is a crash.

    pip install atheris
    python3 bench/atheris_fuzz.py -max_total_time=300          # libFuzzer options
    python3 bench/atheris_fuzz.py crash-<hash>                 # replay one finding

Not run by CI (atheris needs a compiled wheel); bench/reliability.py runs seeded cases instead.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import atheris  # noqa: E402

with atheris.instrument_imports():
    import fuzz_cases  # noqa: E402
    from bot.engine import Tagger  # noqa: E402

TAGGER = Tagger()
fuzz_cases.init_batch_worker(tempfile.mkdtemp(prefix="atheris-"))


def one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 4, data[1:]
    text = body.decode("utf-8", errors="surrogateescape" if data[0] & 0x80 else "replace")
    if target == 0:
        fuzz_cases.run_readme(TAGGER, body if data[0] & 0x40 else text)
    elif target == 1:
        fuzz_cases.run_batch_line(text)
    elif target == 2:
        fuzz_cases.run_rules(text, build_tagger=bool(data[0] & 0x40))
    else:
        fuzz_cases.run_vocabulary(text, build_tagger=bool(data[0] & 0x40))


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
