"""Headless Chromium for the tests that open a page: find it, open a page from disk, read its console.

Chromium runs with ``--headless`` (a screenshot or the DOM after the scripts ran) and
``--enable-logging=stderr``, where every console message shows as a ``CONSOLE`` line (an uncaught
exception, ``console.error``, ``console.warn``...). Chromium's log gives no level, so a test treats
every message as an error except the benign ones it names. No network is used: pages are files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REQUIRED = os.environ.get("EWMAKIT_REQUIRE_DOCS", "") in ("1", "true", "yes", "on")

# "[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///... (12)" (one per console message)
_CONSOLE = re.compile(r':CONSOLE(?::\d+)?\]\s*"(?P<msg>.*)", source: (?P<src>.*)$')

#: notes the browser itself prints while drawing WebGL (3-D plots) in software: not errors of the page
WEBGL_NOTES = re.compile(r"^\[\.WebGL-0x[0-9a-f]+\]GL Driver Message \(OpenGL, Performance"
                         r"|^\[\]Automatic fallback to software WebGL has been deprecated"
                         r"|^Canvas2D: Multiple readback operations using getImageData are faster")


def missing(reason: str):
    """Skip with ``reason`` (fail under ``EWMAKIT_REQUIRE_DOCS=1``, as CI runs)."""
    if REQUIRED:
        pytest.fail(f"{reason} (EWMAKIT_REQUIRE_DOCS=1)")
    pytest.skip(reason)


def chromium() -> str:
    """The path of Chromium, or a skip (a failure under ``EWMAKIT_REQUIRE_DOCS=1``)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    missing("Chromium is not installed (Debian: apt-get install -y chromium)")


def open_page(browser: str, page: Path, profile: Path, *, screenshot: Path | None = None, dump_dom: bool = False,
              budget_ms: int = 4000, size: str = "1280,900", timeout: float = 120):
    """Open ``page`` headless; returns the finished process (``stdout`` holds the DOM with ``dump_dom``)."""
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
           "--hide-scrollbars", "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
           "--enable-logging=stderr", "--v=0", f"--window-size={size}", f"--virtual-time-budget={budget_ms}"]
    if screenshot is not None:
        cmd.append(f"--screenshot={screenshot}")
    if dump_dom:
        cmd.append("--dump-dom")
    cmd.append(page.as_uri())
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def console_errors(stderr: str, benign: re.Pattern | None = None) -> list[str]:
    """The console messages in Chromium's ``stderr``, except those matching ``benign``, as ``"message (source)"``."""
    errors = []
    for line in stderr.splitlines():
        m = _CONSOLE.search(line)
        if m and not (benign is not None and benign.search(m.group("msg"))):
            errors.append(f"{m.group('msg')} ({m.group('src')})")
    return errors
