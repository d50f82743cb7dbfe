"""A playbook folder -> every generated file, as `{relative path: Markdown or SVG text}`.

This is the one function both front doors call: the mkdocs plugin adds the files to the
site in memory, `playbook export DIR` writes them to a folder for any other static site
generator. Nothing here imports mkdocs.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .diagrams.common import ORG_CHART_LIMIT
from .exports import ics
from .facts import Facts
from .heap import collector_paused
from .incremental import generate_site
from .labels import Labels, get_labels
from .pages import SECTIONS, Page, diagram_path, fill_slots, render_pages
from .plan import ICS_PATH, calendar_page, week_of
from .plan import PAGE_PATH as CALENDAR_PATH
from .project import Result, validate
from .reference import PAGE_PATH as REFERENCE_PATH
from .reference import reference_markdown
from .review import Missing, reviews


@dataclass(frozen=True)
class Output:
    """What `generate` made of a playbook folder."""

    result: Result
    """The validation result: the playbook and every problem found."""
    pages: dict[str, Page] = field(default_factory=dict)
    """Every generated page by path; empty when the playbook has errors."""
    svgs: dict[str, str] = field(default_factory=dict)
    """Standalone SVG diagrams by path (`diagrams/role/<id>.svg`), links relative to the file."""
    language: str = "en"
    downloads: dict[str, str] = field(default_factory=dict)
    """Other generated files by path: the calendar to subscribe to (`calendar/playbook.ics`)."""
    figures: dict[str, str] = field(default_factory=dict)
    """Diagram key -> the HTML figure for its page, links relative to the page's Markdown file.
    Pages hold a placeholder for it (`pages.diagram_slot`); the writer puts it in."""
    notes: tuple[str, ...] = ()
    """What the build left out on purpose and why (the full org chart of a very large
    organization), for the writer to say once."""

    @property
    def files(self) -> dict[str, str]:
        """Every generated file: relative path -> Markdown (with diagram placeholders) or SVG
        text, in path order."""
        merged = {path: page.markdown for path, page in self.pages.items()}
        merged.update(self.svgs)
        merged.update(self.downloads)
        return dict(sorted(merged.items()))

    def exported(self) -> dict[str, str]:
        """`files` with the figures in place of their placeholders, for another site generator:
        every link stays relative to its file and names the `.md` page or the `.svg` file."""
        merged = dict(self.files)
        for path, page in self.pages.items():
            if page.diagrams:
                merged[path] = fill_slots(page.markdown, page.diagrams, self.figures.__getitem__)
        return merged

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
    cache: Cache | None = None,
    today: datetime.date | None = None,
    changed: Mapping[str, datetime.date | Missing] | None = None,
) -> Output:
    """Validate the playbook under `root` and, if it has no errors, generate every page.

    `engine` and `cache_dir` go to the diagram renderer; `diagrams=False` leaves the
    diagrams out (pages then have none), which is what tests and quick previews want.
    `cache` is the build's or the `serve` session's (see `cache.Cache`): with it, an
    unchanged project gives the last output again, and a changed one re-reads only the
    files and redraws only the diagrams that changed.
    `today` (see `review.today`) adds the content calendar of that day's week and month;
    with `changed` (`review.history`, the git day of each file) too, each entity's page shows
    its review standing, measured against that day.
    """
    with collector_paused():
        return _generate_cached(root, language, engine, cache_dir, diagrams, cache, Dates(today, changed))


def _generate_cached(
    root: Path, language: str, engine: str, cache_dir: Path | None, diagrams: bool, cache: Cache | None, dates: Dates
) -> Output:
    if cache is None:
        return _generate(root, language, engine, cache_dir, diagrams, None, dates)
    key = (str(root), source_stamp(root), language, engine, str(cache_dir), diagrams, dates.key())
    return cache.output(
        key,
        lambda: _generate(root, language, engine, cache_dir, diagrams, cache, dates),
        keep=lambda output: not output.result.errors,
    )


@dataclass(frozen=True)
class Dates:
    """The day a build measures reviews against, and the files' git days."""

    today: datetime.date | None = None
    changed: Mapping[str, datetime.date | Missing] | None = None

    def key(self) -> object:
        return (self.today, tuple(sorted(self.changed.items())) if self.changed is not None else None)


def _generate(
    root: Path, language: str, engine: str, cache_dir: Path | None, diagrams: bool, cache: Cache | None,
    dates: Dates = Dates(),
) -> Output:
    result = validate(root, cache)
    labels = get_labels(language)
    if result.errors:
        return Output(result, language=labels.language)
    standing = reviews(result.playbook, dates.today, dates.changed) if dates.today and dates.changed is not None else None
    downloads: dict[str, str] = {}
    if cache is not None and cache.incremental:
        made = generate_site(result.playbook, labels, cache=cache, engine=engine, cache_dir=cache_dir,
                             diagrams=diagrams, reviews=standing, digests=result.sources.digests, dates=dates.key(),
                             today=dates.today, references=result.sources.references)
        pages, svgs, figures, downloads = made.pages, made.svgs, made.figures, made.downloads
        pages.update(made.extra)
    else:
        facts = Facts(result.playbook, result.sources.references)
        rendered = (
            render_diagrams(result, labels, engine=engine, cache_dir=cache_dir, facts=facts, cache=cache)
            if diagrams
            else {}
        )
        svgs = {diagram_path(key): svg for key, (_figure, svg) in sorted(rendered.items())}
        figures = {key: figure for key, (figure, _svg) in rendered.items()}
        pages = render_pages(
            result.playbook, labels, diagrams=figures.keys(), facts=facts, cache=cache, reviews=standing
        )
        if dates.today is not None:
            pages[CALENDAR_PATH] = calendar_page(result.playbook, labels, dates.today, cache)
            downloads[ICS_PATH] = ics(result.playbook, labels, week_of(dates.today), None, dates.today)
        pages[REFERENCE_PATH] = Page(REFERENCE_PATH, labels("format_reference"), reference_markdown(labels("format_reference")))
    notes: tuple[str, ...] = ()
    if diagrams and len(result.playbook.roles) > ORG_CHART_LIMIT:
        notes = (f"the full org chart is left out: {len(result.playbook.roles)} roles are more than the "
                 f"{ORG_CHART_LIMIT} it is drawn for; the organization page shows the departments overview instead",)
    return Output(result, pages, svgs, labels.language, figures=figures, downloads=downloads, notes=notes)


def render_diagrams(
    result: Result,
    labels: Labels,
    *,
    engine: str,
    cache_dir: Path | None,
    facts: Facts | None = None,
    cache: Cache | None = None,
) -> dict[str, tuple[str, str]]:
    """Key -> (HTML figure, standalone SVG) for every diagram (see `diagrams.render`)."""
    from .diagrams.render import render_site_diagrams

    return render_site_diagrams(
        result.playbook, labels, engine=engine, cache_dir=cache_dir, facts=facts, cache=cache
    )


def source_stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under org/ and playbook/ with its modification time and size.

    Two equal stamps mean the YAML has not changed, so the last output can be reused.
    """
    stamp: list[tuple[str, int, int]] = []
    for top in ("org", "playbook"):
        for dirpath, dirnames, filenames in os.walk(root / top):
            dirnames.sort()
            here = Path(os.path.relpath(dirpath, root)).as_posix()  # once per folder: 5,000 files at 3,000 roles
            for name in sorted(filenames):
                try:
                    stat = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                stamp.append((f"{here}/{name}", stat.st_mtime_ns, stat.st_size))
    return tuple(stamp)
