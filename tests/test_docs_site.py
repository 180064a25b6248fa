"""The built documentation site opens in headless Chromium without JavaScript errors and draws.

Nothing is built here: build the site first (``sphinx-build -W -b html docs docs/_build/html``).
When it is missing, or Chromium is not installed, the tests skip with the reason, unless
``EWMAKIT_REQUIRE_DOCS=1`` (CI), which turns those skips into failures.

Each page is opened from disk with ``chromium --headless --screenshot``; its console goes to
stderr (``--enable-logging=stderr``), where every console message shows as a ``CONSOLE`` line
(an uncaught exception, ``console.error``, a file that failed to load); all but the theme's
notes about its colour mode fail the test. No network: the site is static files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _browser import chromium, console_errors, missing, open_page

HTML = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"

#: the home page, one API page, one gallery page
PAGES = ["index.html", "api/generated/ewmakit.ewma.html", "auto_examples/quickstart.html"]

# Chromium's log gives no level, so every console message counts as an error (uncaught exceptions,
# console.error, files that failed to load...) except the theme's own notes about its light/dark
# mode and sidebar ("[PST]: Changed to auto mode...", "Got invalid theme mode: ...").
_BENIGN = re.compile(r"^\[PST\]: |^Got invalid theme mode")


_missing, _chromium = missing, chromium  # shared with tests/test_demo_html.py (tests/_browser.py)


@pytest.fixture(scope="module")
def browser() -> str:
    if not (HTML / "index.html").is_file():
        _missing(f"the documentation site is not built ({HTML / 'index.html'} is missing): "
                 "run sphinx-build -W -b html docs docs/_build/html")
    return _chromium()


def _open(chromium: str, page: Path, shot: Path, profile: Path) -> list[str]:
    """Screenshot ``page`` to ``shot``; return the console messages that are errors."""
    run = open_page(chromium, page, profile, screenshot=shot, timeout=60)
    assert shot.is_file(), f"Chromium wrote no screenshot of {page} (exit {run.returncode}):\n{run.stderr[-2000:]}"
    return console_errors(run.stderr, _BENIGN)


def _blank(shot: Path) -> str | None:
    """Why the screenshot looks blank (None: it shows a page)."""
    from PIL import Image

    with Image.open(shot) as im:
        rgb = im.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        pixels = rgb.width * rgb.height
    if len(colours) < 16:
        return f"only {len(colours)} distinct colours"
    top = max(n for n, _ in colours)
    if top > 0.985 * pixels:
        return f"{top / pixels:.1%} of the pixels are one colour"
    return None


@pytest.mark.parametrize("rel", PAGES)
def test_page_opens_without_javascript_errors_and_draws(browser, rel, tmp_path):
    page = HTML / rel
    if not page.is_file():
        _missing(f"{page} is missing: the site is built partly or from an older layout")
    shot = tmp_path / "page.png"
    errors = _open(browser, page, shot, tmp_path / "profile")
    assert not errors, f"JavaScript console errors on {rel}:\n" + "\n".join(errors)
    why = _blank(shot)
    assert why is None, f"the screenshot of {rel} looks blank: {why}"


def test_the_console_check_sees_errors(browser, tmp_path):
    """The check above is not vacuous: a page with a broken script is caught, a blank one too."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><p>x</p><script>console.error('boom'); notAFunction();</script></body></html>")
    errors = _open(browser, bad, tmp_path / "bad.png", tmp_path / "profile")
    assert any("notAFunction" in e for e in errors) and any("boom" in e for e in errors), errors
    assert _blank(tmp_path / "bad.png") is not None
