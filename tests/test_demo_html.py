"""``ewmakit demo --html`` writes one gallery page that works offline, and every figure on it draws.

The page is opened from disk in headless Chromium (``--dump-dom``: the DOM after the scripts ran;
the console goes to stderr, see tests/_browser.py). A figure counts as drawn when plotly turned its
``<div>`` into a plot (class ``js-plotly-plot`` with an ``<svg class="main-svg">`` inside, and a
WebGL ``<canvas>`` for the 3-D surfaces). Without Chromium the browser tests skip with the reason
(they fail under ``EWMAKIT_REQUIRE_DOCS=1``, as in CI); the others always run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _browser import WEBGL_NOTES, chromium, console_errors, open_page

pytest.importorskip("plotly")

ROOT = Path(__file__).resolve().parents[1]


def _sections(dom: str) -> dict[str, str]:
    """The DOM of each figure's section, by its heading."""
    out = {}
    for part in re.split(r'<section id="fig-\d+">', dom)[1:]:
        heading = re.search(r"<h2>(.*?)</h2>", part, re.DOTALL).group(1)
        out[heading] = part.split("</section>")[0]
    return out


def _drawn(section: str, three_d: bool) -> bool:
    ok = 'js-plotly-plot' in section and 'class="main-svg"' in section
    return ok and ("<canvas" in section if three_d else True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``ewmakit demo --html`` into a new folder (one demo for the static part: the gallery holds every figure)."""
    out = tmp_path_factory.mktemp("demo") / "new" / "folder"
    env = {**os.environ, "EWMAKIT_DEMO_QUICK": "1", "EWMAKIT_OFFLINE": "1", "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, "-m", "ewmakit.cli", "demo", "--html", "--only", "beta", "--out", str(out)],
                         check=False, capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return out, run


@pytest.fixture(scope="module")
def opened(demo, tmp_path_factory):
    out, _ = demo
    browser = chromium()
    run = open_page(browser, out / "gallery.html", tmp_path_factory.mktemp("profile"), dump_dom=True,
                    budget_ms=15000, timeout=180)
    assert run.returncode == 0 and "<body" in run.stdout, run.stderr[-2000:]
    return run


def test_demo_html_writes_the_gallery(demo):
    out, run = demo
    page = out / "gallery.html"
    assert page.is_file()
    assert {p.name for p in out.iterdir()} >= {"gallery.html", "beta_impact.png", "weights.png"}
    assert "gallery.html" in run.stdout and "HTML" in run.stdout


def test_the_gallery_is_self_contained(demo):
    """plotly.js embedded once, no script/style/image from elsewhere."""
    import plotly
    from plotly.offline import get_plotlyjs

    text = (demo[0] / "gallery.html").read_text(encoding="utf-8")
    js = get_plotlyjs()
    assert text.count(js[:2000]) == 1, "plotly.js must be embedded exactly once"
    scripts, figures = text.count("<script"), text.count('class="plotly-graph-div"')
    assert scripts - 1 == figures, "one script per figure besides plotly.js"
    assert not re.search(r"<(script|img|iframe)\b[^>]*\bsrc\s*=", text, re.IGNORECASE), "an element loads a file"
    assert not re.search(r"<link\b[^>]*\bhref\s*=\s*[\"']?https?:", text, re.IGNORECASE), "a stylesheet from the web"
    assert not re.search(r"@import|url\(\s*['\"]?https?:", text.split(js)[1]), "CSS fetches from the web"
    assert plotly.__version__  # the page was written by this plotly


def test_gallery_lists_every_demo_picture(demo):
    text = (demo[0] / "gallery.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2>\d+\. (.*?)</h2>", text)
    assert len(headings) == len(set(headings)) >= 18
    for want in ("EWMAs at β = 0.5, 0.9, 0.95", "Impact of β", "Bias correction", "weights of an EWMA",
                 "in 3-D", "narrow valley", "wavy curve", "regression", "racing on rosenbrock",
                 "racing on beale", "animated", "Indicators", "control chart"):
        assert any(want in h for h in headings), (want, headings)
    # every figure comes with its one line of explanation
    assert text.count('<p class="note">') == len(headings)


def test_gallery_opens_without_console_errors_and_every_figure_draws(opened):
    errors = console_errors(opened.stderr, WEBGL_NOTES)
    assert not errors, "console errors in gallery.html:\n" + "\n".join(errors)
    sections = _sections(opened.stdout)
    assert len(sections) >= 18
    not_drawn = [h for h, part in sections.items() if not _drawn(part, "3-D" in h)]
    assert not not_drawn, f"figures not drawn: {not_drawn}"


def test_the_browser_check_sees_broken_figures(tmp_path):
    """Not vacuous: a figure whose script fails is reported, and is not counted as drawn."""
    import plotly.graph_objects as go

    from ewmakit._gallery import write_html_gallery

    figs = [("line", "a line", go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]))),
            ("broken", "a broken one", go.Figure(go.Scatter(x=[1, 2], y=[2, 1])))]
    page = write_html_gallery(figs, tmp_path / "g.html")
    text = page.read_text(encoding="utf-8")
    head, tail = text.rsplit("Plotly.newPlot(", 1)  # the second figure's call
    page.write_text(head + "Plotly.newPlott(" + tail, encoding="utf-8")
    run = open_page(chromium(), page, tmp_path / "profile", dump_dom=True, budget_ms=4000)
    errors = console_errors(run.stderr, WEBGL_NOTES)
    assert any("newPlott" in e for e in errors), errors
    sections = _sections(run.stdout)
    assert [_drawn(part, False) for part in sections.values()] == [True, False]


def test_write_html_gallery_embeds_plotlyjs_once_and_escapes_text(tmp_path):
    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs

    from ewmakit._gallery import write_html_gallery

    figs = [(f"figure <{i}>", "x < y & z", go.Figure(go.Scatter(y=[i, i + 1]))) for i in range(3)]
    page = write_html_gallery(figs, tmp_path / "sub" / "g.html")
    text = page.read_text(encoding="utf-8")
    assert text.count(get_plotlyjs()[:2000]) == 1
    assert text.count('class="plotly-graph-div"') == 3
    assert "<h2>1. figure &lt;0&gt;</h2>" in text and "x &lt; y &amp; z" in text


def test_demo_html_without_plotly_says_how_to_install(tmp_path, monkeypatch, capsys):
    from ewmakit import cli

    for name in ("plotly", "plotly.graph_objects", "plotly.offline", "plotly.subplots"):
        monkeypatch.setitem(sys.modules, name, None)
    code = cli.main(["demo", "--html", "--only", "beta", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert 'pip install "ewmakit[interactive]"' in err
    assert not (tmp_path / "out" / "beta_impact.png").exists(), "it stops before any work"
