"""Escaping at the boundary: every string from YAML enters Markdown through one of these.

The YAML format promises that text fields accept Markdown but that raw HTML in any field is
shown as text, never executed. So:

- `md_text` is for plain text that must show exactly as written (titles, handles, hashtags):
  HTML-escaped and every Markdown control character backslash-escaped.
- `md_block` is for Markdown text fields (descriptions, responsibilities, steps): Markdown
  emphasis, lists and links keep working, but `<`, `>` and `&` are HTML-escaped so no tag can
  pass, link destinations with a scheme other than http, https or mailto are shown as text,
  and `{`/`}` are escaped so an `attr_list` extension cannot add attributes such as `onclick`.
- `md_inline` is `md_block` folded onto one line, safe inside a table cell.
- `md_url` is for a link destination.
- `html_text` is for text inside HTML we write ourselves (the share bars).

Code spans and fenced code blocks are turned into HTML here (`<code>`, `<pre><code>`) with
their content escaped once, so Markdown never sees a backtick of ours: whatever Markdown would
make of an odd pairing of backticks, no text escapes the escaping.

Every function returns `Md`, a `str` (`Markup`) subclass that marks text as ready for Markdown; the page
templates refuse to print a plain `str` (see `pages.py`), so nothing is printed unescaped and
nothing is escaped twice.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

__all__ = ["Md", "md_text", "md_inline", "md_block", "md_url", "html_text"]


class Md(Markup):
    """Text that is ready to be inserted into Markdown as it is.

    A `Markup` subclass so that Jinja, with autoescaping on, prints it untouched: the page
    templates then accept only `Md`, numbers and their own macros' output (see `pages.py`).
    Build it from finished text, `Md(text)`; do not concatenate `Md` with a plain `str`
    (Markup would HTML-escape the `str`).
    """

    __slots__ = ()


# Markdown's control characters in running text. `.`, `-`, `+` and `(`/`)` only matter at
# the start of a line or after `]`; escaping them everywhere would make the Markdown unreadable,
# so `md_text` handles the line start and `[`/`]` separately.
_TEXT_SPECIALS = re.compile(r"([\\`*_\[\]{}#|!])")
_LINE_START_MARKER = re.compile(r"^([-+]|\d+(?=[.)]))")


def md_text(value: object) -> Md:
    """Plain text shown exactly as written: no Markdown, no HTML, one line."""
    text = " ".join(str(value).split())
    text = html.escape(text, quote=False)
    text = _TEXT_SPECIALS.sub(r"\\\1", text)
    # a leading `-`, `+` or `1.` would start a list where the text begins a line
    text = _LINE_START_MARKER.sub(lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1) + "\\", text)
    return Md(text)


def html_text(value: object) -> Md:
    """Plain text inside HTML that we write ourselves (attribute values included)."""
    return Md(html.escape(" ".join(str(value).split()), quote=True))


def md_url(url: str) -> Md:
    """A link destination: only http(s), mailto and relative paths; anything else is dropped."""
    url = url.strip()
    if _scheme(url) not in (None, "http", "https", "mailto"):
        return Md("#")
    return Md(
        html.escape(url, quote=True)
        .replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )


def md_block(value: object) -> Md:
    """A Markdown text field as a block: paragraphs, lists and emphasis kept, HTML shown as text."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    parts: list[str] = []
    for kind, chunk in _split_fences(text):
        if kind == "fence":
            parts.append(chunk)
        else:
            parts.append(_escape_markdown(chunk, table=False))
    return Md("".join(parts).rstrip())


def md_inline(value: object, *, table: bool = True) -> Md:
    """A Markdown text field on one line, safe in a table cell or a list item."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = " ".join(text.split())
    return Md(_escape_markdown(text, table=table))


# --- the parts -----------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*$")


def _split_fences(text: str) -> list[tuple[str, str]]:
    """Split text into ('text', …) and ('fence', <pre> HTML) chunks."""
    lines = text.split("\n")
    chunks: list[tuple[str, str]] = []
    buffer: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE_OPEN.match(line)
        if opened and (opened.group(1)[0] == "~" or "`" not in line.lstrip()[len(opened.group(1)):]):
            fence = opened.group(1)
            close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
            end = next((j for j in range(index + 1, len(lines)) if close.match(lines[j])), None)
            if end is not None:
                if buffer:
                    chunks.append(("text", "\n".join(buffer) + "\n"))
                    buffer = []
                code = "\n".join(lines[index + 1 : end])
                chunks.append(("fence", "\n" + _pre(code) + "\n\n"))
                index = end + 1
                continue
        buffer.append(line)
        index += 1
    if buffer:
        chunks.append(("text", "\n".join(buffer)))
    return chunks


def _pre(code: str) -> str:
    return f"<pre><code>{_code_entities(code)}</code></pre>"


# Markdown characters that must not act inside code we turned into HTML ourselves.
_CODE_ENTITIES = {
    "`": "&#96;", "*": "&#42;", "_": "&#95;", "\\": "&#92;", "[": "&#91;", "]": "&#93;",
    "|": "&#124;", "{": "&#123;", "}": "&#125;", "~": "&#126;", "^": "&#94;", "=": "&#61;",
    ":": "&#58;", "#": "&#35;", "!": "&#33;", "$": "&#36;",
}


def _code_entities(code: str) -> str:
    code = html.escape(code, quote=False)
    return "".join(_CODE_ENTITIES.get(ch, ch) for ch in code)


_BACKTICKS = re.compile(r"`+")


def _escape_markdown(text: str, *, table: bool) -> str:
    """Escape HTML and unsafe constructs in Markdown text; turn code spans into HTML."""
    out: list[str] = []
    position = 0
    while True:
        match = _next_opener(text, position)
        if match is None:
            out.append(_escape_prose(text[position:], table=table))
            break
        start, run = match.start(), match.group(0)
        closer = _closing_run(text, match.end(), len(run))
        if closer is None:
            # an unpaired run of backticks is text: make sure Markdown sees no backtick either
            out.append(_escape_prose(text[position:start], table=table))
            out.append("&#96;" * len(run))
            position = match.end()
            continue
        out.append(_escape_prose(text[position:start], table=table))
        code = text[match.end() : closer]
        if code.strip(" ") and code.startswith(" ") and code.endswith(" "):
            code = code[1:-1]
        out.append("<code>" + _code_entities(code.replace("\n", " ")) + "</code>")
        position = closer + len(run)
    return "".join(out)


def _next_opener(text: str, position: int) -> re.Match[str] | None:
    for match in _BACKTICKS.finditer(text, position):
        backslashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            return match
        # an escaped backtick: the rest of the run may still open a span
        if len(match.group(0)) > 1:
            inner = _BACKTICKS.match(text, match.start() + 1)
            return inner
    return None


def _closing_run(text: str, position: int, length: int) -> int | None:
    for match in _BACKTICKS.finditer(text, position):
        if len(match.group(0)) == length:
            if "\n\n" in text[position : match.start()]:
                return None
            return match.start()
    return None


_BLOCKQUOTE = re.compile(r"^( {0,3}(?:&gt; ?)+)", re.MULTILINE)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INLINE_LINK = re.compile(r"\]\(\s*(&lt;)?([^)]*)")
_REFERENCE_DEF = re.compile(r"^( {0,3})\[([^\]\n]+)\]:[ \t]*(&lt;)?(\S*)", re.MULTILINE)
_AUTOLINK = re.compile(r"&lt;((?:https?://|mailto:)(?:(?!&lt;|&gt;)[^\s\"'`<>])+)&gt;")


def _scheme(url: str) -> str | None:
    # browsers drop tabs and newlines inside URLs and ignore case: so do we, before judging
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    found = _SCHEME.match(cleaned)
    return found.group(1).lower() if found else None


def _escape_prose(text: str, *, table: bool) -> str:
    if not text:
        return text
    text = html.escape(text, quote=False)
    # `>` opening a line is a blockquote marker: give it back to Markdown
    text = _BLOCKQUOTE.sub(lambda m: m.group(1).replace("&gt;", ">"), text)
    text = text.replace("{", "\\{").replace("}", "\\}")
    if table:
        text = re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", text)
    # `<https://…>` autolinks are the one use of `<` Markdown needs: give them back
    text = _AUTOLINK.sub(lambda m: "<" + html.unescape(m.group(1)) + ">", text)
    text = _INLINE_LINK.sub(_check_inline_link, text)
    text = _REFERENCE_DEF.sub(_check_reference, text)
    return text


def _check_inline_link(match: re.Match[str]) -> str:
    target = match.group(2)
    if _scheme(html.unescape(target)) in (None, "http", "https", "mailto"):
        return match.group(0)
    # `]\(` is no link: the text shows as written
    return "]\\(" + match.group(0)[2:]


def _check_reference(match: re.Match[str]) -> str:
    target = match.group(4)
    if _scheme(html.unescape(target)) in (None, "http", "https", "mailto"):
        return match.group(0)
    return match.group(1) + "\\[" + match.group(0)[len(match.group(1)) + 1 :]
