"""Scoring predictions against labels, as ../shared/eval/metrics.py defines the figures.

Labels are {"id", "a": [...], "b": [...]} (two annotators) or {"id", "tags": [...]} (one).
Predictions are {"id", "tags": [...]}, tags as names or {"id", "name"} objects.
"""


def tag_name(tag) -> str:
    if isinstance(tag, dict):
        tag = tag.get("name", "")
    return str(tag).strip().lower()


def f1(predicted: set, gold: set) -> float:
    if not predicted and not gold:
        return 1.0
    hits = len(predicted & gold)
    if not hits:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(gold)
    return 2 * precision * recall / (precision + recall)


def annotators(label: dict) -> list[set]:
    if "a" in label or "b" in label:
        return [{tag_name(t) for t in label.get(key, [])} for key in ("a", "b") if key in label]
    return [{tag_name(t) for t in label.get("tags", [])}]


def score(labels: dict, predictions: dict) -> dict:
    n = 0
    f1_sum = ceiling_sum = 0.0
    chosen = chosen_right = agreed = agreed_found = top1 = empty = 0
    two_annotators = True
    for item_id, label in labels.items():
        gold = annotators(label)
        predicted_list = [tag_name(t) for t in predictions.get(item_id, {}).get("tags", [])]
        predicted = set(predicted_list)
        n += 1
        f1_sum += sum(f1(predicted, g) for g in gold) / len(gold)
        if len(gold) == 2:
            ceiling_sum += f1(gold[0], gold[1])
        else:
            two_annotators = False
        either = set().union(*gold)
        both = set.intersection(*gold)
        chosen += len(predicted)
        chosen_right += len(predicted & either)
        agreed += len(both)
        agreed_found += len(predicted & both)
        top1 += bool(predicted_list and predicted_list[0] in either)
        empty += not predicted
    if not n:
        return {"n": 0}
    result = {
        "n": n,
        "f1_vs_annotators": round(f1_sum / n, 3),
        "annotator_ceiling_f1": round(ceiling_sum / n, 3) if two_annotators else None,
        "ratio_to_ceiling": round(f1_sum / ceiling_sum, 3) if two_annotators and ceiling_sum else None,
        "lenient_precision": round(chosen_right / chosen, 3) if chosen else 0.0,
        "agreed_recall": round(agreed_found / agreed, 3) if agreed else 0.0,
        "top1_hit": round(top1 / n, 3),
        "empty_predictions": empty,
    }
    return result
