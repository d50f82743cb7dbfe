"""The page cache: each generated page's final HTML and search entries, kept by a key of
everything that goes into them, so that a build renders only the pages whose inputs changed.

MkDocs renders every page on every build (Markdown, then the theme's template, then the search
plugin parses the HTML again): 80% of a build. The plugin's hooks (see `plugin.py`) skip that
work for a generated page whose key is in the cache: the page's Markdown becomes empty, its
`render` a no-op (an attribute of that one `Page` object, set in `on_page_markdown`: MkDocs'
`Page.render` would otherwise build a `markdown.Markdown` with every extension for the empty
text; MkDocs and ProperDocs call `page.render(config, files)` from `_populate_page` and make a
new `Page` for every build, so nothing else sees it), its template a trivial one of ours, and `on_post_page` hands back the HTML kept from the build that
rendered it; its search entries go back into the search plugin's index in their place, and its
anchors and links to anchors back onto the page for MkDocs' anchor check. The search index and
the sitemap are therefore always complete and byte-identical to a clean build's (MkDocs'
`--dirty` wrote an index of only the rebuilt pages). A full build still writes a fresh folder.

**The key of a page** is a SHA-256 of two parts.

The *site key* covers what every page shares:
- this cache's format and the generator's own code (every file of the `generator` package, by
  content), MkDocs' version;
- the whole resolved configuration (`_canonical` of every setting, plugins with their options):
  `site_url`, `use_directory_urls`, the theme's `language` and features, `extra`, Markdown
  extensions, the playbook plugin's `today` and `review`;
- the theme: the name, size and modification time of every file in its folders (`custom_dir`,
  the overrides, the installed theme's templates and partials) and the installed Material's
  version, so an edited template or a theme upgrade changes it;
- the navigation (every item's kind, title and URL, nested) and every file of the site with its
  URL: pages link to each other, so adding, removing or moving a page renders every page again;
- the build day (`mkdocs.utils.get_build_date`, which the templates and sitemap may print).

The *page key* adds what is the page's own: its path, its Markdown as generated (which holds
everything that comes from the YAML, the review dates and git days, and the labels in the
site's language), its edit URL, the headings left out of search, its place (ancestors, previous
and next page) and the HTML of every diagram that `on_post_page` puts into it.

A change to the configuration, the theme, the templates, our code or the navigation therefore
changes every page's key: a full build. Nothing else reaches a page: the HTML of a page is made
from exactly these by MkDocs, the theme and our hooks, and the cache is used only when the
configured plugins are ones whose page output we know (`ALLOWED_PLUGINS`); with another plugin
every page is rendered.

A page that logged a warning while it was rendered is not kept, so that every warning (and
`--strict`) is seen again on the next build.

On disk (`cache_dir` of the plugin, `pages/entries.sqlite3` inside it), one compressed row per key; in memory,
the same compressed entries for a `serve` session, and (while serving only) the most recently
used of them decoded too (`DECODED_LIMIT`), shared between builds: the plugin copies what it hands on. The folder is safe to delete and bounded:
`prune` removes the least recently used files and entries once the folder passes its size limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = 1
"""Changes whenever what an entry holds changes: older entries are then never read."""

ALLOWED_PLUGINS = frozenset({"search", "material/search", "playbook", "offline", "material/offline"})
"""Plugins whose page hooks we know: the search plugin indexes a page in `on_page_context`
(its entries are kept and restored), the offline plugin works on the written site after the
build. With any other plugin every page is rendered."""

MEMORY_LIMIT = 64_000_000
"""Bytes of compressed entries a `serve` session keeps in memory (a page is about 10 KB)."""

DECODED_LIMIT = 400_000_000
"""Characters of page HTML a `serve` session also keeps decoded: decompressing and parsing
every page's entry again on every save took 0.3 s at 1,000 roles and 1.9 s at 3,000, whose
5,244 pages hold about 180 million characters (memory: about 1 byte a character for English)."""

DEFAULT_SIZE_MB = 500
"""The cache folder's default size limit (the plugin's `cache_size`), in megabytes."""


@dataclass
class Entry:
    """What a page's rendering left that the next build needs."""

    html: str
    """The page's final HTML, as written to the site."""
    search: list[dict[str, Any]] = field(default_factory=list)
    """The entries the search plugin made of the page, in its order."""
    anchors: list[str] = field(default_factory=list)
    """The ids in the page's HTML (`Page.present_anchor_ids`), for other pages' links to them."""
    links: dict[str, dict[str, str]] = field(default_factory=dict)
    """Links to anchors in other pages, by the linked file's path (`Page.links_to_anchors`)."""

    def pack(self) -> bytes:
        data = {"html": self.html, "search": self.search, "anchors": self.anchors, "links": self.links}
        return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 1)

    @classmethod
    def unpack(cls, data: bytes) -> Entry:
        found = json.loads(zlib.decompress(data).decode("utf-8"))
        return cls(found["html"], found["search"], found["anchors"], found["links"])


class PageCache:
    """Entries by page key: in memory for the session, and in `folder` when there is one."""

    def __init__(self, folder: Path | None, memory_limit: int = MEMORY_LIMIT, decoded_limit: int = DECODED_LIMIT) -> None:
        self.folder = folder
        self.memory_limit = memory_limit
        self.decoded_limit = decoded_limit
        self._memory: dict[str, bytes] = {}
        self._memory_size = 0
        self._decoded: dict[str, Entry] = {}
        self._decoded_size = 0
        self.hits = 0
        self.misses = 0
        self.store = Store(folder / STORE_NAME) if folder is not None else None

    def get(self, key: str) -> Entry | None:
        """The entry kept for `key`, or None. An entry is shared with later calls: its
        users copy what they change."""
        decoded = self._decoded.pop(key, None)
        if decoded is not None:
            self._decoded[key] = decoded  # most recently used last
            self._store_used(key)
            self.hits += 1
            return decoded
        data = self._memory.get(key)
        if data is None and self.store is not None:
            data = self.store.get(key)
        elif data is not None:
            self._store_used(key)
        if data is None:
            self.misses += 1
            return None
        try:
            entry = Entry.unpack(data)
        except (ValueError, KeyError, zlib.error):  # a damaged entry is a miss, rendered again
            self.misses += 1
            return None
        self._remember(key, data)
        self._keep_decoded(key, entry)
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        data = entry.pack()
        self._remember(key, data)
        self._keep_decoded(key, entry)
        if self.store is not None:
            self.store.put(key, data)

    def flush(self) -> None:
        """Write this build's new entries and their use to the folder, in one transaction."""
        if self.store is not None:
            self.store.flush()

    def _store_used(self, key: str) -> None:
        if self.store is not None:
            self.store.used.add(key)

    def _remember(self, key: str, data: bytes) -> None:
        if key in self._memory:
            return
        self._memory[key] = data
        self._memory_size += len(data)
        for old in list(self._memory):
            if self._memory_size <= self.memory_limit:
                break
            self._memory_size -= len(self._memory.pop(old))

    def _keep_decoded(self, key: str, entry: Entry) -> None:
        if key in self._decoded or self.decoded_limit <= 0:
            return
        self._decoded[key] = entry
        self._decoded_size += len(entry.html)
        for old in list(self._decoded):
            if self._decoded_size <= self.decoded_limit:
                break
            self._decoded_size -= len(self._decoded.pop(old).html)



STORE_NAME = "entries.sqlite3"
"""The one file the entries are kept in, inside the page cache's folder."""


class Store:
    """The entries on disk: one SQLite file, read one entry at a time and written once per
    build in a single transaction. One small file per page cost a file creation per rendered
    page (about 1 ms each on this project's machine: 1.8 s of a full build at 1,000 roles).
    A damaged or unreadable file is a cache miss, never a failed build: it is set aside and
    made again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used: set[str] = set()
        self.new: dict[str, bytes] = {}
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is a miss, set aside below
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL)")
            self._db = db
        except sqlite3.Error:
            self._set_aside()
        except OSError:
            self._broken = True
        return self._db

    def _set_aside(self) -> None:
        """A file SQLite cannot read is removed (it is ours, made by this class), once."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._broken = True
        with contextlib.suppress(OSError):
            self.path.unlink()

    def get(self, key: str) -> bytes | None:
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM entries WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._set_aside()
            return None
        if row is None:
            return None
        self.used.add(key)
        return bytes(row[0])

    def put(self, key: str, data: bytes) -> None:
        self.new[key] = data

    def flush(self) -> None:
        db = self._connect()
        if db is None or not (self.new or self.used):
            return
        now = int(time.time())
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO entries (key, data, used) VALUES (?, ?, ?)",
                           [(key, data, now) for key, data in self.new.items()])
            db.executemany("UPDATE entries SET used = ? WHERE key = ?", [(now, key) for key in self.used - self.new.keys()])
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        self.new.clear()
        self.used.clear()

    def oldest(self) -> list[tuple[str, int, int]]:
        """Every entry's key, size and last use, least recently used first."""
        db = self._connect()
        if db is None:
            return []
        try:
            return list(db.execute("SELECT key, length(data), used FROM entries ORDER BY used, key"))
        except sqlite3.Error:
            return []

    def remove(self, keys: list[str]) -> None:
        db = self._connect()
        if db is None or not keys:
            return
        try:
            db.executemany("DELETE FROM entries WHERE key = ?", [(key,) for key in keys])
            db.execute("VACUUM")  # give the space back, so the folder's size says the truth
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def folder_size(folder: Path) -> int:
    """Bytes in the files under `folder`."""
    return sum(size for _path, size, _mtime in _files(folder))


def prune(folder: Path, limit: int, store: Store | None = None) -> int:
    """Remove the least recently used files under `folder`, and entries of `store` (a file
    inside it, counted by its entries), until it holds at most `limit` bytes; the bytes it
    holds after."""
    items: list[tuple[float, int, Path | str]] = [
        (mtime, size, path) for path, size, mtime in _files(folder)
        if path.name != "CACHEDIR.TAG" and (store is None or path != store.path)
    ]
    if store is not None:
        items += [(used, size, key) for key, size, used in store.oldest()]
    items.sort(key=lambda item: (item[0], str(item[2])))
    total = sum(size for _time, size, _what in items)
    gone: list[str] = []
    for _time, size, what in items:
        if total <= limit:
            break
        if isinstance(what, str):
            gone.append(what)
            total -= size
            continue
        try:
            what.unlink()
            total -= size
        except OSError:
            pass
    if store is not None:
        store.remove(gone)
    return total


def _files(folder: Path) -> Iterator[tuple[Path, int, float]]:
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            yield path, stat.st_size, stat.st_mtime


def digest(*parts: Any) -> str:
    """SHA-256 of `parts` in their canonical JSON form."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_canonical)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def code_fingerprint() -> str:
    """A digest of every file of the generator package (its code, templates, labels and
    assets) and of the Python and MkDocs versions: a new version of ours renders every page."""
    import mkdocs

    package = Path(__file__).parent
    hasher = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{mkdocs.__version__}".encode())
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        hasher.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def theme_stamps(folders: Iterable[str]) -> list[Any]:
    """The theme's files (its templates, partials, overrides) with their sizes and
    modification times. In an installed theme (under site-packages) only what is not icons
    or assets is stamped, with the installed Material's version for those: walking its
    10,000 icons took seconds on every build."""
    stamps: list[Any] = [_version("mkdocs-material")]
    for folder in folders:
        installed = bool({"site-packages", "dist-packages"} & set(Path(folder).parts))
        for dirpath, dirnames, filenames in os.walk(folder):
            if installed:
                dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "assets"]
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    stat = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                stamps.append((folder, os.path.relpath(os.path.join(dirpath, name), folder), stat.st_size, stat.st_mtime_ns))
    return stamps


def _version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def _canonical(value: Any) -> Any:
    """A JSON-able form of a configuration value that has the same text in every run: plugins
    by name and options, the theme by name, folders and options, other objects by their
    public attributes (never by `repr`, which may hold a memory address)."""
    from mkdocs.config.base import Config
    from mkdocs.theme import Theme

    if isinstance(value, Theme):
        return {"name": value.name, "dirs": list(value.dirs), "options": dict(value.items()),
                "static_templates": sorted(value.static_templates)}
    if isinstance(value, Config):
        return dict(value.items())
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, (tuple, list)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    name = type(value).__module__ + "." + type(value).__qualname__
    config = getattr(value, "config", None)
    if isinstance(config, Config):  # a plugin
        return {"plugin": name, "config": dict(config.items())}
    text = str(value)
    return {"type": name, "text": "" if " at 0x" in text else text}


SESSION_SETTINGS = frozenset({"site_dir", "watch", "dev_addr", "config_file_path", "strict"})
"""Settings that say where and how a build runs, not what a page holds."""


def config_digest(config: Any) -> str:
    """The digest of a resolved MkDocs configuration, without `SESSION_SETTINGS`."""
    return digest({key: value for key, value in config.items() if key not in SESSION_SETTINGS})
