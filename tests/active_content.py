"""A check over built HTML: nothing in a page may run code or point at a non-allowed scheme.

`page_problems(html)` parses one page with `html.parser` and names every
- event-handler attribute (`on…`), on any element, SVG included;
- `href`, `src`, `xlink:href`, `action`, `formaction` (and the other URL attributes) whose
  scheme is not http, https or mailto (relative URLs and `#fragments` are our own pages);
- `<script>` that is not Material's: a `src` must be a relative path to a `.js` file of the
  site itself (the theme's bundle, our vendored assets), an inline script must be one of the
  theme's own (the same text as on a page with no YAML in it, `404.html`);
- element that embeds or restyles another document: `iframe`, `frame`, `object`, `embed`,
  `base`, `meta http-equiv=refresh` (except a redirect page's refresh to a relative URL of
  the site itself, as `redirects.page_html` writes it; a form's `action` is a URL attribute like the others), and `<style>` outside our diagrams' SVG.

`site_problems(site)` runs it over every page of a built site; `markdown_problems(text)`
renders exported Markdown with Python-Markdown (the extensions the hostile builds use) and
runs the same check on the result, after refusing any reference definition or inline link
whose destination has a non-allowed scheme, whatever another Markdown dialect would make of it.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import markdown

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "xlink:href", "action", "formaction", "poster", "data", "cite", "background",
     "ping", "manifest", "codebase", "srcset", "lowsrc", "dynsrc", "longdesc"}
)
EMBEDDING = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_BASE_URL = re.compile(r'new URL\("[^"]*",location\)')


def scheme(url: str) -> str | None:
    """The scheme a browser would see: leading/trailing controls and spaces and every tab or
    newline inside are dropped first (the URL standard), case ignored."""
    cleaned = url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14"
                        "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    found = _SCHEME.match(cleaned)
    return found.group(1).lower() if found else None


def allowed_url(url: str) -> bool:
    return scheme(url) in (None, *ALLOWED_SCHEMES)



_OWN_REFRESH = re.compile(r"0; url=(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?![/\\])[^\s\\]+")


def own_redirect(values: dict[str, str | None]) -> bool:
    """A refresh at once to a relative URL inside the site (no scheme, no host, not from the root)."""
    return bool(_OWN_REFRESH.fullmatch(values.get("content") or ""))

class _Checker(html.parser.HTMLParser):
    def __init__(self, known_scripts: frozenset[str], site: Path | None, page: Path | None) -> None:
        super().__init__(convert_charrefs=True)
        self.known_scripts = known_scripts
        self.site = site
        self.page = page
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>: an event handler")
            if name in URL_ATTRIBUTES and value is not None:
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                for url in urls:
                    if not allowed_url(url):
                        self.found.append(f"<{tag} {name}={value!r}>: scheme {scheme(url)!r}")
        if tag in EMBEDDING:
            self.found.append(f"<{tag}>: embeds another document")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh" and not own_redirect(values):
            self.found.append("<meta http-equiv=refresh>")
        if tag == "svg":
            self._svg += 1
        if tag == "style" and not self._svg:
            self.found.append("<style> outside a diagram")
        if tag == "script":
            src = values.get("src")
            if src is not None:
                self._check_script_file(src)
            elif (values.get("type") or "").lower() != "application/json":
                self._script = []
            # a JSON data block is not run; what it holds is checked as text below

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self._svg -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg:
            self._svg -= 1
        if tag == "script" and self._script is not None:
            text = _BASE_URL.sub('new URL(BASE,location)', "".join(self._script).strip())
            self.scripts.append(text)
            if self.known_scripts and text not in self.known_scripts:
                self.found.append(f"inline script not from the theme: {text[:120]!r}")
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def _check_script_file(self, src: str) -> None:
        path = src.split("?")[0]
        if scheme(src) is not None or src.startswith(("//", "\\")) or not path.endswith(".js"):
            self.found.append(f"<script src={src!r}>: not one of the site's own files")
            return
        if self.site is not None and self.page is not None:
            # `/assets/…` (404.html, from site_url) is taken from the site's root
            start = self.site if path.startswith("/") else self.page.parent
            target = (start / path.lstrip("/")).resolve()
            if not target.is_file() or not target.is_relative_to(self.site.resolve()):
                self.found.append(f"<script src={src!r}>: not one of the site's own files")


def page_problems(
    text: str, known_scripts: frozenset[str] = frozenset(), *, site: Path | None = None, page: Path | None = None
) -> list[str]:
    """Every piece of active content in one HTML page or fragment (see the module docstring)."""
    checker = _Checker(known_scripts, site, page)
    checker.feed(text)
    checker.close()
    if not known_scripts and checker.scripts:
        checker.found.extend(f"inline script: {s[:120]!r}" for s in checker.scripts)
    return checker.found


def theme_scripts(page: Path) -> frozenset[str]:
    """The inline scripts of a page that holds nothing from YAML (Material's own)."""
    checker = _Checker(frozenset(), None, None)
    checker.feed(page.read_text(encoding="utf-8"))
    checker.close()
    return frozenset(checker.scripts)


def site_problems(site: Path) -> dict[str, list[str]]:
    """`page_problems` for every HTML page of a built site, by path; pages without any are left out."""
    reference = site / "404.html" if (site / "404.html").exists() else site / "index.html"
    known = theme_scripts(reference)
    problems: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        found = page_problems(page.read_text(encoding="utf-8"), known, site=site, page=page)
        if found:
            problems[page.relative_to(site).as_posix()] = found
    return problems


# Markdown: a destination with a scheme, in an inline link or image, or a reference definition
# (anywhere on a line: inside a quote, a list item or an indented block it still counts in
# some dialect), the destination possibly on the next line.
_UNESCAPED = r"(?:^|(?<=[^\\]))(?:\\\\)*"  # a bracket no backslash escapes
_MD_INLINE = re.compile(_UNESCAPED + r"\]\(\s*<?([^\s)>]*)")
_MD_REFERENCE = re.compile(_UNESCAPED + r"\[(?:[^\[\]\\]|\\.)+\]:[ \t]*(?:\r?\n[ \t>]*)?<?([^\s>]*)")
_MD_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>]*)>")
EXTENSIONS = ["toc", "tables", "admonition", "attr_list", "md_in_html"]


def markdown_problems(text: str) -> list[str]:
    """Live links with a non-allowed scheme in Markdown meant for other generators."""
    found: list[str] = []
    for pattern, what in ((_MD_INLINE, "inline link"), (_MD_REFERENCE, "reference definition"),
                          (_MD_AUTOLINK, "autolink")):
        for match in pattern.finditer(text):
            if not allowed_url(match.group(1)):
                found.append(f"{what} to {match.group(1)!r}: {match.group(0)[:80]!r}")
    rendered = markdown.markdown(text, extensions=EXTENSIONS)
    found.extend(page_problems(rendered))
    return found
