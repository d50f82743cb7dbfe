"""`playbook serve` picks up a saved YAML file: the page shows the change by itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost only
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float) -> float | None:
    """Seconds until `url` contains `text`, or None if it never did."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        page = fetch(url)
        if page is not None and text in page:
            return time.monotonic() - start
        time.sleep(0.2)
    return None


@pytest.mark.slow
def test_saving_a_yaml_file_updates_the_page(sample_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "-f", str(sample_copy / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=out,
            env=env,
        )
    try:
        url = f"http://127.0.0.1:{port}/roles/community-manager/"
        assert wait_for(url, "Community Manager", 120) is not None, "the server never came up"
        role = sample_copy / "org" / "roles" / "community-manager.yml"
        role.write_text(
            role.read_text(encoding="utf-8").replace("title: Community Manager", "title: Community Lead"),
            encoding="utf-8",
        )
        seconds = wait_for(url, "Community Lead", 60)
        assert seconds is not None, "the page did not change after the YAML file was saved"
        print(f"page updated {seconds:.1f} s after saving")
        # one save, one rebuild: a rebuild reads the files it watches (docs/), and a watcher
        # that took a read for a change rebuilt after every rebuild, forever (livewatch.py)
        time.sleep(4)
        served = log.read_text(encoding="utf-8")
        assert served.count("Detected file changes") == 1, f"the server rebuilt with no file saved:\n{served}"
        # a new role gets its page; once removed, its page leaves the served folder too
        # (each rebuild writes only what changed into it: sitewrite.py)
        intern = sample_copy / "org" / "roles" / "community-intern.yml"
        intern.write_text(role.read_text(encoding="utf-8").replace("title: Community Lead", "title: Community Intern"),
                          encoding="utf-8")
        new_url = f"http://127.0.0.1:{port}/roles/community-intern/"
        assert wait_for(new_url, "Community Intern", 60) is not None, "a new role's page never appeared"
        intern.unlink()
        assert wait_for(f"http://127.0.0.1:{port}/roles/", "Community Lead", 60) is not None
        deadline = time.monotonic() + 60
        while fetch(new_url) is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fetch(new_url) is None, "a removed role's page is still served"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def stop_on_sigterm(server: subprocess.Popen[bytes], port: int, what: str) -> None:
    """SIGTERM stops `server` within 20 s, and nothing listens on its port any more."""
    server.terminate()
    try:
        code = server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError(f"{what} did not stop on SIGTERM") from None
    assert code in (0, 1, -15)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def mkdocs_temp_folders() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("mkdocs_*")}


@pytest.mark.slow
def test_a_broken_yaml_file_shows_its_problems_then_the_site_and_sigterm_cleans_up(sample_copy: Path) -> None:
    """Requests never hang on a YAML error: the page lists the problems, reloads when they are
    fixed, and SIGTERM stops the server with no process and no temporary folder left behind."""
    port = free_port()
    before = mkdocs_temp_folders()
    role = sample_copy / "org" / "roles" / "community-manager.yml"
    good = role.read_text(encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-f", str(sample_copy / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    try:
        url = f"http://127.0.0.1:{port}/roles/community-manager/"
        assert wait_for(url, "Community Manager", 120) is not None, "the server never came up"
        assert descendants(server.pid) == [], "serve runs in its own process, with no child"
        role.write_text(good.replace("reports_to: social-media-manager", "reports_to: social-media-manger"), encoding="utf-8")
        assert wait_for(url, "The playbook has 1 errors", 60) is not None, "the page did not show the problem"
        page = fetch(url) or ""
        assert "org/roles/community-manager.yml:" in page and "social-media-manger" in page
        home = fetch(f"http://127.0.0.1:{port}/") or ""
        assert "playbook-problems/" in home  # a hand-written page points at the problems
        role.write_text(good, encoding="utf-8")
        assert wait_for(url, "Community Manager", 60) is not None, "the page did not come back when fixed"
        assert "The playbook has" not in (fetch(url) or "")
    finally:
        stop_on_sigterm(server, port, "serve")
    assert mkdocs_temp_folders() <= before, "serve left its temporary site folder behind"
