"""The page cache (generator/pagecache.py): a build that takes pages from the cache writes the
same bytes as a clean build, after any sequence of edits.

`make test` runs one short sequence; a longer run:
`PLAYBOOK_CACHE_EXAMPLES=20 PLAYBOOK_CACHE_EDITS=8 .venv/bin/python -m pytest tests/test_pagecache.py`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pagecache
from generator.plugin import PlaybookPlugin

from .conftest import REPO, copy_project

EXAMPLES = int(os.environ.get("PLAYBOOK_CACHE_EXAMPLES", "1"))
EDITS = int(os.environ.get("PLAYBOOK_CACHE_EDITS", "3"))
TODAY = "2026-12-01"
FROM_CACHE = re.compile(r"playbook: (\d+) pages from the page cache, (\d+) rendered")


def build(root: Path, site: Path) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PLAYBOOK_TODAY=TODAY)
    done = subprocess.run(
        # not --strict: a new role is named nowhere yet, which is a warning. `playbook build`
        # rewrites a site folder of its own in place, only the files that changed (sitewrite.py)
        [sys.executable, "-m", "generator", "build", "--site-dir", str(site)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def site_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def replace_in(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1, flags=re.M)
    path.write_text(changed, encoding="utf-8")


def edit(root: Path, kind: str, pick: int, word: str) -> bool:
    """Make one edit; True when it changes every page (navigation, configuration)."""
    roles = sorted((root / "org" / "roles").glob("*.yml"))
    departments = sorted((root / "org" / "departments").glob("*.yml"))
    role = roles[pick % len(roles)]
    if kind == "role summary":
        replace_in(role, r"^summary: ", f"summary: {word} ")
    elif kind == "role title":
        replace_in(role, r"^title: ", f"title: {word} ")
    elif kind == "department title":
        replace_in(departments[pick % len(departments)], r"^title: ", f"title: {word} ")
    elif kind == "new role":
        text = role.read_text(encoding="utf-8")
        (role.parent / f"{role.stem}-{word.lower()}.yml").write_text(
            re.sub(r"^title: ", f"title: {word} ", text, count=1, flags=re.M), encoding="utf-8"
        )
        return True
    elif kind == "removed role":  # one that "new role" added, so that nothing names it
        added = [path for path in roles if path.stem.rsplit("-", 1)[-1] in {w.lower() for w in WORD_LIST}]
        if not added:
            return False
        added[pick % len(added)].unlink()
        return True
    elif kind == "hand-written page":
        replace_in(root / "docs" / "index.md", r"^# ", f"# {word} ")
        return True
    elif kind == "theme feature":
        path = root / "mkdocs.yml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        features = config["theme"]["features"]
        features.remove("navigation.top") if "navigation.top" in features else features.append("navigation.top")
        path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return True
    return False


KINDS = ["role summary", "role title", "department title", "new role", "removed role", "hand-written page",
         "theme feature", "nothing"]
WORD_LIST = ["Senior", "Acting", "Regional", "Kepala", "Deputy"]
WORDS = st.sampled_from(WORD_LIST)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 99), WORDS), min_size=EDITS, max_size=EDITS))
def test_a_build_from_the_cache_writes_the_bytes_of_a_clean_build(tmp_path_factory, edits) -> None:
    work = tmp_path_factory.mktemp("pagecache")
    root = copy_project(REPO, work / "project")
    assert 'cache_dir: .cache/playbook' in (root / 'mkdocs.yml').read_text(encoding='utf-8')  # warm by default
    shutil.rmtree(root / ".cache", ignore_errors=True)
    build(root, work / "site")
    used = 0
    for step, (kind, pick, word) in enumerate(edits):
        whole = edit(root, kind, pick, word)
        log = build(root, work / "site")
        found = FROM_CACHE.search(log)
        assert found, log[-2000:]
        cached, rendered = int(found.group(1)), int(found.group(2))
        if whole:
            assert cached == 0, f"{kind}: every page must be rendered again"
        elif kind == "nothing":
            assert rendered == 0, f"nothing changed, yet {rendered} pages were rendered"
        used += cached
        clean = copy_project(root, work / f"clean-{step}")
        shutil.rmtree(clean / ".cache", ignore_errors=True)
        build(clean, work / f"clean-site-{step}")
        warm, cold = site_bytes(work / "site"), site_bytes(work / f"clean-site-{step}")
        assert warm.keys() == cold.keys(), f"after {kind}"
        differ = [path for path in warm if warm[path] != cold[path]]
        assert not differ, f"after {edits[: step + 1]}: {differ[:5]} differ from a clean build"
        shutil.rmtree(clean)
    assert used > 0 or all(edit_[0] in {"new role", "removed role", "hand-written page", "theme feature"} for edit_ in edits)


def test_an_entry_round_trips_and_a_damaged_one_is_a_miss(tmp_path: Path) -> None:
    cache = pagecache.PageCache(tmp_path / "pages")
    entry = pagecache.Entry("<html>é</html>", [{"location": "roles/x/", "title": "X", "text": "", "boost": 1.5}],
                            ["a", "b"], {"roles/y.md": {"kpis": "y.md#kpis"}})
    cache.put("ab" * 32, entry)
    assert pagecache.PageCache(tmp_path / "pages").get("ab" * 32) is None  # written once the build is done
    cache.flush()
    again = pagecache.PageCache(tmp_path / "pages").get("ab" * 32)
    assert again == entry
    # a damaged entry is a miss
    store = tmp_path / "pages" / pagecache.STORE_NAME
    with sqlite3.connect(store) as db:
        db.execute("UPDATE entries SET data = ?", (zlib.compress(b"not json"),))
    db.close()
    assert pagecache.PageCache(tmp_path / "pages").get("ab" * 32) is None
    # a damaged file is a miss too, and is made again by the next build
    store.write_bytes(b"not a database" * 100)
    broken = pagecache.PageCache(tmp_path / "pages")
    assert broken.get("ab" * 32) is None
    broken.flush()
    fresh = pagecache.PageCache(tmp_path / "pages")
    fresh.put("cd" * 32, entry)
    fresh.flush()
    assert pagecache.PageCache(tmp_path / "pages").get("cd" * 32) == entry


def test_decoded_entries_are_bounded_least_recently_used_first() -> None:
    cache = pagecache.PageCache(None, decoded_limit=25)
    entries = {key: pagecache.Entry(key * 10) for key in "abc"}
    for key, entry in entries.items():
        cache.put(key, entry)
    # 30 characters of HTML is over the limit: "a", the oldest, is decoded again (an equal, new object)
    assert cache.get("b") is entries["b"] and cache.get("c") is entries["c"]
    again = cache.get("a")
    assert again == entries["a"] and again is not entries["a"]
    # decoding "a" pushed out "b", now the least recently used; "c" stays
    assert cache.get("c") is entries["c"] and cache.get("b") is not entries["b"]
    assert cache.hits == 5 and cache.misses == 0


def test_the_folder_is_bounded_oldest_first(tmp_path: Path) -> None:
    for n in range(10):
        path = tmp_path / f"{n}.svg"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    assert pagecache.prune(tmp_path, 4500) == 4000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["6.svg", "7.svg", "8.svg", "9.svg"]


def test_page_entries_and_files_are_pruned_together_oldest_first(tmp_path: Path) -> None:
    cache = pagecache.PageCache(tmp_path / "pages")
    for n in range(4):
        cache.put(f"{n}" * 64, pagecache.Entry("x" * 5000))
    cache.flush()
    sizes = {key: size for key, size, _used in cache.store.oldest()}  # type: ignore[union-attr]
    old_file = tmp_path / "old.svg"
    old_file.write_bytes(b"x" * 1000)
    os.utime(old_file, (1_000_000, 1_000_000))  # older than every entry
    one = next(iter(sizes.values()))
    assert pagecache.prune(tmp_path, 2 * one + 10, cache.store) == 2 * one
    assert not old_file.exists()
    assert len(cache.store.oldest()) == 2  # type: ignore[union-attr]


def test_a_key_is_the_same_in_every_process() -> None:
    code = "from generator import pagecache; print(pagecache.code_fingerprint(), pagecache.digest({'a': {1, 2}}, [1.5]))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 1


def test_build_v_reports_the_cache_folder(tmp_path: Path) -> None:
    from generator.cli import _cache_report, _read_mkdocs_yml

    root = copy_project(REPO, tmp_path / "project")
    config = root / "mkdocs.yml"
    assert _cache_report(config, _read_mkdocs_yml(config)).startswith("cache: .cache/playbook holds 0.0 MB of at most 500 MB")
    (root / ".cache" / "playbook" / "pages").mkdir(parents=True)
    (root / ".cache" / "playbook" / "pages" / pagecache.STORE_NAME).write_bytes(b"x" * 2_500_000)
    assert "holds 2.5 MB" in _cache_report(config, _read_mkdocs_yml(config))
    # the intranet configuration inherits the plugins
    intranet = root / "mkdocs-intranet.yml"
    shutil.copy2(REPO / "mkdocs-intranet.yml", intranet)
    assert "holds 2.5 MB" in _cache_report(intranet, _read_mkdocs_yml(intranet))
    config.write_text(config.read_text(encoding="utf-8").replace("cache_dir: .cache/playbook", "diagrams: true"))
    assert _cache_report(config, _read_mkdocs_yml(config)).startswith("cache: none")


def test_a_page_from_the_cache_makes_no_markdown_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs' `Page.render` builds a `markdown.Markdown` with every extension for each page;
    a page from the cache must not get one (that was half of a warm build's time)."""
    import markdown
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root = copy_project(REPO, tmp_path / "project")
    config_file = root / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("cache_dir: .cache/playbook", "cache_dir: .cache/playbook\n      diagrams: false"), encoding="utf-8")
    monkeypatch.setenv("PLAYBOOK_TODAY", TODAY)
    made: list[int] = []
    real_init = markdown.Markdown.__init__

    def counted(self: markdown.Markdown, *args: object, **kwargs: object) -> None:
        made.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counted)
    sites = []
    for run in ("cold", "warm"):
        made.clear()
        site = tmp_path / f"site-{run}"
        config = load_config(str(config_file), site_dir=str(site))
        mkdocs_build(config)
        plugin = config.plugins["playbook"]
        assert isinstance(plugin, PlaybookPlugin)
        sites.append((len(made), plugin.pages.hits, plugin.pages.misses, site_bytes(site)))
    (cold_made, _, cold_misses, cold), (warm_made, warm_hits, _, warm) = sites
    assert cold_misses > 50 and warm_hits == cold_misses
    # only the pages not cached (hand-written ones) are converted on the warm build
    assert cold_made - warm_made == warm_hits, (cold_made, warm_made, warm_hits)
    assert warm == cold
