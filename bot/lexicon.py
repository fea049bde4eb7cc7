"""What a tag NAME means, for any vocabulary: rules/lexicon.yaml, keyed by normalized name.

An entry applies to its `name` and to every name in its `also` list, so a user's bare JSON
vocabulary that says "kubernetes" or "command-line" gets what the lexicon knows about them.
"""

from functools import lru_cache

from bot.rules import RuleEntry, RulesFile, packaged, parse_rules
from bot.text import normalize_name

LEXICON_FILE = "lexicon.yaml"


class Lexicon:
    def __init__(self, rules: RulesFile | None = None):
        self.entries: dict[str, RuleEntry] = {}
        for entry in rules.entries if rules else ():
            for name in (entry.name, *entry.also):
                self.entries.setdefault(normalize_name(name), entry)

    def get(self, name: str) -> RuleEntry | None:
        return self.entries.get(normalize_name(name))

    def __contains__(self, name: str) -> bool:
        return normalize_name(name) in self.entries


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    text, source = packaged(LEXICON_FILE)
    return Lexicon(parse_rules(text, source))
