"""Turn README bytes (Markdown, reStructuredText, HTML-in-Markdown, plain text) into a
Document: sections of prose, each of a kind the scorer weighs (title, lead, heading, ...).

Code, badges, images, URLs, HTML tags, tables of contents and boilerplate sections
(license, contributing, sponsors, changelog, ...) are dropped. Work is linear in the
input: every pattern below is anchored or bounded, and input past MAX_CHARS is cut.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

MAX_CHARS = 400_000
MAX_DESCRIPTION_CHARS = 2_000  # GitHub allows 350; a longer one is not a description
MAX_README_BYTES = MAX_CHARS * 4  # the most a caller needs to read: MAX_CHARS in any UTF-8
LEAD_PARAGRAPHS = 2
LEAD_MAX_CHARS = 700
FIRST_SENTENCE_MAX_CHARS = 400
EARLY_BODY_WORDS = 250

SECTION_KINDS = ("title", "description", "first", "lead", "heading", "early", "body", "fence")


class Section(NamedTuple):
    kind: str
    text: str


@dataclass(frozen=True)
class Document:
    sections: tuple[Section, ...]
    truncated: bool = False
    code: tuple[tuple[str, int], ...] = ()  # what the code samples show: ("imports", 3), ("commands", 5)

    def text_of(self, kind: str) -> str:
        return "\n".join(s.text for s in self.sections if s.kind == kind)


_BOILERPLATE_HEADING = re.compile(
    r"^\W*(licen[cs]e|licensing|copyright|contribut\w*|how to contribute|sponsors?\b.*|backers?|"
    r"funding|donat\w*|support (the|this|us|me)\b.*|supporters|change ?log|changes|release notes|history|"
    r"(support(?!ed\b)\w*|sponsor\w*|donat\w*|backers?|funding)\b.*|"
    r"authors?|maintainers?|credits?|acknowledge?ments?|thanks|thank you|special thanks|"
    r"code of conduct|community|contact|security polic\w*|reporting (security )?(issues|bugs|vulnerabilit\w*)|"
    r"table of contents|contents|toc|index|star history|stargazers|badges|build status|"
    r"related( projects)?|see also|alternatives|similar projects|faq|questions|getting help|help|"
    r"citation|citing|cite|how to cite|disclaimer|legal|team|core team|people|"
    r"install\w*|setup|building( from source)?|build|compil\w+|requirements|prerequisites|dependencies|"
    r"development|developing|testing|running tests|tests|benchmarks?|"
    r"download\w*|releases?|versioning|roadmap|status|news|links)\W*$",
    re.IGNORECASE,
)
# Sections kept but not allowed to feed the lead (their prose is about setup, not purpose).
_SETUP_HEADING = re.compile(r"^\W*(usage|quick ?start|getting started|example|examples|how to use)\W*$", re.I)

_ADORN_CHARS = frozenset("=-~^\"'*+#`:.")
_SPECIAL_FIRST = _ADORN_CHARS | frozenset("[|•0123456789<")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RST_ADORN = re.compile(r"^([=\-~^\"'*+#`:.])\1{2,}[ \t]*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^<>]{0,300}>([^<]{0,300}(?:<(?!/h\1)[^<]{0,300}){0,20})</h\1\s*>", re.I)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?:\|[^|]{0,200}\|\s+)?([\w:-]+)::")
_RST_COMMENT = re.compile(r"^\s*\.\.(\s|$)")
_LIST_ITEM = re.compile(r"^\s{0,12}(?:[-*+•]|\d{1,3}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?[\s:|-]{3,}\|?\s*$")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]{1,300}\]:\s*\S")
_RST_TARGET = re.compile(r"^\s*\.\.\s+_[^:]{0,200}:")

_HTML_BLOCK_OPEN = re.compile(r"<(!--|(?:script|style|pre|code|svg)\b)", re.I)
# Bracket texts and link targets stop at the next bracket, so each match attempt is short
# whatever the input: no pattern here can backtrack over more than a few hundred characters.
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\](?:\([^()\[\]\s]{0,2000}(?:\s+\"[^\"\n]{0,200}\")?\)|\[[^\[\]\n]{0,200}\])")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\([^()\[\]\s]{0,2000}(?:\s+\"[^\"\n]{0,200}\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\[[^\[\]\n]{0,200}\]")
_RST_LINK = re.compile(r"`([^`<\n]{0,500}?)\s*<[^<>`\n]{0,2000}>`_{1,2}")
_RST_ROLE = re.compile(r":[a-z][\w:+-]{0,40}:`([^`\n]{0,500})`")
_RST_SUBST = re.compile(r"\|(?=[^|\s])[^|\n]{0,99}(?<=[^|\s])\|_{0,2}")  # |name|, never a "| table | cell |"
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,1000}>")
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S{0,2000}", re.I)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")  # starts once per word
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
_MARKUP_TO_SPACE = str.maketrans({char: " " for char in "*_`>|\\"})


def decode(raw: bytes | str) -> str:
    """Text from README bytes: UTF-8 (a BOM dropped, bad bytes replaced), LF line ends, no NULs."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def drop_html_blocks(text: str) -> str:
    """Without HTML comments and <script>, <style>, <pre>, <code>, <svg> elements: each opening
    is closed by the first closer after it. An unclosed comment hides the rest of the text, as on
    GitHub; an unclosed element, or one written as `<code>` in backticks, is only a tag. Linear:
    once a closer is known to be missing it is never searched for again."""
    lowered = text.lower()
    pieces, position, searched_from = [], 0, 0
    missing: set[str] = set()
    while True:
        opening = _HTML_BLOCK_OPEN.search(text, searched_from)
        if opening is None:
            break
        searched_from = opening.end()
        name = opening.group(1).lower()
        closer = "-->" if name == "!--" else f"</{name}"
        if name != "!--" and (text[opening.start() - 1:opening.start()] == "`" or closer in missing):
            continue
        end = lowered.find(closer, opening.end())
        if end < 0:
            if name == "!--":
                pieces.append(text[position:opening.start()])
                return " ".join(pieces)
            missing.add(closer)
            continue
        pieces.append(text[position:opening.start()])
        close_end = lowered.find(">", end) if name != "!--" else end + 2
        position = searched_from = (close_end if close_end >= 0 else end + len(closer)) + 1
        pieces.append(" ")
    pieces.append(text[position:])
    return "".join(pieces)


def clean_inline(text: str) -> str:
    """Prose only: markup, links, images, HTML and URLs removed."""
    if "<" in text:
        text = drop_html_blocks(text)
    if "![" in text:
        text = _IMAGE.sub(" ", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "][" in text:
        text = _REF_LINK.sub(r"\1", text)
    if "`" in text:
        text = _RST_LINK.sub(r"\1", text)
        text = _RST_ROLE.sub(r"\1", text)
    if "|" in text:
        text = _RST_SUBST.sub(" ", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    return " ".join(text.translate(_MARKUP_TO_SPACE).split())


@dataclass(slots=True)
class _Block:
    """A heading (level > 0) or a paragraph (level 0) before cleaning."""

    level: int
    text: str
    is_list: bool = False


def _blocks(text: str, code: list[str]) -> list[_Block]:
    """Split README text into headings and paragraphs, skipping code and directives (the
    first MAX_CODE_LINES lines of code go to CODE)."""
    lines = text.split("\n")
    blocks: list[_Block] = []
    paragraph: list[str] = []
    list_lines = 0
    rst_levels: list[str] = []

    def flush():
        nonlocal list_lines
        if paragraph:
            joined = " ".join(paragraph)
            blocks.append(_Block(0, joined, is_list=list_lines * 2 >= len(paragraph)))
        paragraph.clear()
        list_lines = 0

    def rst_level(char: str) -> int:
        if char not in rst_levels:
            rst_levels.append(char)
        return min(rst_levels.index(char) + 1, 6)

    n = len(lines)
    skip = 0
    fence: str | None = None
    literal_indent: int | None = None
    for i, line in enumerate(lines):
        if skip:  # the underline (and overline) of a heading already read
            skip -= 1
            continue
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            elif len(code) < MAX_CODE_LINES:
                code.append(stripped)
            continue
        if literal_indent is not None:
            if not stripped or len(line) - len(line.lstrip()) > literal_indent:
                if stripped and len(code) < MAX_CODE_LINES:
                    code.append(stripped)
                continue
            literal_indent = None
        first = stripped[:1]
        match = _FENCE.match(line) if first in "`~" else None
        if match:
            flush()
            fence = match.group(1)[0] * 3
            info = stripped[len(match.group(1)):].strip("{}. ").split(None, 1)
            if info and len(code) < MAX_CODE_LINES:
                code.append(_FENCE_LANGUAGE + info[0].lower())
            continue
        if not stripped:
            if paragraph:
                flush()
            continue
        nxt = lines[i + 1] if i + 1 < n else ""
        if (first not in _SPECIAL_FIRST and nxt[:1] not in _ADORN_CHARS and line[:1] not in " \t"
                and "<" not in line and not stripped.endswith("::")):
            paragraph.append(stripped)  # the common case: a plain line of prose
            continue
        indent = len(line) - len(line.lstrip())
        if first == "." and (_RST_DIRECTIVE.match(line) or _RST_COMMENT.match(line) or _RST_TARGET.match(line)):
            flush()
            literal_indent = indent
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            paragraph.append(stripped[:-1])
            flush()
            literal_indent = indent
            continue
        if indent >= 4 and paragraph and paragraph[-1].endswith(":") and not _LIST_ITEM.match(line):
            flush()  # "Example usage:" followed by an indented code block
            literal_indent = indent - 1
            continue
        if indent >= 4 and not paragraph and not _LIST_ITEM.match(line) and blocks and not blocks[-1].is_list:
            if len(code) < MAX_CODE_LINES:
                code.append(stripped)
            continue  # an indented code block
        if first == "[" and _REF_DEFINITION.match(line) or "|" in line and "-" in line and _TABLE_RULE.match(line):
            continue
        match = _ATX.match(line) if first == "#" else None
        if match:
            flush()
            blocks.append(_Block(len(match.group(1)), match.group(2) or ""))
            continue
        if first in _ADORN_CHARS and _RST_ADORN.match(stripped) and i + 2 < n and _RST_ADORN.match(lines[i + 2].strip()) and lines[i + 1].strip():
            flush()  # over- and underlined reStructuredText title
            blocks.append(_Block(rst_level(stripped[0] * 2), lines[i + 1].strip()))
            skip = 2
            continue
        if not paragraph and nxt[:1] in _ADORN_CHARS and nxt and _RST_ADORN.match(nxt.strip()) and len(nxt.strip()) >= min(len(stripped), 3):
            flush()
            char = nxt.strip()[0]
            level = 1 if char == "=" and not rst_levels else None
            if char in "=-" and _SETEXT.match(nxt):
                level = 1 if char == "=" else 2
            blocks.append(_Block(level or rst_level(char), stripped))
            skip = 1
            continue
        if paragraph and first in "=-" and _SETEXT.match(line) and not _LIST_ITEM.match(paragraph[-1]):
            heading = paragraph.pop()
            flush()
            blocks.append(_Block(1 if stripped[0] == "=" else 2, heading))
            continue
        heading_match = (_HTML_HEADING.search(line) if ("<h" in line or "<H" in line) and len(line) < 2000
                         else None)
        if heading_match and len(_HTML_TAG.sub("", line.replace(heading_match.group(0), "")).strip()) < 3:
            flush()
            blocks.append(_Block(int(heading_match.group(1)), heading_match.group(2)))
            continue
        if (first in "-*+•" or first.isdigit()) and _LIST_ITEM.match(line):
            list_lines += 1
            if paragraph and list_lines == 1:
                flush()
                list_lines = 1
        paragraph.append(stripped)
    flush()
    return blocks


def _is_toc(block: _Block) -> bool:
    """A list whose items are mostly links to anchors in the same file."""
    anchors = block.text.count("](#")
    return anchors >= 3 or (block.is_list and anchors >= 1)


_GENERIC_HEADING = re.compile(r"^\W*(introduction|overview|about|about this( project| repo\w*)?|description|summary|"
                              r"what is (it|this)\W*|intro|readme|welcome)\W*$", re.I)
_NOT_A_TITLE = re.compile(r"^\W*(copyright|\(c\)|©|license|version \d)", re.I)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]\"'])[.!?](?=\s+[A-Z0-9(\"'])|[。！？]")
_LINK_START = re.compile(r"\]\(|<a\s|\]\[", re.I)


def _cut_at_word(text: str, limit: int) -> tuple[str, str]:
    """TEXT cut at a space at or before LIMIT characters (no word is split)."""
    if len(text) <= limit:
        return text, ""
    space = text.rfind(" ", 0, limit + 1)
    cut = space if space > 0 else limit
    return text[:cut].rstrip(), text[cut:].strip()


def _split_first_sentence(prose: str) -> tuple[str, str]:
    match = _SENTENCE_END.search(prose, 0, FIRST_SENTENCE_MAX_CHARS)
    if not match:
        return _cut_at_word(prose, FIRST_SENTENCE_MAX_CHARS)
    return prose[:match.end()], prose[match.end():].strip()


def _is_nav_bar(raw: str, prose: str) -> bool:
    """A line of links ("Website | Docs | Forum") or a badge row: navigation, not prose."""
    return prose.count(" ") < 8 and len(_LINK_START.findall(raw)) >= 2


class _Reader:
    """Walks the blocks of one README and files their prose under section kinds."""

    def __init__(self, blocks: list[_Block]):
        self.blocks = blocks
        self.sections: list[Section] = []
        self.titled = sum(block.level == 1 for block in blocks) > 2  # many H1s: no title among them
        self.skip_level = 0  # > 0 while inside a boilerplate section of that heading level
        self.setup_level = 0
        self.lead_paragraphs = 0
        self.lead_chars = 0
        self.early_words = 0

    def heading(self, block: _Block) -> None:
        heading = clean_inline(block.text)
        if self.skip_level and block.level > self.skip_level:
            return
        self.skip_level = 0
        if self.setup_level and block.level <= self.setup_level:
            self.setup_level = 0
        if not heading or _GENERIC_HEADING.match(heading):
            return
        boilerplate = _BOILERPLATE_HEADING.match(heading) and (block.level > 1 or " " in heading)
        if (not self.titled and not self.lead_paragraphs and block.level <= 2 and not boilerplate
                and not _NOT_A_TITLE.match(heading)):
            self.sections.append(Section("title", heading))
            self.titled = True
            return
        if _BOILERPLATE_HEADING.match(heading):
            self.skip_level = block.level
            return
        if _SETUP_HEADING.match(heading):
            self.setup_level = block.level
        self.sections.append(Section("heading", heading))

    def paragraph(self, block: _Block) -> None:
        if self.skip_level or _is_toc(block):
            return
        prose = clean_inline(block.text)
        if len(prose) < 3 or _is_nav_bar(block.text, prose) or _NOT_A_TITLE.match(prose):
            return
        if not self.titled and not self.lead_paragraphs and len(prose) < 80 and not prose.endswith("."):
            self.sections.append(Section("title", prose))  # a first line with no heading mark
            self.titled = True
            return
        long_enough = len(prose) >= 30 or (not self.lead_paragraphs and len(prose) >= 12 and " " in prose)
        is_prose = not block.is_list and long_enough and not self.setup_level
        if is_prose and self.lead_paragraphs < LEAD_PARAGRAPHS and self.lead_chars < LEAD_MAX_CHARS:
            self.lead(prose)
            return
        if self.early_words < EARLY_BODY_WORDS:
            self.early_words += prose.count(" ") + 1
            self.sections.append(Section("early", prose))
        else:
            self.sections.append(Section("body", prose))

    def lead(self, prose: str) -> None:
        """The first paragraphs, up to LEAD_MAX_CHARS: the first sentence apart, the rest of
        a paragraph too long for the budget as early body."""
        piece, rest = _cut_at_word(prose, LEAD_MAX_CHARS - self.lead_chars)
        self.lead_chars += len(piece)
        if not self.lead_paragraphs:
            first, piece = _split_first_sentence(piece)
            self.sections.append(Section("first", first))
        self.lead_paragraphs += 1
        if piece:
            self.sections.append(Section("lead", piece))
        if rest:
            self.sections.append(Section("early", rest))

    def read(self) -> list[Section]:
        for block in self.blocks:
            if block.level:
                self.heading(block)
            else:
                self.paragraph(block)
        return self.sections


def parse(raw: bytes | str, description: str | None = None, max_chars: int = MAX_CHARS) -> Document:
    """README text (and the repository description, when known) -> Document."""
    text = decode(raw)
    truncated = len(text) > max_chars
    if truncated:
        text = text[:max_chars]
    if "<" in text:
        text = drop_html_blocks(text)
    sections: list[Section] = []
    if description and description.strip():
        sections.append(Section("description", clean_inline(decode(description[:MAX_DESCRIPTION_CHARS]))))
    code: list[str] = []
    sections += _Reader(_blocks(text, code)).read()
    languages = code_languages(code)
    if languages:
        sections.append(Section("fence", languages))
    return Document(tuple(sections), truncated, code_signals(code))


# Code samples tell how a project is used: imported (a library) or run as a command (a CLI).
_IMPORT_LINE = re.compile(
    r"^(?:import\s+[\w.{*\"'(]|from\s+[\w.]+\s+import\s|#\s*include\s*[<\"]|(?:const|let|var)\s+[\w{} ,]+=\s*require\(|"
    r"require\s*\(?\s*['\"]|use\s+[\w:]+(?:::\{?[\w, ]+\}?)?;|using\s+[\w.]+;|extern crate\s|"
    r"@import\s|library\(\w+\)|#import\s)")
_PROMPT = re.compile(r"^(?:\$|%|>|❯|PS>)\s+(\S+)(.*)$")
_PROMPT_PREFIX = re.compile(r"^(?:\$|%|❯|PS>)\s+(?:sudo\s+)?")
# installing to depend on it (a library) / installing to run it (a program)
_INSTALL_AS_LIBRARY = re.compile(r"^(?:go get|cargo add|yarn add|pnpm add|composer require|dotnet add|"
                                 r"npm (?:install|i) (?:--save|-S)|bun add|poetry add|uv add)\b")
_INSTALL_AS_PROGRAM = re.compile(r"^(?:npm (?:install|i) (?:-g|--global)|cargo install|go install|brew install|"
                                 r"pipx install|snap install|scoop install|choco install|winget install|"
                                 r"uv tool install|cargo binstall)\b")
_NOT_THE_TOOL = frozenset(
    "pip pip3 pipx npm npx yarn pnpm bun brew apt apt-get yum dnf pacman apk choco scoop snap nix cargo go gem "
    "composer git docker docker-compose podman kubectl helm make cmake ./configure cd ls cat echo export curl "
    "wget sudo mkdir cp mv rm source python python3 node ruby java javac mvn gradle bash sh zsh conda poetry "
    "uv rustup dotnet tar unzip chmod ln open vim nano code".split())
MAX_CODE_LINES = 300
# cheap first checks, so most code lines never reach a regular expression
_IMPORT_STARTS = ("import", "from ", "#", "const ", "let ", "var ", "require", "use ", "using ", "extern ",
                  "@import", "library(")
_PROMPT_CHARS = frozenset("$%>❯P")
_INSTALLERS = ("go ", "cargo ", "yarn ", "pnpm ", "composer ", "dotnet ", "npm ", "bun ", "poetry ", "uv ",
               "brew ", "pipx ", "snap ", "scoop ", "choco ", "winget ")


# The language of fenced code (```python) tells what the project is used from. Data and shell
# formats say nothing about that; short names are spelt out so they match tag names.
_FENCE_LANGUAGE = "\x00fence:"
_LANGUAGE_NAMES = {
    "py": "python", "python3": "python", "js": "javascript", "jsx": "javascript", "mjs": "javascript",
    "ts": "typescript", "tsx": "typescript", "rs": "rust", "golang": "go", "rb": "ruby", "kt": "kotlin",
    "cs": "csharp", "c#": "csharp", "cpp": "c++", "cc": "c++", "cxx": "c++", "hpp": "c++", "h": "c",
    "objc": "objective-c", "ex": "elixir", "exs": "elixir", "hs": "haskell", "jl": "julia", "pl": "perl",
    "fs": "fsharp", "f#": "fsharp", "ml": "ocaml", "clj": "clojure", "kts": "kotlin", "sc": "scala",
}
_NOT_A_LANGUAGE = frozenset(
    "json json5 jsonc yaml yml toml xml ini text txt plain plaintext console shell sh bash zsh fish powershell "
    "ps1 bat cmd shell-session shellsession diff patch markdown md rst html css scss csv log output sql "
    "dockerfile docker makefile make cmake nginx apache properties env dotenv mermaid graphql http none "
    "terminal".split())


def code_languages(lines: list[str]) -> str:
    """The programming languages of the README's fenced code, one word per block."""
    names = []
    for line in lines:
        if line.startswith(_FENCE_LANGUAGE):
            name = line[len(_FENCE_LANGUAGE):]
            name = _LANGUAGE_NAMES.get(name, name)
            if name not in _NOT_A_LANGUAGE and name[:1].isalpha():
                names.append(name)
    return " ".join(names)


def code_signals(lines: list[str]) -> tuple[tuple[str, int], ...]:
    """("imports", n): lines that import a library; ("commands", n): prompt lines that run a
    program other than an installer, a package manager or a shell built-in."""
    imports = commands = 0
    for line in lines:
        if line.startswith(_IMPORT_STARTS) and _IMPORT_LINE.match(line):
            imports += 1
            continue
        prompted = line[:1] in _PROMPT_CHARS
        bare = _PROMPT_PREFIX.sub("", line) if prompted else line
        if bare.startswith(_INSTALLERS):
            if _INSTALL_AS_LIBRARY.match(bare):
                imports += 1
                continue
            if _INSTALL_AS_PROGRAM.match(bare):
                commands += 1
                continue
        prompt = _PROMPT.match(line) if prompted else None
        if prompt and prompt.group(1).lower() not in _NOT_THE_TOOL and prompt.group(1)[:1].isalpha():
            commands += 1
    return tuple(item for item in (("imports", imports), ("commands", commands)) if item[1])
