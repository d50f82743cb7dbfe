"""Escaping at the boundary: one escaper per target, and the allowlist that decides what a page may hold.

Every string from YAML enters Markdown, HTML, DOT or a GitHub workflow command through this
module, and the HTML of every generated page passes `sanitize_html` before it is published.

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
- `html_text` is for text inside HTML we write ourselves (the share bars), and for attribute
  values: it escapes quotes too.
- `sanitize_html` is the last word on a generated page's content: an allowlist of elements,
  attributes and URL schemes (http, https, mailto and relative links to our own pages),
  applied by nh3 (Ammonia) on the HTML Markdown produced. The escapers above keep YAML text
  from becoming markup; `sanitize_html` makes sure that, whatever they miss, no script, event
  handler, embedded document or `javascript:`/`data:` link reaches a reader.
- `url_path` percent-encodes a file path that goes into a URL (edit links).
- `dot_text` and `html_label` are for Graphviz: a plain DOT attribute (tooltip) and text
  inside an HTML-like label; `own_page_path` is the only URL a diagram may link to.
- `github_data` and `github_property` are for GitHub workflow commands (`::error file=…::…`).
- `yaml_text` is for a value `playbook new` writes into a YAML file (a title someone typed).

Code spans and fenced code blocks are turned into HTML here (`<code>`, `<pre><code>`) with
their content escaped once, so Markdown never sees a backtick of ours: whatever Markdown would
make of an odd pairing of backticks, no text escapes the escaping.

Reference definitions are never made from YAML text: every `]:` is written `]&#58;`, which
reads the same but defines nothing, in Python-Markdown and in CommonMark, wherever it stands
(a quote, a list item, an admonition, the destination on the next line). An inline link or
image keeps working only when its destination is allowed.

The Markdown escapers return `Md`, a `str` (`Markup`) subclass that marks text as ready for Markdown; the page
templates refuse to print a plain `str` (see `pages.py`), so nothing is printed unescaped and
nothing is escaped twice.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import graphviz
import nh3
from markupsafe import Markup

__all__ = [
    "ALLOWED_SCHEMES",
    "Md",
    "allowed_url",
    "dot_text",
    "github_data",
    "github_property",
    "html_label",
    "html_text",
    "md_block",
    "md_inline",
    "md_text",
    "md_url",
    "own_page_path",
    "sanitize_html",
    "url_path",
]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes a link from YAML may have; relative URLs (our own pages, `#anchors`) are allowed too."""


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
    # `~~` strikes text through on GitHub (the job summary); Python-Markdown shows `\~` as written
    text = text.replace("~", "&#126;")
    # a leading `-`, `+` or `1.` would start a list where the text begins a line
    text = _LINE_START_MARKER.sub(lambda m: "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1) + "\\", text)
    return Md(text)


def html_text(value: object) -> Md:
    """Plain text inside HTML that we write ourselves (attribute values included).

    `[` and `]` are written as character references too: they read the same, and no Markdown
    dialect that looks into HTML blocks can find a link in them."""
    text = html.escape(" ".join(str(value).split()), quote=True)
    return Md(text.replace("[", "&#91;").replace("]", "&#93;"))


def allowed_url(url: str) -> bool:
    """Whether a link may point there: http, https, mailto or a relative URL (no scheme)."""
    return _scheme(url) in (None, *ALLOWED_SCHEMES)


def md_url(url: str) -> Md:
    """A link destination: only http(s), mailto and relative paths; anything else is dropped."""
    url = url.strip()
    if not allowed_url(url):
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
_AUTOLINK = re.compile(r"&lt;((?:https?://|mailto:)(?:(?!&lt;|&gt;)[^\s\"'`<>])+)&gt;")


def _scheme(url: str) -> str | None:
    # browsers drop controls and spaces around a URL, tabs and newlines inside it, and ignore
    # case: so do we, before judging
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
    # no reference definition from YAML, wherever Markdown might look for one
    return text.replace("]:", "]&#58;")


def _check_inline_link(match: re.Match[str]) -> str:
    target = match.group(2)
    if allowed_url(html.unescape(target)):
        return match.group(0)
    # `]&#40;` is no link in any Markdown: the text shows as written
    return "]&#40;" + match.group(0)[2:]


# --- HTML: the allowlist over a generated page's content ------------------------------------

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
})
"""What Python-Markdown, its standard extensions, Material's Markdown and our templates write."""
_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "role", "aria-label", "aria-labelledby",
          "aria-describedby", "aria-hidden", "tabindex"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "span": {"style", "data-search-exclude"},  # Material's search skips it: lines nobody searches for
    "div": {"data-key", "data-search-exclude"},
    "details": {"open"},
}
"""Attributes per element; no `on…` handler, no `style` that could cover the page (see below)."""
_STYLE_PROPERTIES = frozenset({"text-align", "width"})
"""The only CSS a generated page sets inline: table column alignment and the share bars' widths."""


def _clean(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(ALLOWED_SCHEMES),
        filter_style_properties=set(_STYLE_PROPERTIES),
    )


def sanitize_html(fragment: str) -> str:
    """The HTML of a generated page's content, with everything outside the allowlist removed.

    nh3 (Ammonia, on html5ever, the HTML parser of the standard that browsers follow) parses
    the fragment and keeps only allowed elements and attributes, links with an allowed scheme
    or none, and `text-align`/`width` in a `style`; `<script>` and `<style>` go with their text.

    The result is what the page publishes, but written as our Markdown wrote it: when the
    input is in plain form (every attribute quoted, no comments, nothing a browser would
    read another way, see `_tokens`) and is the same document as the cleaned HTML, token for
    token (elements, attributes and their decoded values, text), the input's own bytes are
    returned, so a page with nothing to remove stays byte-identical (`&para;` stays `&para;`,
    `<br />` stays `<br />`). As soon as anything differs, the cleaned HTML is returned.
    """
    cleaned = _clean(fragment)
    if cleaned == fragment:
        return fragment
    ours = _tokens(fragment)
    if ours is not None and ours == _tokens(cleaned):
        return fragment
    return cleaned


_TOKEN = re.compile(
    r"""([^<]+)
    |<([a-zA-Z][a-zA-Z0-9-]*)((?:[ \t\n]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=(?:"[^"]*"|'[^']*'))?)*)[ \t\n]*(/?)>
    |</([a-zA-Z][a-zA-Z0-9-]*)>
    |([\s\S])""",
    re.VERBOSE,
)
"""Text, a start tag (name, attributes, `/`), an end tag, or anything else (not the plain form)."""
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=(?:"([^"]*)"|'([^']*)'))?""")


def _tokens(fragment: str) -> list[object] | None:
    """The fragment as tokens (start tags with their decoded attributes, end tags, decoded
    text), or None when it is not written in the plain, unambiguous form our Markdown and nh3
    both write: every attribute value quoted, no comment, no `<!…>`, no stray `<`. Whatever is
    not in that form is never kept as it is (see `sanitize_html`)."""
    tokens: list[object] = []
    unescape = html.unescape
    for text, tag, attrs, slash, end, _other in _TOKEN.findall(fragment):
        if text:
            tokens.append(unescape(text))  # never two texts in a row: `[^<]+` takes all
        elif tag:
            tag = tag.lower()
            if slash and tag not in _VOID:
                return None  # `<div/>` opens a div in HTML: not the plain form
            tokens.append(("<", tag, tuple(
                (name.lower(), _attribute_value(name.lower(), double, single))
                for name, double, single in _ATTRIBUTE.findall(attrs)
            ) if attrs else ()))
        elif end:
            tokens.append(("</", end.lower()))
        else:
            return None
    return tokens


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


def _attribute_value(name: str, double: str, single: str) -> str:
    # `open` and `open=""` are the same attribute; nh3 writes the second
    value = html.unescape(double or single)
    # nh3 writes `style="width:10%"` for `style="width: 10%;"`
    if name == "style":
        return re.sub(r"\s*([:;])\s*", r"\1", value.strip()).rstrip(";")
    return value


# --- URLs -----------------------------------------------------------------------------------

_OWN_PAGE = re.compile(r"[a-z0-9-]+(/[a-z0-9-]+)*/")


def url_path(path: str) -> str:
    """A file path for a URL (an edit link): every character but letters, digits, `/` and
    `-._~` percent-encoded, so a folder name can never end an HTML attribute or add a query."""
    return quote(path, safe="/")


def url_text(url: str) -> str:
    """A whole URL (an edit link) with what it must not carry as it is percent-encoded:
    quotes, spaces, `<`, `>`, controls; its scheme, separators and `%` escapes are kept."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def own_page_path(path: str) -> str:
    """A diagram link target: one of our own page paths (`roles/x/`), or ValueError.

    Graphviz copies `URL`/`href` values into the SVG as they are (Debian's 2.43 does not even
    escape `"`), so nothing but a path of ids may go there."""
    if not _OWN_PAGE.fullmatch(path):
        raise ValueError(f"not one of our page paths: {path!r}")
    return path


# --- Graphviz -------------------------------------------------------------------------------

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (and C1 controls): YAML's escapes can produce them; the SVG
Graphviz writes would not parse."""


def html_label(text: object) -> str:
    """Text inside a Graphviz HTML-like label (`<TD>…</TD>`, `TITLE="…"`): one line, XML-safe,
    `<`, `>`, `&` and quotes escaped, so no text can open a tag of the label language."""
    return html.escape(" ".join(_XML_UNSAFE.sub("", str(text)).split()), quote=True)


def svg_in_markdown(svg: str) -> str:
    """An inline SVG that sits in a Markdown page: its square brackets (there only in text
    drawn from YAML) become character references, which read the same in SVG and HTML, so
    that no Markdown dialect can find a link or a reference definition in a figure."""
    return svg.replace("[", "&#91;").replace("]", "&#93;")


def dot_text(text: object) -> str:
    """Text for a plain DOT attribute value (`tooltip`, `label` of a plain node): one line,
    XML-safe, backslashes doubled (DOT's escapes such as `\\N` or `\\l` stay literal) and marked
    as not HTML (`graphviz.nohtml`), so `<…>` is never read as an HTML-like label. The graphviz
    package quotes the value and escapes `"` when it writes the DOT text."""
    line = " ".join(_XML_UNSAFE.sub("", str(text)).split())
    escaped: str = graphviz.escape(line)  # a str subclass the graphviz package knows: keep it
    return escaped


# --- GitHub workflow commands ---------------------------------------------------------------


def github_data(text: str) -> str:
    """The message of a workflow command (`::error …::<message>`): `%`, CR and LF encoded, as
    GitHub's toolkit does, so a message can neither end the command nor start another one."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value of a workflow command (`file=`, `title=`): also `:` and `,` encoded."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# --- YAML that we write -------------------------------------------------------------------------


def yaml_text(value: str) -> str:
    """One line of text as a YAML value that reads back as exactly that text: plain when YAML
    reads it so (`Care team`), else double-quoted (`"Care: fast"`, `"#1 shop"`, `"yes"`).
    A JSON string is a valid YAML double-quoted scalar, control characters escaped."""
    import json

    import yaml

    text = " ".join(value.split())
    try:
        plain = yaml.safe_load(f"k: {text}") == {"k": text} and " #" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def toml_string(value: str) -> str:
    """A TOML basic string that reads back as `value`: a JSON string is one, once DEL (which
    JSON leaves as it is and TOML refuses) is escaped too (`playbook export --for zensical`)."""
    import json

    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


# --- calendar files: iCalendar text and spreadsheet cells -----------------------------------


def ics_text(text: object) -> str:
    """A TEXT value of iCalendar (RFC 5545, 3.3.11): backslash, semicolon, comma and line breaks
    escaped, so a title can neither end its property nor start another one."""
    value = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def csv_cell(text: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula (`=`, `+`, `-`,
    `@`, a tab or a carriage return) gets a leading apostrophe (OWASP's advice for CSV
    injection). Quoting is the csv module's job."""
    value = str(text)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
