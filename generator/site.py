"""A playbook folder -> every generated file, as `{relative path: Markdown or SVG text}`.

This is the one function both front doors call: the mkdocs plugin adds the files to the
site in memory, `playbook export DIR` writes them to a folder for any other static site
generator. Nothing here imports mkdocs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .labels import Labels, get_labels
from .pages import SECTIONS, Page, diagram_path, render_pages
from .project import Result, validate


@dataclass(frozen=True)
class Output:
    """What `generate` made of a playbook folder."""

    result: Result
    """The validation result: the playbook and every problem found."""
    pages: dict[str, Page] = field(default_factory=dict)
    """Every generated page by path; empty when the playbook has errors."""
    svgs: dict[str, str] = field(default_factory=dict)
    """Standalone SVG diagrams by path (`diagrams/role/<id>.svg`)."""
    language: str = "en"

    @property
    def files(self) -> dict[str, str]:
        """Every generated file: relative path -> Markdown or SVG text, in path order."""
        merged = {path: page.markdown for path, page in self.pages.items()}
        merged.update(self.svgs)
        return dict(sorted(merged.items()))

    @property
    def sources(self) -> dict[str, str]:
        """Page path -> the YAML file behind it (relative to the project folder), for edit links."""
        return {path: page.source for path, page in self.pages.items() if page.source}

    def navigation(self, labels: Labels | None = None) -> list[dict[str, object]]:
        """The index pages, grouped for a navigation: `[{title: [path, {title: path}, …]}]`."""
        labels = labels or get_labels(self.language)
        groups: list[dict[str, object]] = []
        for group, names in SECTIONS.items():
            entries: list[object] = []
            for name in names:
                path = f"{name}/index.md"
                if path not in self.pages:
                    continue
                # the first page of a group is its overview: Material shows it as the section's page
                entries.append(path if not entries else {self.pages[path].title: path})
            if entries:
                groups.append({labels(f"nav_{group}"): entries})
        return groups


def generate(
    root: Path,
    *,
    language: str = "en",
    engine: str = "auto",
    cache_dir: Path | None = None,
    diagrams: bool = True,
    directory_urls: bool = True,
) -> Output:
    """Validate the playbook under `root` and, if it has no errors, generate every page.

    `engine` and `cache_dir` go to the diagram renderer; `diagrams=False` leaves the
    diagrams out (pages then have none), which is what tests and quick previews want.
    `directory_urls` says how the site will address pages (`roles/x/` or `roles/x.html`):
    links inside the diagrams' HTML are not rewritten by MkDocs, so they must be right.
    """
    result = validate(root)
    labels = get_labels(language)
    if result.errors:
        return Output(result, language=labels.language)
    rendered = (
        render_diagrams(result, labels, engine=engine, cache_dir=cache_dir, directory_urls=directory_urls)
        if diagrams
        else {}
    )
    svgs = {diagram_path(key): svg for key, (_inline, svg) in sorted(rendered.items()) if svg}
    pages = render_pages(
        result.playbook,
        labels,
        diagram=lambda key: rendered[key][0] if key in rendered else "",
    )
    return Output(result, pages, svgs, labels.language)


def render_diagrams(
    result: Result, labels: Labels, *, engine: str, cache_dir: Path | None, directory_urls: bool = True
) -> dict[str, tuple[str, str]]:
    """Key -> (inline HTML, standalone SVG) for every diagram, or {} while there is no renderer."""
    try:
        from .render import render_site_diagrams
    except ImportError as exc:
        if exc.name != f"{__package__}.render":
            raise  # the renderer exists but is broken: that is a bug to see, not to hide
        return {}
    return render_site_diagrams(
        result.playbook, labels, engine=engine, cache_dir=cache_dir, directory_urls=directory_urls
    )


def source_stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under org/ and playbook/ with its modification time and size.

    Two equal stamps mean the YAML has not changed, so the last output can be reused.
    """
    stamp: list[tuple[str, int, int]] = []
    for top in ("org", "playbook"):
        for dirpath, dirnames, filenames in os.walk(root / top):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                try:
                    stat = full.stat()
                except OSError:
                    continue
                stamp.append((full.relative_to(root).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(stamp)
