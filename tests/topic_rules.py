"""GitHub's topic rule as the test server enforces it, written apart from bot.topics on purpose."""

import string

ALLOWED = set(string.ascii_lowercase + string.digits + "-")


def valid_topic(name: str) -> bool:
    return 0 < len(name) <= 50 and name[0] != "-" and set(name) <= ALLOWED
