"""Rebuild rules/background.json: how many READMEs of a corpus use each word (numbers only).

    python bench/build_background.py ../shared/corpus/readmes

The scorer reads it to tell common words ("api", "data") from telling ones. Only words found in
at least MIN_DOCUMENTS READMEs (word pairs: MIN_DOCUMENTS_PAIRS) are kept; no text is stored.
"""

import json
import sys
from pathlib import Path

from bot.readme import parse
from bot.text import tokens

MIN_DOCUMENTS = 3
MIN_DOCUMENTS_PAIRS = 5  # word pairs ("open source") are kept only when common


def main(folder: str) -> None:
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    df: dict[str, int] = {}
    pairs: dict[str, int] = {}
    for path in files:
        document = parse(path.read_bytes())
        words = tokens(" ".join(s.text for s in document.sections))
        for word in set(words):
            df[word] = df.get(word, 0) + 1
        for pair in {f"{a} {b}" for a, b in zip(words, words[1:])}:
            pairs[pair] = pairs.get(pair, 0) + 1
    kept = {word: n for word, n in sorted(df.items()) if n >= MIN_DOCUMENTS and not word.isdigit()}
    kept.update((pair, n) for pair, n in sorted(pairs.items()) if n >= MIN_DOCUMENTS_PAIRS)
    out = Path(__file__).resolve().parent.parent / "rules" / "background.json"
    out.write_text(json.dumps({"documents": len(files), "df": kept}, separators=(",", ":")) + "\n")
    print(f"{len(kept)} words from {len(files)} READMEs -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus/readmes")
