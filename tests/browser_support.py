"""Helpers for the browser tests: build a site, serve it on localhost, open Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from .conftest import need_tool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).resolve().parent.parent / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"


def build_site(project: Path, site: Path, *extra: str) -> None:
    """A real `mkdocs build --strict` of `project` into `site`."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(folder: Path, prefix: str = "") -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (under `prefix`, e.g. '/playbook') and yield the base URL."""
    root = folder
    if prefix:
        root = folder.parent / (folder.name + "-served")
        shutil.rmtree(root, ignore_errors=True)
        (root / prefix.strip("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, root / prefix.strip("/"))
    with static_server(root) as origin:
        yield f"{origin}{prefix.rstrip('/')}/"


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    """A plain, quiet web server on 127.0.0.1 for the files under `root`, as they are when
    asked for; yields its origin (`http://127.0.0.1:<port>`) and stops it afterwards."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def browser_available() -> str | None:
    """None when Chromium and Playwright are usable, else what is missing and how to install it."""
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed at {CHROMIUM} (make system-deps as root runs apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (make .venv/.installed runs pip install -e '.[test]')"
    return None


def need_browser() -> None:
    """Skip the calling test (fail it under CI) unless Chromium and Playwright are usable."""
    reason = browser_available()
    if reason is not None:
        need_tool(reason)


def need_axe() -> None:
    """Skip the calling test (fail it under CI) unless axe-core is installed from npm."""
    if not AXE.is_file():
        need_tool("axe-core is not installed in .cache/npm (make node-deps installs it with npm)")
