"""Fit the few global weights of scoring/chooser on the dev labels, with k-fold cross-validation.

    python bench/tune.py [--shared ../shared] [--folds 4]

Prints, for a coarse grid, the best setting on all dev data and the cross-validated F1 (each
fold's setting chosen on the other folds, scored on the held-out fold): the gap between the two
says how much the fit flatters itself. Nothing is written; copy chosen values by hand.
"""

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import chooser, readme, scoring  # noqa: E402
from bot.engine import Tagger  # noqa: E402
from bot.evaluate import score as evaluate  # noqa: E402
from bot.vocabulary import load_vocabulary  # noqa: E402

GRID = {
    "MIN_SCORE": [3.0, 3.5, 4.0, 4.5],
    "RELATIVE_TO_BEST": [0.2, 0.25, 0.3, 0.35],
    "KIND_WEIGHT_AT_TOP": [1.5, 2.0, 2.5],
    "hint": [0.25, 0.35],
    "code": [1.0, 1.5],
    "first": [3.5, 4.5, 5.5],
}


def apply(setting: dict) -> None:
    chooser.MIN_SCORE = setting["MIN_SCORE"]
    chooser.RELATIVE_TO_BEST = setting["RELATIVE_TO_BEST"]
    scoring.KIND_WEIGHT_AT_TOP = setting["KIND_WEIGHT_AT_TOP"]
    scoring.ROLE_WEIGHTS["hint"] = setting["hint"]
    scoring.SECTION_WEIGHTS["code"] = setting["code"]
    scoring.SECTION_WEIGHTS["first"] = setting["first"]


def predict(tagger: Tagger, scanned: dict) -> dict:
    out = {}
    for item_id, matches in scanned.items():
        chosen = chooser.choose(scoring.score(matches), tagger.compiled.thresholds, 3, None, tagger.vocabulary.tags)
        out[item_id] = {"tags": [tagger.vocabulary.tags[s.tag].name for s in chosen]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--tag-thresholds", action="store_true",
                        help="also fit per-tag thresholds (tags with >= 5 dev labels) at the current weights")
    args = parser.parse_args()
    shared = Path(args.shared)
    labels = {json.loads(l)["id"]: json.loads(l) for l in open(shared / "corpus/labels-dev.jsonl") if l.strip()}
    files = {p.stem: p for p in (shared / "corpus/readmes").iterdir()}
    tagger = Tagger(load_vocabulary(str(shared / "seed/vocabulary.json")))
    scanned = {i: tagger.compiled.scan(readme.parse(files[i].read_bytes())) for i in labels}
    original = current_setting()
    settings = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    ids = sorted(labels)
    folds = [ids[k::args.folds] for k in range(args.folds)]
    results = []
    for setting in settings:
        apply(setting)
        predictions = predict(tagger, scanned)
        per_fold = [evaluate({i: labels[i] for i in fold}, predictions)["f1_vs_annotators"] for fold in folds]
        overall = evaluate(labels, predictions)
        results.append((setting, per_fold, overall))
    best = max(results, key=lambda r: (r[2]["f1_vs_annotators"], r[2]["lenient_precision"]))
    print("best on all dev data:", json.dumps(best[0]), json.dumps(best[2]))
    held_out = []
    for k in range(args.folds):
        def train_f1(r):
            return sum(f for j, f in enumerate(r[1]) if j != k)
        chosen = max(results, key=train_f1)
        held_out.append(chosen[1][k])
    print(f"cross-validated F1 ({args.folds} folds): {sum(held_out) / len(held_out):.3f} "
          f"(folds: {', '.join(f'{f:.3f}' for f in held_out)})")
    if args.tag_thresholds:
        apply(original)
        fit_tag_thresholds(tagger, scanned, labels, args.folds)


def current_setting() -> dict:
    return {"MIN_SCORE": chooser.MIN_SCORE, "RELATIVE_TO_BEST": chooser.RELATIVE_TO_BEST,
            "KIND_WEIGHT_AT_TOP": scoring.KIND_WEIGHT_AT_TOP, "hint": scoring.ROLE_WEIGHTS["hint"],
            "code": scoring.SECTION_WEIGHTS["code"], "first": scoring.SECTION_WEIGHTS["first"]}




def fit_tag_thresholds(tagger, scanned, labels, folds_count=4, min_examples=5):
    """Per-tag thresholds, only for tags with at least MIN_EXAMPLES dev labels, chosen by
    coordinate ascent on the training folds; prints the cross-validated F1 and the values fitted
    on all data (to copy into rules/lexicon.yaml by hand)."""
    from collections import Counter

    counts = Counter(t for label in labels.values() for t in set(label["a"]) | set(label["b"]))
    names = [tag.name for tag in tagger.vocabulary.tags]
    frequent = [n for n, c in counts.items() if c >= min_examples and n in names]
    candidates = [None, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0]
    ids = sorted(labels)
    folds = [ids[k::folds_count] for k in range(folds_count)]

    def f1_on(subset, thresholds):
        tagger.compiled.thresholds[:] = [thresholds.get(n) for n in names]
        return evaluate({i: labels[i] for i in subset}, predict(tagger, {i: scanned[i] for i in subset}))["f1_vs_annotators"]

    def fit(train):
        chosen = {}
        for _ in range(2):
            for name in frequent:
                best = max(candidates, key=lambda v: (f1_on(train, {**chosen, name: v}), v is None))
                chosen[name] = best
        return {k: v for k, v in chosen.items() if v is not None}

    held_out = []
    for k in range(folds_count):
        train = [i for j, fold in enumerate(folds) if j != k for i in fold]
        held_out.append(f1_on(folds[k], fit(train)))
    everything = fit(ids)
    print(f"per-tag thresholds, cross-validated F1: {sum(held_out) / len(held_out):.3f} "
          f"(folds: {', '.join(f'{f:.3f}' for f in held_out)})")
    print(f"fitted on all dev data: {json.dumps(everything)}; F1 {f1_on(ids, everything):.3f}")


if __name__ == "__main__":
    main()
