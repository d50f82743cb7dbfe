"""The one cache of a build, or of a whole `mkdocs serve` session: made by its owner, passed in.

Nothing in the generator keeps state between calls on its own. Whoever runs builds makes a
`Cache` and hands it to `site.generate` (which hands it on to the loader, the pages and the
diagram renderer); the mkdocs plugin keeps one for the life of its instance, so a `serve`
rebuild re-reads only the YAML files that changed and redraws only the diagrams whose DOT
text changed. A call without a cache does all the work and keeps nothing.

With a `folder` (the plugin's `cache_dir`), the last whole output is also kept on disk, so
that the next `playbook build` of an unchanged project (same files by size and modification
time, same options, same day and git days, same version of our code) reads it back instead
of generating again. Only the last one is kept, with what `incremental` recorded while making
it, so that the next build of a changed project makes only what the change touched. It is a pickle: the folder is the project's
own, written by this code, and as trusted as the code itself.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import jinja2

    from .engine import Engine

T = TypeVar("T")

SVG_MEMORY_LIMIT = 200_000_000
"""Characters of SVG kept in memory; the least recently used go first."""


class Cache:
    """Parsed files by stamp, SVG by cache key, the last figures made of them, the Jinja
    environment, the Graphviz engine found, and the last output of a build."""

    def __init__(self, svg_limit: int = SVG_MEMORY_LIMIT) -> None:
        self.svg_limit = svg_limit
        """Characters of SVG kept at most; the least recently used go first."""
        self._files: dict[Path, tuple[Hashable, Any]] = {}
        self._svgs: dict[str, str] = {}
        self._svg_size = 0
        self._environment: jinja2.Environment | None = None
        self._engines: dict[str, Engine] = {}
        self._figures: dict[Hashable, Any] = {}
        self._last: tuple[Hashable, Any] | None = None
        self.folder: Path | None = None
        """Where the last output is kept between processes; None keeps it in memory only."""
        self.write_output = True
        """Whether a new output is written to `folder` (a `serve` session keeps it in memory:
        pickling it on every save would cost the preview time)."""
        self.incremental = True
        """Whether pages and diagrams are made again only where an edit touched them
        (`incremental`) and templates' bytecode is kept in `folder`; off, every run makes
        all (what benchmarks compare with)."""
        self.generation: Any = None
        """The last run's `incremental.State`: what each page and diagram read, and made."""
        self.counts: Any = None
        """The last run's `incremental.Counts`: how many pages and diagrams it made again."""

    # -- files

    def file(self, path: Path, stamp: Hashable, read: Callable[[], T]) -> T:
        """What `read()` made of the file at `path`, read again only when its stamp
        (modification time and size) changes."""
        found = self._files.get(path)
        if found is not None and found[0] == stamp:
            return found[1]  # type: ignore[no-any-return]
        value = read()
        self._files[path] = (stamp, value)
        return value

    def kept_file(self, path: Path, stamp: Hashable) -> Any:
        """What `file` keeps for `path` if it was read at this stamp, else None (nothing read)."""
        found = self._files.get(path)
        return found[1] if found is not None and found[0] == stamp else None

    # -- diagrams

    def svg(self, key: str) -> str | None:
        """The SVG drawn for a cache key (see `diagrams.render.cache_key`), if kept."""
        svg = self._svgs.pop(key, None)
        if svg is not None:
            self._svgs[key] = svg  # most recently used last
        return svg

    def keep_svgs(self, svgs: Mapping[str, str]) -> None:
        """Keep these SVGs as the most recently used, within `svg_limit` characters."""
        for key, svg in svgs.items():
            old = self._svgs.pop(key, None)
            self._svg_size += len(svg) - (len(old) if old is not None else 0)
            self._svgs[key] = svg
        for key in list(self._svgs):
            if self._svg_size <= self.svg_limit:
                break
            self._svg_size -= len(self._svgs.pop(key))

    def figures(self, wanted: list[tuple[Hashable, Callable[[], T]]]) -> list[T]:
        """`make()` for each `(key, make)`, or what it made for the same key in the last call:
        a diagram's figure and standalone file are post-processed again (colours, links, ids:
        1.5 s at 1,000 roles) only when its SVG, title, caption or page changed. Only the last
        call's are kept, so memory holds one site's figures at most."""
        found: dict[Hashable, Any] = {}
        for key, make in wanted:
            found[key] = self._figures[key] if key in self._figures else make()
        self._figures = found
        return list(found.values())

    def engine(self, choice: str, find: Callable[[str], Engine]) -> Engine:
        """The Graphviz engine for `choice` (auto, system, pure), looked up once."""
        if choice not in self._engines:
            self._engines[choice] = find(choice)
        return self._engines[choice]

    # -- pages

    def environment(self, make: Callable[[], jinja2.Environment]) -> jinja2.Environment:
        """The one Jinja environment, made on first use: it keeps the compiled templates."""
        if self._environment is None:
            self._environment = make()
            if self.folder is not None and self.incremental:
                self._environment.bytecode_cache = template_bytecode(self.folder)
        return self._environment

    # -- whole builds

    def output(self, key: Hashable, make: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
        """The last output made for `key` (the YAML's stamp and the build's options), made
        again when the key changes; an output `keep` refuses (one with errors) is not kept."""
        if self._last is not None and self._last[0] == key:
            return self._last[1]  # type: ignore[no-any-return]
        kept = self._read_output(key)
        if kept is not None:
            self._last = (key, kept)
            return kept  # type: ignore[no-any-return]
        value = make()
        self._last = (key, value) if keep(value) else None
        if self._last is not None and self.write_output:
            self._write_output(key, value)
        return value

    def _output_path(self, key: Hashable) -> Path | None:
        if self.folder is None:
            return None
        from .pagecache import code_fingerprint

        name = hashlib.sha256(f"{code_fingerprint()}\0{key!r}".encode()).hexdigest()
        return self.folder / "output" / f"{name}.pickle"

    def _read_output(self, key: Hashable) -> Any:
        path = self._output_path(key)
        if path is None or not path.is_file():
            return None
        kept = _unpickle(path)
        if kept is None:
            return None
        if self.generation is None:
            self.generation = kept[1]
        return kept[0]

    def last_generation(self) -> Any:
        """The `incremental.State` kept with the last output in `folder`, whatever its key
        (the last build's YAML): what the next build needs to make only what changed."""
        if self.folder is None:
            return None
        for path in (self.folder / "output").glob("*.pickle"):  # only the last output is kept
            kept = _unpickle(path)
            if kept is not None:
                return kept[1]
        return None

    def _write_output(self, key: Hashable, value: Any) -> None:
        path = self._output_path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("*.pickle"):  # only the last output is kept
                if old != path:
                    old.unlink()
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            # with the incremental state in one pickle: the pages and figures they share are stored once
            tmp.write_bytes(pickle.dumps((value, self.generation), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written costs time, never the build
            pass


def _unpickle(path: Path) -> tuple[Any, Any] | None:
    """(output, incremental state) from a kept file; None when it is damaged or older."""
    try:
        kept = pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - a damaged or older file is a miss: generate again
        return None
    return kept if isinstance(kept, tuple) and len(kept) == 2 else None  # type: ignore[return-value]


def template_bytecode(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes in `folder/jinja/`, for our environment and
    the theme's alike (Jinja keys each by its template's name and file, and checks the
    source's checksum itself, so a changed template is compiled again); None where the
    folder cannot be made (a cache that cannot be written costs time, never the build)."""
    import jinja2

    try:
        (folder / "jinja").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder / "jinja"))
