"""The shipped lexicon as data: every default tag is known, no name is claimed twice (the second
claim would be silently ignored), and no entry excludes one of its own phrases outright."""

from collections import defaultdict

from bot.lexicon import default_lexicon
from bot.rules import packaged, parse_rules
from bot.text import normalize_name, phrase_key
from bot.vocabulary import load_vocabulary

LEXICON = parse_rules(*packaged("lexicon.yaml"))


def test_every_default_tag_has_a_lexicon_entry():
    lexicon = default_lexicon()
    assert [tag.name for tag in load_vocabulary().tags if tag.name not in lexicon] == []


def test_no_name_is_claimed_by_two_entries():
    claims = defaultdict(list)
    for entry in LEXICON.entries:
        for name in (entry.name, *entry.also):
            claims[normalize_name(name)].append(f"{entry.name} (line {entry.line})")
    assert {name: owners for name, owners in claims.items() if len(owners) > 1} == {}


def test_no_entry_excludes_its_own_phrase():
    clashes = {}
    for entry in LEXICON.entries:
        own = {phrase_key(phrase) for phrase in (*entry.aliases, *entry.kinds, *entry.hints, entry.name)}
        both = own & {phrase_key(phrase) for phrase in entry.exclude}
        if both:
            clashes[entry.name] = sorted(" ".join(key) for key in both)
    assert clashes == {}


def test_lexicon_entries_have_no_ids():
    """Ids belong to vocabularies; an id in the lexicon would never be written anywhere."""
    assert [entry.name for entry in LEXICON.entries if entry.id is not None] == []
