"""Finding a token in captured output: the whole token, a line of it, or any 12-character piece of
it, anywhere but in the ::add-mask:: lines that announce it to the runner."""

PIECE = 12


def _parts(token: str) -> list[str]:
    token = token.strip()
    return [token, *(line.strip() for line in token.splitlines() if line.strip() and line.strip() != token)]


def pieces(token: str) -> set[str]:
    out = set()
    for part in _parts(token):
        out |= {part[start:start + PIECE] for start in range(max(1, len(part) - PIECE + 1))}
    return out


def find_leaks(outputs: dict[str, str], token: str) -> list[str]:
    """'where:line: text' for every line of every output that shows the token or a piece of it."""
    allowed = {f"::add-mask::{part}" for part in _parts(token)}
    look_for = pieces(token)
    found = []
    for where, text in outputs.items():
        for number, line in enumerate(text.splitlines(), start=1):
            if line not in allowed and any(piece in line for piece in look_for):
                found.append(f"{where}:{number}: {line[:160]}")
    return found
