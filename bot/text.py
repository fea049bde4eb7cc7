"""Tokens and name forms shared by the lexicon, the matcher and the README reader."""

import re

# Lower-cased words; "c++" and "c#" keep their symbols, everything else splits on punctuation.
TOKEN_RE = re.compile(r"[^\W_]+[+#]*")
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+[+#]*")  # the same on ASCII text, and faster
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS_RE = re.compile(r"[\s_\-./]+")


def tokens(text: str) -> list[str]:
    text = text.lower()
    return (_ASCII_TOKEN_RE if text.isascii() else TOKEN_RE).findall(text)


def normalize_name(name: str) -> str:
    """The key a tag name is known by: 'Game Engine ', 'game_engine' and 'game-engine' are one."""
    spaced = _CAMEL_RE.sub(" ", name.strip()) if not name.strip().isupper() else name.strip()
    return "-".join(tokens(_SEPARATORS_RE.sub(" ", spaced)))


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A phrase as the token tuple the matcher looks for."""
    return tuple(tokens(_SEPARATORS_RE.sub(" ", phrase)))


def _word_forms(word: str) -> set[str]:
    """Singular and plural forms of one (last) word; no stemming beyond that."""
    forms = {word}
    if not word.isalpha() or len(word) < 3:
        return forms
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif word.endswith(("ses", "xes", "ches", "shes")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.add(word[:-1])
    else:
        if word.endswith("y") and word[-2] not in "aeiou":
            forms.add(word[:-1] + "ies")
        elif word.endswith(("s", "x", "ch", "sh")):
            forms.add(word + "es")
        else:
            forms.add(word + "s")
    return forms


def phrase_variants(phrase: str) -> set[tuple[str, ...]]:
    """Token tuples that count as the phrase: plural/singular of the last word, and the
    words run together ('dev tool' -> 'devtool') for multi-word phrases."""
    key = phrase_key(phrase)
    if not key:
        return set()
    variants = {key[:-1] + (form,) for form in _word_forms(key[-1])}
    if len(key) > 1 and all(part.isalnum() for part in key):
        joined = "".join(key)
        variants |= {(form,) for form in _word_forms(joined)}
    return variants
