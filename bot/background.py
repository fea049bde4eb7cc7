"""How common each word is across READMEs: rules/background.json (document frequencies,
numbers only; rebuilt by bench/build_background.py)."""

import json
from functools import lru_cache

from bot.rules import packaged


@lru_cache(maxsize=1)
def table() -> tuple[int, dict]:
    text, _ = packaged("background.json")
    data = json.loads(text)
    return data["documents"], data["df"]


def share(word: str) -> float:
    """The share of READMEs that use WORD, or a pair "WORD WORD" (0 for rare ones)."""
    documents, df = table()
    return df.get(word, 0) / documents


def known_words() -> frozenset:
    """Words used by several READMEs: real words, so never taken for a typo."""
    return frozenset(word for word in table()[1] if " " not in word)
