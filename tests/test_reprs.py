"""Notebook displays: ``__repr__`` and ``_repr_html_`` of SmoothingFit, Trajectory and the optimizers.

The HTML tables are parsed back (stdlib ``html.parser``) and their values compared with independent
references: statsmodels' fit for SmoothingFit, torch.optim-free closed forms for a minimize run.
"""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from ewmakit import forecast as fc
from ewmakit._reprs import html_table
from ewmakit.optim import SGD, Adam, AdamW, RMSprop, minimize

sm_hw = pytest.importorskip("statsmodels.tsa.holtwinters")


class _Table(HTMLParser):
    """Rows ``{th text: td text}`` of an ``html_table``, its title and its note."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: dict[str, str] = {}
        self.title = ""
        self.note = ""
        self._tag = None
        self._key = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._tag = tag

    def handle_endtag(self, tag):
        self._tag = None

    def handle_data(self, data):
        if self._tag == "strong":
            self.title += data
        elif self._tag == "th":
            self._key = data
        elif self._tag == "td" and self._key is not None:
            self.rows[self._key] = self.rows.get(self._key, "") + data
        elif self._tag == "p":
            self.note += data


def test_html_table_escapes_everything():
    text = html_table("a <b> & c", [("<k>", "<script>alert(1)</script>")], note="x < y")
    assert "<script>" not in text and "&lt;script&gt;" in text
    t = _Table(text)
    assert t.title == "a <b> & c" and t.rows == {"<k>": "<script>alert(1)</script>"} and t.note == "x < y"


def _noisy_level(n=300, seed=3):
    rng = np.random.default_rng(seed)
    level = np.cumsum(rng.normal(0, 0.3, n)) + 50
    return level + rng.normal(0, 1.0, n)


def test_smoothing_fit_html_shows_statsmodels_parameters():
    x = _noisy_level()
    res = fc.fit(x)
    ref = sm_hw.SimpleExpSmoothing(x, initialization_method="estimated").fit()
    t = _Table(res._repr_html_())
    assert t.title == "Simple exponential smoothing fit"
    assert float(t.rows["alpha"]) == pytest.approx(ref.params["smoothing_level"], rel=1e-5)
    assert float(t.rows["beta"]) == pytest.approx(1 - ref.params["smoothing_level"], rel=1e-5)
    assert float(t.rows["initial level"]) == pytest.approx(ref.params["initial_level"], rel=1e-5)
    assert float(t.rows["SSE"]) == pytest.approx(ref.sse, rel=1e-5)
    assert float(t.rows["last level (every forecast)"]) == pytest.approx(ref.forecast(1)[0], rel=1e-5)
    assert int(t.rows["observations"]) == len(x)
    assert t.note == ""  # an interior beta: nothing to explain
    text = repr(res)
    assert text.startswith("SmoothingFit(beta=") and "\n#" not in text
    assert f"alpha={ref.params['smoothing_level']:.6g}" in text


def test_smoothing_fit_at_the_boundary_explains_itself():
    # a random walk whose steps keep a little momentum (AR(1), phi = 0.3): the best alpha is its bound, 1
    e = np.random.default_rng(0).normal(0, 1, 400)
    steps = np.zeros(400)
    for i in range(1, 400):
        steps[i] = 0.3 * steps[i - 1] + e[i]
    walk = np.cumsum(steps) + 100
    res = fc.fit(walk)
    ref = sm_hw.SimpleExpSmoothing(walk, initialization_method="estimated").fit()
    assert ref.params["smoothing_level"] > 1 - 1e-6  # statsmodels agrees it is at the bound
    assert "random walk" in repr(res).split("\n# ")[1]
    assert "random walk" in _Table(res._repr_html_()).note


def test_trajectory_repr_and_html_agree_with_the_run():
    # gradient descent on f(x) = x^2/2 with lr 0.5: x_k = 10 * 0.5^k exactly
    r = minimize(lambda x: 0.5 * x * x, 10.0, "sgd", grad=lambda x: x, lr=0.5, steps=6)
    assert r.nit == 6 and r.x == pytest.approx(10 * 0.5 ** 6)
    assert repr(r).startswith(f"Trajectory(x={10 * 0.5 ** 6:.6g}, fun={0.5 * (10 * 0.5 ** 6) ** 2:.6g}, nit=6")
    t = _Table(r._repr_html_())
    assert t.title == "minimize: trajectory"
    assert float(t.rows["x"]) == pytest.approx(10 * 0.5 ** 6, rel=1e-5)
    assert float(t.rows["loss"]) == pytest.approx(0.5 * (10 * 0.5 ** 6) ** 2, rel=1e-5)
    assert t.rows["updates"] == "6" and t.rows["path"] == "7 points of dimension 1"


def test_trajectory_html_of_a_vector_run():
    r = minimize(lambda x: 0.5 * float(x @ x), np.array([4.0, -2.0]), "sgd", grad=lambda x: x, lr=0.5, steps=2)
    t = _Table(r._repr_html_())
    assert t.rows["x"] == np.array2string(np.array([1.0, -0.5]), precision=6)
    assert t.rows["path"] == "3 points of dimension 2"


@pytest.mark.parametrize("cls, kw", [(SGD, {"lr": 0.1, "momentum": 0.9}), (RMSprop, {"lr": 0.01}),
                                     (Adam, {"lr": 0.001}), (AdamW, {"lr": 0.001, "weight_decay": 0.01})])
def test_optimizer_repr_and_html(cls, kw):
    params = {"W": np.zeros((3, 4)), "b": np.zeros(4)}
    opt = cls(params, **kw)
    for _ in range(2):
        opt.step({"W": np.ones((3, 4)), "b": np.ones(4)})
    text = repr(opt)
    assert text.startswith(f"{cls.__name__}(lr={kw['lr']!r}") and "2 array(s), 16 values, t=2" in text
    t = _Table(opt._repr_html_())
    assert t.title == f"ewmakit.optim.{cls.__name__}"
    for k, v in kw.items():
        assert t.rows[k] == repr(v) or t.rows[k] == str(v)
    assert t.rows["parameters"] == "2 array(s): (3, 4), (4,)" and t.rows["steps taken"] == "2"


def test_forecast_continues_a_daily_index_in_business_days():
    idx = pd.bdate_range("2024-01-01", periods=60)
    s = pd.Series(_noisy_level(60), index=idx)
    out = fc.forecast(s, 3)
    assert list(out.index) == list(pd.bdate_range(idx[-1] + pd.offsets.BDay(), periods=3))
