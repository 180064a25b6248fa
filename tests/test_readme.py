"""The README's tour runs offline as written, and gives the numbers of the references it names."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks(section: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```python\n(.*?)```", text[start:end if end != -1 else None], flags=re.S)


@pytest.fixture(scope="module")
def tour() -> dict:
    blocks = _python_blocks("A tour")
    assert len(blocks) == 3, "the tour has a smoothing block, a long-table block and a polars block"
    ns: dict = {}
    for code in blocks:
        exec(compile(code, str(README), "exec"), ns)  # noqa: S102 - our own README
    return ns


def test_the_readme_starts_with_what_ewmakit_is_then_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first = text.split("\n\n")[1]
    assert first.startswith("**ewmakit is the exponentially weighted moving average")
    commands = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1).strip().splitlines()
    assert len(commands) == 2 and "ewmakit demo" in commands[0] and "pytest" in commands[1]
    assert text.index("```bash") < 1500, "the two commands are near the top"


def test_tour_values_match_pandas_and_talib(tour):
    close = tour["close"]
    ref = close.ewm(span=20, adjust=False).mean()
    pd.testing.assert_series_equal(close.ewmakit.smooth(window=20), ref, check_exact=False, rtol=1e-13)
    talib = pytest.importorskip("talib")
    np.testing.assert_allclose(tour["finance"].ema(close, 20).to_numpy(), talib.EMA(close.to_numpy(), 20),
                               rtol=1e-13, equal_nan=True)
    assert tour["stream"].value == pytest.approx(ref.iloc[-1], rel=1e-13)


def test_tour_long_table_matches_pandas_groupby(tour):
    long = tour["long"]
    assert long["ticker"].nunique() == 2
    ref = long.groupby("ticker")["Close"].transform(lambda s: s.ewm(span=20, adjust=False).mean())
    np.testing.assert_allclose(long["ema20"].to_numpy(), ref.to_numpy(), rtol=1e-13)
