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
def test_saving_a_yaml_file_updates_the_page(sample_copy: Path) -> None:
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-f", str(sample_copy / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
