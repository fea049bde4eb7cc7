"""Quality benchmark: tag the dev corpus the way users run it, and print the figures.

    python bench/quality.py [--shared ../shared] [--floor bench/quality-floor.json] [--verbose]

It runs `readme-tagger batch IN.jsonl --vocabulary <seed vocabulary.json>` over the corpus
(input lines {"id", "readme_path"}, no description), then prints F1 against the annotators,
lenient precision, per-tag precision/recall, and the worst tags with what they were confused
with. With --floor it exits 1 when F1 or lenient precision falls below the recorded floor.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evaluate import annotators, score, tag_name  # noqa: E402


def run_batch(shared: Path, workdir: Path) -> dict:
    labels = {json.loads(line)["id"]: json.loads(line) for line in open(shared / "corpus/labels-dev.jsonl") if line.strip()}
    readmes = {p.stem: p for p in (shared / "corpus/readmes").iterdir()}
    source = workdir / "in.jsonl"
    with open(source, "w") as handle:
        for item_id in labels:
            handle.write(json.dumps({"id": item_id, "readme_path": str(readmes[item_id].resolve())}) + "\n")
    out = workdir / "out.jsonl"
    command = [sys.executable, "-m", "bot", "batch", str(source), "--vocabulary",
               str(shared / "seed/vocabulary.json"), "--output", str(out), "--tag-format", "name"]
    subprocess.run(command, check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
    predictions = {json.loads(line)["id"]: json.loads(line) for line in open(out) if line.strip()}
    return labels, predictions


def per_tag(labels: dict, predictions: dict):
    true_pos, chosen, gold_count = Counter(), Counter(), Counter()
    confused = defaultdict(Counter)  # wrongly chosen tag -> the labels it stood in for
    missed = defaultdict(Counter)  # missed tag -> what was chosen instead
    for item_id, label in labels.items():
        either = set().union(*annotators(label))
        predicted = {tag_name(t) for t in predictions.get(item_id, {}).get("tags", [])}
        for tag in predicted:
            chosen[tag] += 1
            if tag in either:
                true_pos[tag] += 1
            else:
                confused[tag].update(either - predicted or {"(nothing)"})
        for tag in either:
            gold_count[tag] += 1
            if tag not in predicted:
                missed[tag].update(predicted - either or {"(nothing)"})
    return true_pos, chosen, gold_count, confused, missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--floor", help="JSON file with minimum f1_vs_annotators and lenient_precision")
    parser.add_argument("--verbose", action="store_true", help="print every README's prediction and labels")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus/labels-dev.jsonl").exists():
        print(f"quality: no corpus at {shared}/corpus; nothing to measure", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        labels, predictions = run_batch(shared, Path(tmp))
    metrics = score(labels, predictions)
    print(json.dumps(metrics))
    true_pos, chosen, gold_count, confused, missed = per_tag(labels, predictions)
    print(f"\n{'tag':<20}{'chosen':>7}{'right':>7}{'labelled':>9}{'prec':>7}{'recall':>7}")
    rows = []
    for tag in sorted(set(chosen) | set(gold_count)):
        precision = true_pos[tag] / chosen[tag] if chosen[tag] else 0.0
        recall = true_pos[tag] / gold_count[tag] if gold_count[tag] else 0.0
        rows.append((tag, precision, recall))
        print(f"{tag:<20}{chosen[tag]:>7}{true_pos[tag]:>7}{gold_count[tag]:>9}{precision:>7.2f}{recall:>7.2f}")
    print("\nworst tags (errors: wrongly chosen + missed), and what they were confused with:")
    errors = sorted(((chosen[t] - true_pos[t]) + (gold_count[t] - true_pos[t]), t) for t, _, _ in rows)
    for count, tag in reversed(errors[-10:]):
        if not count:
            continue
        wrong = ", ".join(f"{k} x{v}" for k, v in confused[tag].most_common(3))
        instead = ", ".join(f"{k} x{v}" for k, v in missed[tag].most_common(3))
        print(f"  {tag:<18} {count:>2} errors; chosen for: {wrong or '-'}; missed, chose instead: {instead or '-'}")
    if args.verbose:
        for item_id, label in labels.items():
            predicted = [tag_name(t) for t in predictions.get(item_id, {}).get("tags", [])]
            gold = annotators(label)
            mark = "ok " if set(predicted) & set().union(*gold) else "XX "
            print(f"{mark}{item_id:<45} {predicted}  a={sorted(gold[0])} b={sorted(gold[-1])}")
    if args.floor:
        floor = json.loads(Path(args.floor).read_text())
        failed = [k for k, v in floor.items() if metrics.get(k, 0) < v]
        if failed:
            print(f"quality: below the floor in {', '.join(failed)} (floor {floor})", file=sys.stderr)
            return 1
        print(f"quality: at or above the floor {floor}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
