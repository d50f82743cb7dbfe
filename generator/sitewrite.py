"""Writing the site folder: only the files whose bytes changed, into the folder that is there.

MkDocs empties the site folder and writes every file again on every build, and `playbook build`
used to build into a new folder and swap it in. Creating a file is the slow part of writing a
site (measured on this project's machine: 0.9 ms to make a folder and write a page into it,
0.01 ms to read one back, 0.003 ms to `stat` it): at 1,000 roles, 3,139 files took 3 s to write
and 0.7 s to delete again, more than the whole build of a one-role change otherwise costs.

`rewrite` runs a build of the site engine (MkDocs or ProperDocs, in this process) with its
three ways of writing replaced for the length of the build: `utils.write_file` (pages, the
search index, the sitemap), `utils.copy_file` (the theme's and docs' static files) and
`File.copy_file` (files with content in memory: our diagrams and scripts). Each write compares
the new bytes with the file already at that place and touches the file only when they differ;
`utils.clean_directory` (MkDocs' emptying of the folder at the start of each build) only notes
that a build into that folder begins. What the build did not write and was there before (the
page of a removed role) is deleted when the build is done, so the folder ends as a clean build
would leave it: the same files with the same bytes.

Two modes:
- *deferred* (`playbook build` into a folder it made before): changed files are held in memory
  and written only when the build has passed (`Rewrite.apply`), each to a temporary name and
  renamed over the old one, so a web server serving the folder reads an old or a new file, never
  half of one; a failed build (or `--strict` with warnings) leaves the folder as it was.
  Only a folder that carries `targets.MARKER` is rewritten in place; anything else gets a new
  folder swapped in, as before (see `targets.py`).
- *immediate* (`playbook serve`, whose engine builds into its own temporary folder): changed
  files are written at once, and what the build did not write is removed when the plugin's
  last `on_post_build` calls `built`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .targets import MARKER

CLOCK_MARGIN = 0.05
"""Seconds: a file system stamps a file with a clock that may lag a tick behind `time.time()`,
so a file written just after a build began is still seen as written during it."""

_active: Rewrite | None = None


@dataclass
class Rewrite:
    """One build's writes into `folder`: what it wrote, and what is left to write."""

    folder: Path
    deferred: bool
    started: float = field(default_factory=lambda: time.time() - CLOCK_MARGIN)
    written: set[str] = field(default_factory=set)
    """Every path (normalized, as the engine gives it) this build wrote, changed or not."""
    pending: dict[str, bytes] = field(default_factory=dict)
    """Deferred mode: the changed files' new bytes, by path, until `apply`."""

    def start(self, folder: str) -> None:
        """A build begins (the engine would empty `folder` now): it writes into `folder`."""
        if self.deferred and Path(os.path.normpath(folder)) != self.folder:
            raise RuntimeError(f"the site engine builds into {folder}, not into {self.folder}")
        self.folder = Path(os.path.normpath(folder))
        self.written.clear()
        self.started = time.time() - CLOCK_MARGIN

    def write(self, content: bytes, path: str) -> None:
        path = os.path.normpath(path)
        self.written.add(path)
        if _same_bytes(path, content):
            self.pending.pop(path, None)  # an earlier write of the same build said otherwise
            return
        if self.deferred:
            self.pending[path] = content
        else:
            _write(path, content)

    def copy(self, source: str, path: str) -> None:
        path = os.path.normpath(path)
        if os.path.isdir(path):
            path = os.path.join(path, os.path.basename(source))
        with contextlib.suppress(OSError):
            if os.path.samefile(source, path):  # a plugin wrote into the site folder itself
                self.written.add(path)
                return
        with open(source, "rb") as handle:
            self.write(handle.read(), path)

    def built(self) -> None:
        """Immediate mode: the build is done; remove what it did not write."""
        if not self.deferred:
            self._remove_stale()

    def apply(self) -> None:
        """Deferred mode: the build passed; write the changed files, remove what it did not write."""
        for path, content in sorted(self.pending.items()):
            _write(path, content, atomic=True)
        self.pending.clear()
        self._remove_stale()

    def _remove_stale(self) -> None:
        """Delete every file of the folder that this build did not write: neither through the
        engine's writers (`written`) nor directly since it started (a plugin that writes into
        the folder itself). The marker stays; folders left empty go too."""
        top = str(self.folder)
        for dirpath, _dirnames, filenames in os.walk(top, topdown=False):
            for name in filenames:
                path = os.path.join(dirpath, name)
                if path in self.written or (dirpath == top and name == MARKER):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if os.lstat(path).st_mtime >= self.started:
                        continue
                    os.unlink(path)
            if dirpath != top:
                with contextlib.suppress(OSError):
                    os.rmdir(dirpath)  # only succeeds when empty


def _same_bytes(path: str, content: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(content):
            return False
        with open(path, "rb") as handle:
            return handle.read() == content
    except OSError:
        return False


def _write(path: str, content: bytes, *, atomic: bool = False) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not atomic:
        with open(path, "wb") as handle:
            handle.write(content)
        return
    temporary = f"{path}.playbook-{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(content)
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)  # a folder where the new site has a file
    os.replace(temporary, path)


@contextlib.contextmanager
def rewrite(engine: str, folder: Path, *, deferred: bool) -> Iterator[Rewrite]:
    """Run the enclosed build of `engine` with its writers replaced (see the module's docstring)."""
    global _active
    utils = importlib.import_module(f"{engine}.utils")
    files = importlib.import_module(f"{engine}.structure.files")
    state = Rewrite(Path(os.path.normpath(folder)), deferred)

    def file_copy(self: Any, dirty: bool = False) -> None:
        content = self._content
        if content is None:
            state.copy(self.abs_src_path, self.abs_dest_path)
        else:
            state.write(content.encode("utf-8") if isinstance(content, str) else content, self.abs_dest_path)

    replaced: list[tuple[Any, str, Any]] = [
        (utils, "write_file", state.write),
        (utils, "copy_file", state.copy),
        (utils, "clean_directory", state.start),
        (files.File, "copy_file", file_copy),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _new in replaced]
    for owner, name, new in replaced:
        setattr(owner, name, new)
    _active = state
    try:
        yield state
    finally:
        for owner, name, old in saved:
            setattr(owner, name, old)
        _active = None


def built(site_dir: str) -> None:
    """Called by the playbook plugin when a build is done (its last `on_post_build`)."""
    if _active is not None and _active.folder == Path(os.path.normpath(site_dir)):
        _active.built()
