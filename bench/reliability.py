"""Reliability report: hostile input, faults and secrets, in numbers.

    python3 bench/reliability.py [--cases 12000] [--seeds 5] [--seed 1]

1. Fuzzing: seeded random cases (bench/fuzz_cases.py) against the README engine, JSON
   vocabularies, batch lines and rules YAML. A crash is an exception other than the project's
   own one-line errors, a message of several lines, bad output, or a case running over 10 s.
2. Hostile 1 MB READMEs (tests/hostile.py), each timed: every one must take under 1 s.
   Also timed, for information: a 10,000-tag vocabulary, a 2 MB rules file, an alias bomb.
3. Faults: 100-repository `repo --write topics` runs against the local GitHub server with random
   faults (tests/fault_run.py), one per seed, resumed until done: topics lost, sets written half,
   failures not named, repositories left undone, token leaks.

Prints the figures and exits 1 when a must-be-0 figure is not 0 (crashes, READMEs over 1 s,
topics lost, partial writes, unnamed failures, unfinished repositories, token leaks).
Needs GitHub's OpenAPI description and GraphQL schema in tests/ (`python3 -m pytest` fetches them).
"""

import argparse
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import fuzz_cases  # noqa: E402
from bot.engine import Tagger  # noqa: E402

README_LIMIT = 1.0
CASE_LIMIT = 10  # seconds before a case counts as a hang
SHARES = {"readme": 0.35, "vocabulary": 0.2, "batch line": 0.25, "rules yaml": 0.2}


class Hang(Exception):
    pass


def _expired(signum, frame):
    raise Hang(f"over {CASE_LIMIT} s")


def _guarded(run, case):
    signal.setitimer(signal.ITIMER_REAL, CASE_LIMIT)
    try:
        return run(case)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# -- 1. fuzzing -------------------------------------------------------------------------------------

def fuzz(total: int, seed: int, workdir: Path) -> dict:
    tagger = Tagger()
    fuzz_cases.init_batch_worker(str(workdir))
    targets = {
        "readme": (fuzz_cases.readme_case, lambda case, build: fuzz_cases.run_readme(tagger, case)),
        "vocabulary": (fuzz_cases.vocabulary_case, fuzz_cases.run_vocabulary),
        "batch line": (fuzz_cases.batch_case, lambda case, build: fuzz_cases.run_batch_line(case)),
        "rules yaml": (fuzz_cases.rules_case, fuzz_cases.run_rules),
    }
    results = {}
    for name, (generate, run) in targets.items():
        rng = random.Random(f"{seed}/{name}")
        count = int(total * SHARES[name]) + 1
        outcomes, crashes, slowest = Counter(), [], (0.0, "")
        for number in range(count):
            case = generate(rng)
            started = time.perf_counter()
            try:  # every 10th good vocabulary or rules file also builds a Tagger and tags a README
                outcomes[_guarded(lambda item: run(item, number % 10 == 0), case)] += 1
            except Exception as exc:  # noqa: BLE001 - any exception here is what we count
                crashes.append(f"{name} #{number}: {type(exc).__name__}: {str(exc)[:160]} "
                               f"(case: {repr(case)[:120]})")
                if len(crashes) == 1:
                    traceback.print_exc(limit=4, file=sys.stderr)
            elapsed = time.perf_counter() - started
            slowest = max(slowest, (elapsed, f"#{number}, {len(case):,} chars"))
        results[name] = {"cases": count, "outcomes": outcomes, "crashes": crashes, "slowest": slowest}
    return results


# -- 2. timings -----------------------------------------------------------------------------------

def hostile_readmes() -> list[tuple[float, str]]:
    from hostile import hostile_readmes as build

    tagger = Tagger()
    tagger.tag(b"# warm\n\nA command-line tool.\n")
    timings = []
    for name, data in build().items():
        started = time.perf_counter()
        tagger.tag(data)
        timings.append((time.perf_counter() - started, name))
    return sorted(timings, reverse=True)


def big_inputs() -> list[tuple[str, float, str]]:
    import json

    from bot.errors import ConfigError
    from bot.rules import parse_rules
    from bot.vocabulary import vocabulary_from_json

    names = sorted({f"tag-{number}-{fuzz_cases.WORDS[number % len(fuzz_cases.WORDS)]}" for number in range(10_000)})
    vocabulary_text = json.dumps([{"id": number, "name": name} for number, name in enumerate(names)], indent=1)
    bomb = "a0: &a0 [" + ", ".join(["x"] * 10) + "]\n" + "".join(
        f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]\n" for n in range(1, 10)) + "tags: *a9\n"
    rules = "version: 1\ntags:\n" + "".join(f"  - name: tag-{n}\n    aliases: [alias {n}, other {n}]\n"
                                            for n in range(20_000))
    rows = []
    for label, action in [
        ("10,000-tag vocabulary: load + compile + tag one README",
         lambda: Tagger(vocabulary_from_json(vocabulary_text, "big.json")).tag(b"# x\n\nA tag-42 tool.\n")),
        (f"rules YAML of {len(rules):,} bytes: parse", lambda: parse_rules(rules, "big.yaml")),
        ("alias bomb (10^9 leaves): refused", lambda: parse_rules(bomb, "bomb.yaml")),
        ("100,000-level nesting: refused", lambda: parse_rules("tags: " + "[" * 100_000 + "]" * 100_000, "d.yaml")),
    ]:
        started = time.perf_counter()
        try:
            action()
            outcome = "ok"
        except ConfigError as exc:
            outcome = str(exc)[:70]
        rows.append((label, time.perf_counter() - started, outcome))
    return rows


# -- 3. faults ------------------------------------------------------------------------------------

def faults(seeds: list[int]) -> list:
    import fault_run
    from github_fixtures import GRAPHQL_SCHEMA, OPENAPI_SPEC, RecordingClock
    from github_server import GitHubServer
    from graphql_server import GraphQLEndpoint, load_schema
    from openapi import OpenAPI

    for needed in (OPENAPI_SPEC, GRAPHQL_SCHEMA):
        if not needed.exists():
            sys.exit(f"reliability: {needed} is missing (fix: run python3 -m pytest once, which fetches it)")
    openapi, schema = OpenAPI(OPENAPI_SPEC), load_schema(GRAPHQL_SCHEMA)
    reports = []
    for seed in seeds:
        server = GitHubServer(openapi)
        server.graphql = GraphQLEndpoint(schema)
        server.start()
        try:
            with tempfile.TemporaryDirectory() as folder:
                kinds = tuple(kind for kind in fault_run.KINDS if kind != "401")  # 401: once per run
                report = fault_run.scenario(server, RecordingClock(), Path(folder), seed, count=100, rate=0.4,
                                            kinds=kinds, revoke=True)
        finally:
            server.stop()
        report.violations = list(server.violations)
        reports.append(report)
    return reports


# -- the report -----------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=12_000, help="fuzz cases in all (default 12,000)")
    parser.add_argument("--seeds", type=int, default=6, help="100-repository fault runs (default 6)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _expired)
    started = time.perf_counter()
    bad = {}

    with tempfile.TemporaryDirectory() as folder:
        fuzzed = fuzz(args.cases, args.seed, Path(folder))
    print("## Fuzzing (seeded, bench/fuzz_cases.py)")
    print(f"{'target':<12}{'cases':>8}{'ok':>8}{'refused':>9}{'crashes':>9}  slowest case")
    for name, result in fuzzed.items():
        seconds, which = result["slowest"]
        print(f"{name:<12}{result['cases']:>8,}{result['outcomes']['ok']:>8,}{result['outcomes']['error']:>9,}"
              f"{len(result['crashes']):>9}  {seconds:.3f} s ({which})")
    crashes = [crash for result in fuzzed.values() for crash in result["crashes"]]
    print(f"fuzz cases run: {sum(r['cases'] for r in fuzzed.values()):,}; crashes found: {len(crashes)}")
    for crash in crashes[:10]:
        print(f"  CRASH {crash}")
    bad["crashes"] = len(crashes)

    timings = hostile_readmes()
    over = [name for seconds, name in timings if seconds >= README_LIMIT]
    print(f"\n## Hostile 1 MB READMEs ({len(timings)} kinds, tests/hostile.py), limit {README_LIMIT:.0f} s each")
    print(f"worst time: {timings[0][0]:.3f} s ({timings[0][1]}); over the limit: {len(over)}")
    print("slowest: " + ", ".join(f"{name} {seconds:.3f} s" for seconds, name in timings[:5]))
    bad["READMEs over 1 s"] = len(over)
    print("\n## Big inputs (for information)")
    for label, seconds, outcome in big_inputs():
        print(f"{label:<58}{seconds:>7.2f} s  {outcome}")

    reports = faults(list(range(args.seed, args.seed + args.seeds)))
    kinds = sum((report.kinds for report in reports), Counter())
    print(f"\n## Faults: {len(reports)} runs of 100 repositories (`repo --write topics`, Actions mode), "
          "random faults, resumed until done")
    print(f"{'seed':>5}{'injected':>10}{'served':>8}{'failed':>8}  exit codes by round")
    for report in reports:
        print(f"{report.seed:>5}{report.faults_injected:>10}{report.faults_served:>8}{report.failures:>8}  "
              f"{' -> '.join(map(str, report.codes))}")
    print("fault kinds injected: " + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    served = sum(report.faults_served for report in reports)
    print(f"faults injected: {sum(report.faults_injected for report in reports)}, served: {served}")
    for label, field in [("topics lost", "lost"), ("topic sets written partly", "partial"),
                         ("failures not named (exit code, ::error::, summary)", "unnamed"),
                         ("repositories not done after the resume", "unfinished"), ("token leaks found", "leaks"),
                         ("OpenAPI violations", "violations")]:
        found = [f"seed {report.seed}: {item}" for report in reports for item in getattr(report, field)]
        print(f"{label}: {len(found)}")
        for item in found[:5]:
            print(f"  {item}")
        bad[label] = len(found)

    failing = {label: count for label, count in bad.items() if count}
    print(f"\nreliability: {'FAIL ' + str(failing) if failing else 'all must-be-0 figures are 0'} "
          f"({time.perf_counter() - started:.0f} s)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
