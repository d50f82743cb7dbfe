"""`redirects.yml`: old page addresses that keep working after an entity got a new id.

`playbook rename` writes one line per renamed entity into `redirects.yml` beside
`mkdocs.yml`:

    redirects:
      departments/care.md: departments/customer-care.md

Both sides are generated pages' paths (`<kind folder>/<id>.md`). The playbook plugin
writes a small page at the old page's address that sends the reader on to the new one
(`page_html`): a `<meta http-equiv="refresh">` to a relative URL of our own site, a
visible link, no script. `validate` checks the file like the playbook's YAML: a redirect
must lead to a page that exists, and an old address that is a page again is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Location, Problem, Problems
from .escape import html_text, url_path
from .model import FILE_KINDS, ID_PATTERN, PLURALS, Playbook
from .yamlread import Document, read_bytes

FILE = "redirects.yml"
"""Where the redirects are declared, relative to the project folder (the folder of mkdocs.yml)."""

HEADER = (
    "# Old page addresses that keep working after `playbook rename`: each old page (left)\n"
    "# sends its readers on to the page that replaced it (right). Written by playbook rename\n"
    "# and playbook remove --to; the playbook plugin makes a redirect page for each line.\n"
    "redirects:\n"
)

_KIND_OF_PLURAL = {PLURALS[kind]: kind for kind in FILE_KINDS}
_PAGE = re.compile(rf"({'|'.join(map(re.escape, _KIND_OF_PLURAL))})/({ID_PATTERN.removeprefix('^').removesuffix('$')})\.md")


def page_of(kind: str, entity_id: str) -> str:
    """The generated page of an entity, as a redirect names it."""
    return f"{PLURALS[kind]}/{entity_id}.md"


def entity_of(page: str) -> tuple[str, str] | None:
    """(kind, id) of a generated page's path, or None when it names none."""
    found = _PAGE.fullmatch(page)
    return (_KIND_OF_PLURAL[found.group(1)], found.group(2)) if found else None


@dataclass
class Redirects:
    """The redirects of a project, and the document they were read from (for editing in place)."""

    pages: dict[str, str] = field(default_factory=dict)
    """Old page -> new page."""
    document: Document | None = None
    raw: bytes | None = None
    """The file's bytes, None when there is no file."""


def read(root: Path) -> tuple[Redirects, list[Problem]]:
    """The project's redirects, and every problem with the file."""
    path = root / FILE
    if not path.is_file():
        return Redirects(), []
    return parse(path.read_bytes())


def parse(raw: bytes) -> tuple[Redirects, list[Problem]]:
    """The redirects in the bytes of a `redirects.yml`, and every problem with them."""
    document, problems = read_bytes(raw, FILE)
    found = Redirects(document=document, raw=raw)
    if document is None:
        return found, problems
    data = document.data
    if data is None:
        return found, []
    if not isinstance(data, dict) or any(key != "redirects" for key in data):
        return found, [Problem(Location(FILE), "the file holds one key, 'redirects', a list of 'old page: new page' lines", "redirect")]
    entries = data.get("redirects") or {}
    if not isinstance(entries, dict):
        return found, [Problem(document.at(("redirects",)), "'redirects' holds 'old page: new page' lines", "redirect")]
    for old, new in entries.items():
        if not isinstance(new, str) or entity_of(old) is None or entity_of(new) is None:
            problems.append(Problem(
                document.at(("redirects", old)),
                f"'{old}: {new}' is not a redirect between two pages; write it as "
                "'departments/old-id.md: departments/new-id.md'",
                "redirect",
            ))
            continue
        found.pages[old] = new
    return found, problems


def check(root: Path, playbook: Playbook) -> Problems:
    """The problems of `redirects.yml`: its form, redirects to no page, old addresses that are pages again."""
    redirects, found = read(root)
    problems = Problems(list(found))
    document = redirects.document
    for old, new in redirects.pages.items():
        assert document is not None
        old_kind, old_id = entity_of(old) or ("", "")
        new_kind, new_id = entity_of(new) or ("", "")
        if playbook.of_kind(old_kind).get(old_id) is not None:
            problems.add(document.at(("redirects", old), key=True),
                         f"'{old}' is a page again; remove this redirect", "redirect")
        elif playbook.of_kind(new_kind).get(new_id) is None:
            problems.add(document.at(("redirects", old)),
                         f"'{old}' redirects to '{new}', but there is no {new_kind} '{new_id}'; "
                         "name a page that exists or remove the line", "redirect")
    return problems


def page_html(relative_url: str, moved: str, language: str) -> str:
    """The page at an old address: a refresh to the new page's URL (relative, of this site),
    and the same link for a reader whose browser does not follow it. No script."""
    url = html_text(url_path(relative_url))
    return (
        f'<!doctype html>\n<html lang="{html_text(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html_text(moved)}</title>\n"
        f'<meta name="robots" content="noindex">\n<link rel="canonical" href="{url}">\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n</head>\n'
        f'<body>\n<p><a href="{url}">{html_text(moved)}</a></p>\n</body>\n</html>\n'
    )
