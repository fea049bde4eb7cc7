"""The topic plan: a table of cases, and properties that must hold for every input."""

import pytest
from hypothesis import given, strategies as st

from bot.topics import MAX_TOPICS, plan, to_topic

VOCAB = ["cli", "serverless", "machine learning", "game-engine", "C++", "database"]


@pytest.mark.parametrize("name, topic", [
    ("cli", "cli"),
    ("Machine Learning", "machine-learning"),
    ("  game   engine ", "game-engine"),
    ("web3", "web3"),
    ("C++", None),
    ("node.js", None),
    ("-leading-hyphen", None),
    ("under_score", None),
    ("", None),
    ("a" * 50, "a" * 50),
    ("a" * 51, None),
    ("über", None),
])
def test_to_topic(name, topic):
    assert to_topic(name) == topic


CASES = [
    # id, existing, chosen, sync, after, added, removed, invalid, no_room
    ("add to empty", [], ["cli", "serverless"], False,
     ["cli", "serverless"], ["cli", "serverless"], [], [], []),
    ("keep owner's topics, add after them", ["rust", "tools"], ["cli"], False,
     ["rust", "tools", "cli"], ["cli"], [], [], []),
    ("already there: no change", ["cli", "rust"], ["cli"], False,
     ["cli", "rust"], [], [], [], []),
    ("nothing chosen: no change", ["rust"], [], False, ["rust"], [], [], [], []),
    ("nothing chosen, sync removes our stale topic", ["rust", "cli"], [], True,
     ["rust"], [], ["cli"], [], []),
    ("name becomes a topic", [], ["machine learning"], False,
     ["machine-learning"], ["machine-learning"], [], [], []),
    ("invalid name reported, not sent", [], ["C++", "cli"], False,
     ["cli"], ["cli"], [], ["C++"], []),
    ("add-only never removes a vocabulary topic", ["database"], ["cli"], False,
     ["database", "cli"], ["cli"], [], [], []),
    ("sync removes vocabulary topics not chosen", ["database", "rust"], ["cli"], True,
     ["rust", "cli"], ["cli"], ["database"], [], []),
    ("sync never removes a topic outside the vocabulary", ["rust", "my-own"], ["cli"], True,
     ["rust", "my-own", "cli"], ["cli"], [], [], []),
    ("sync keeps a chosen topic that is already there", ["cli", "database"], ["cli"], True,
     ["cli"], [], ["database"], [], []),
    ("existing topics compared lowercase", ["CLI"], ["cli"], False, ["cli"], [], [], [], []),
    ("duplicates in chosen collapse", [], ["cli", "CLI"], False, ["cli"], ["cli"], [], [], []),
    ("full repository: nothing dropped, all reported", [f"t{i}" for i in range(20)], ["cli"], False,
     [f"t{i}" for i in range(20)], [], [], [], ["cli"]),
    ("19 topics: best chosen fits, rest reported", [f"t{i}" for i in range(19)],
     ["serverless", "cli", "database"], False,
     [f"t{i}" for i in range(19)] + ["serverless"], ["serverless"], [], [], ["cli", "database"]),
    ("sync frees room before adding", [f"t{i}" for i in range(19)] + ["database"], ["cli"], True,
     [f"t{i}" for i in range(19)] + ["cli"], ["cli"], ["database"], [], []),
]


@pytest.mark.parametrize("existing, chosen, sync, after, added, removed, invalid, no_room",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_plan_table(existing, chosen, sync, after, added, removed, invalid, no_room):
    result = plan(existing, chosen, VOCAB, sync=sync)
    assert list(result.after) == after
    assert list(result.added) == added
    assert list(result.removed) == removed
    assert list(result.invalid) == invalid
    assert list(result.no_room) == no_room
    assert result.changed == bool(added or removed)


def test_describe_shows_before_and_after():
    text = plan(["rust", "database"], ["cli"], VOCAB, sync=True).describe()
    assert text == "topics +cli -database: [rust, database] -> [rust, cli]"
    assert plan(["cli"], ["cli"], VOCAB).describe().startswith("topics no change:")


topic_names = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
tag_names = st.one_of(topic_names, st.text(max_size=12))


@given(existing=st.lists(topic_names, max_size=20, unique=True),
       chosen=st.lists(tag_names, max_size=6),
       vocabulary=st.lists(tag_names, max_size=10),
       sync=st.booleans())
def test_plan_properties(existing, chosen, vocabulary, sync):
    result = plan(existing, chosen, vocabulary + chosen, sync=sync)
    after = set(result.after)
    vocabulary_topics = {to_topic(name) for name in vocabulary + chosen}
    # Never lose a topic outside the vocabulary; add-only never loses any topic.
    for topic in existing:
        if not sync or topic not in vocabulary_topics:
            assert topic in after
    assert set(result.removed) <= vocabulary_topics
    assert not set(result.removed) & {to_topic(name) for name in chosen}
    assert len(result.after) <= MAX_TOPICS
    assert len(result.after) == len(after)
    # Every chosen name is accounted for: in the set, invalid, or reported as not fitting.
    for name in chosen:
        topic = to_topic(name)
        if topic is None:
            assert name in result.invalid
        elif topic not in after:
            assert topic in result.no_room and len(result.after) == MAX_TOPICS
    assert result.changed == (set(result.before) != after)
