"""READMEs built to hurt a reader: each about SIZE bytes of what makes regular expressions
backtrack (an opening without its closing, repeated many times), deep nesting, endless lines.
Shared by tests/test_fuzz_inputs.py (which only guards against hangs) and bench/reliability.py
(which times them: each must take under a second)."""

SIZE = 1_000_000


def _fill(unit: str, size: int = SIZE, head: str = "# hostile\n\nA command-line tool.\n\n") -> bytes:
    body = unit * max(1, (size - len(head)) // max(1, len(unit.encode("utf-8"))))
    return (head + body).encode("utf-8")[:size]


def _nested_list(size: int) -> str:
    lines, depth = [], 0
    while sum(map(len, lines)) < size:
        lines.append("  " * (depth % 400) + "- item\n")
        depth += 1
    return "".join(lines)


BUILDERS = {
    "open-brackets": lambda size: _fill("[", size),
    "open-image": lambda size: _fill("![", size),
    "link-without-close": lambda size: _fill("[a](", size),
    "link-target-no-paren": lambda size: _fill("[x](" + "a" * 50, size),
    "ref-links": lambda size: _fill("[a][", size),
    "html-open-tag": lambda size: _fill("<a ", size),
    "html-unclosed-comment": lambda size: _fill("<!--", size),
    "html-heading-unclosed": lambda size: _fill("<h1>", size),
    "script-unclosed": lambda size: _fill("<script>", size),
    "backticks": lambda size: _fill("`", size),
    "fence-openers": lambda size: _fill("```\n", size),
    "rst-link": lambda size: _fill("`a <", size),
    "rst-role": lambda size: _fill(":a:`", size),
    "rst-substitution": lambda size: _fill("|a", size),
    "rst-directive": lambda size: _fill(".. |", size),
    "rst-adornment": lambda size: _fill("=", size),
    "emails": lambda size: _fill("a.", size) + b"@",
    "email-like": lambda size: _fill("a@b.", size),
    "urls": lambda size: _fill("http://", size),
    "entities": lambda size: _fill("&#", size),
    "table-rules": lambda size: _fill("|-", size),
    "one-long-word": lambda size: _fill("a", size),
    "one-long-line-of-words": lambda size: _fill("command line tool ", size),
    "underscores": lambda size: _fill("_*", size),
    "deep-quotes": lambda size: _fill("> ", size),
    "nested-list": lambda size: _nested_list(size).encode()[:size],
    "numbered-list": lambda size: _fill("1. ", size),
    "headings": lambda size: _fill("#", size),
    "setext": lambda size: _fill("a\n=\n", size),
    "blank-lines": lambda size: _fill("\n", size),
    "crlf": lambda size: _fill("\r", size),
    "nul-bytes": lambda size: _fill("\x00", size),
    "invalid-utf8": lambda size: b"# x\n\n" + b"\xff\xfe\xc3" * (size // 3),
    "combining-marks": lambda size: _fill("a\u0301\u0302\u0303", size),
    "cjk": lambda size: _fill("命令行工具", size),
    "rtl-and-zero-width": lambda size: _fill("\u202e\u200b\u200d", size),
    "hyphenated": lambda size: _fill("a-", size),
    "camel-case": lambda size: _fill("aB", size),
    # each opening runs to its pattern's length limit, then fails: the most work per attempt
    "link-at-limits": lambda size: _fill("[" + "a" * 499 + "](" + "b" * 1999 + ' "' + "c" * 199, size),
    "image-at-limits": lambda size: _fill("![" + "a" * 499 + "](" + "b" * 1999, size),
    "ref-link-at-limits": lambda size: _fill("[" + "a" * 499 + "][" + "b" * 199, size),
    "html-tag-at-limits": lambda size: _fill("<a" + "b" * 999, size),
    "html-heading-at-limits": lambda size: _fill("<h1 " + "a" * 299 + ">" + ("b" * 299 + "<") * 20, size),
    "rst-link-at-limits": lambda size: _fill("`" + "a" * 499 + " <" + "b" * 1999, size),
    "rst-role-at-limits": lambda size: _fill(":" + "a" * 40 + ":`" + "b" * 499, size),
    "email-at-limits": lambda size: _fill("a" * 64 + "@" + ("b" * 63 + ".") * 5 + " ", size),
    "email-no-domain": lambda size: _fill("a" * 64 + "@", size),
    "entity-at-limits": lambda size: _fill("&#x" + "f" * 7, size),
    "url-then-words": lambda size: _fill("https://" + "a" * 2100 + " ", size),
    "list-at-limits": lambda size: _fill(" " * 12 + "-" + " " * 50 + "x\n", size),
}


def hostile_readmes(size: int = SIZE) -> dict[str, bytes]:
    return {name: build(size) for name, build in BUILDERS.items()}
