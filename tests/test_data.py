"""Market data (SPEC §4): normalize, read_csv, download through the on-disk cache, samples.

No network: ``yfinance.download`` and ``yfinance.Ticker`` are replaced by :class:`FakeYahoo`,
which serves frames in each real yfinance layout built from the real files in ``../shared/data``
(see its SOURCES.md). The fake honours ``start``/``end`` (end exclusive), ``period="max"`` and
``auto_adjust`` (True: OHLC scaled by Adj Close / Close and Adj Close dropped, exactly as
``yfinance.utils.auto_adjust`` does; False: raw OHLC plus Adj Close), counts its calls, and can
fail the way yfinance fails (empty frame + log line, all-NaN frame, raising).
"""

from __future__ import annotations

import functools
import inspect
import io
import logging
import re
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require_shared_data
from ewmakit import data
from ewmakit.data import DataError, download, normalize, read_csv

FIELDS_RAW = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
FIELDS_ADJ = ["Open", "High", "Low", "Close", "Volume"]
NY = "America/New_York"

# known values (SOURCES.md): SPY closes, raw (split-adjusted only)
SPY_CLOSE_2020_03_16 = 239.85000610351562
SPY_ADJ_CLOSE_2020_03_16_MULTI = 218.6278839111328  # Adj Close in SPY_daily_yf_multiindex.csv
TSLA_CLOSE_2020_03_16 = 29.67133331298828
HISTORY_CLOSE_2020_03_16 = 222.3708038330078  # Ticker.history auto-adjusted


# --------------------------------------------------------------------------- real files


def _shared(*parts) -> Path:
    return require_shared_data(*parts)


@functools.lru_cache(maxsize=None)
def _multiindex_csv_cached() -> pd.DataFrame:
    p = _shared("SPY_daily_yf_multiindex.csv")
    return pd.read_csv(p, header=[0, 1], index_col=0, parse_dates=True)


def multiindex_csv() -> pd.DataFrame:
    """The exact frame ``yf.download("SPY", auto_adjust=False)`` returned (yfinance >= 0.2.51)."""
    return _multiindex_csv_cached().copy()


@functools.lru_cache(maxsize=None)
def _history_cached() -> pd.DataFrame:
    p = _shared("SPY_history_max_autoadjusted_tz.csv")
    frame = pd.read_csv(p, index_col=0)
    frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index, utc=True).tz_convert(NY), name="Date")
    return frame


def history_frame() -> pd.DataFrame:
    """The exact frame ``yf.Ticker("SPY").history(period="max")`` returned (tz-aware, actions)."""
    return _history_cached().copy()


@functools.lru_cache(maxsize=None)
def _flat_cached(name: str) -> pd.DataFrame:
    return pd.read_csv(_shared(name), index_col="Date", parse_dates=True)


def flat_csv(name: str) -> pd.DataFrame:
    return _flat_cached(name).copy()


@functools.lru_cache(maxsize=None)
def _source_cached(ticker: str) -> pd.DataFrame:
    """What 'Yahoo' holds for a ticker: raw OHLC, Adj Close, Volume; tz-naive daily index."""
    if ticker == "SPY":
        frame = _multiindex_csv_cached().xs("SPY", axis=1, level="Ticker")
    elif ticker == "TSLA":
        frame = _flat_cached("TSLA_daily.csv")
    elif ticker == "NEWCO":  # a later listing: TSLA's numbers from 2020-06-01 on only
        frame = _flat_cached("TSLA_daily.csv").loc["2020-06-01":]
    elif ticker in ("QQQ", "GLD", "TLT", "IWM"):
        frame = _flat_cached(f"panel_2005_2026/{ticker}.csv").rename(columns={"AdjClose": "Adj Close"})
    else:
        raise KeyError(ticker)
    frame = frame[FIELDS_RAW].copy()
    frame.columns = pd.Index(FIELDS_RAW)
    frame.index = pd.DatetimeIndex(frame.index, name="Date")
    return frame


def source(ticker: str) -> pd.DataFrame:
    return _source_cached(ticker).copy()


def yahoo_adjust(frame: pd.DataFrame) -> pd.DataFrame:
    """yfinance.utils.auto_adjust: OHLC times Adj Close / Close; Close := Adj Close; Adj Close dropped."""
    out = frame.copy()
    ratio = (out["Adj Close"] / out["Close"]).to_numpy()
    for c in ("Open", "High", "Low"):
        out[c] = out[c] * ratio
    out["Close"] = out["Adj Close"]
    return out.drop(columns="Adj Close")


def expected(ticker: str, start=None, end=None, auto_adjust=True) -> pd.DataFrame:
    """The canonical frame download() must return, computed independently of ewmakit."""
    frame = source(ticker)
    if start is not None:
        frame = frame[frame.index >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame.index < pd.Timestamp(end)]
    frame = yahoo_adjust(frame) if auto_adjust else frame
    cols = FIELDS_ADJ if auto_adjust else FIELDS_RAW
    return frame[cols]


def assert_frames_equal(got: pd.DataFrame, want: pd.DataFrame):
    """Same dates, columns and values (exactly), index tz-naive named Date."""
    assert list(got.columns) == list(want.columns)
    assert got.index.name == "Date"
    assert isinstance(got.index, pd.DatetimeIndex) and got.index.tz is None
    assert got.index.is_monotonic_increasing and not got.index.has_duplicates
    pd.testing.assert_index_equal(got.index, want.index, check_names=False, exact=False)
    for c in want.columns:
        np.testing.assert_array_equal(got[c].to_numpy(dtype=float), want[c].to_numpy(dtype=float), err_msg=c)


# --------------------------------------------------------------------------- the fake yfinance

_UNSET = object()
YF_NOISE_OUT = "[*********************100%***********************]  1 of 1 completed"
YF_NOISE_ERR = "yfinance noise on stderr"
DELISTED = "possibly delisted; no timezone found"
RATE_LIMITED = "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"


class FakeYahoo:
    """Stands in for ``yfinance.download`` and ``yfinance.Ticker``.

    ``failures`` maps a ticker to how it fails; ``fail_all`` makes every ticker fail:
    ``"unknown"`` (empty frame, logs 'possibly delisted'), ``"ratelimit"`` (empty frame, logs
    YFRateLimitError, as yfinance's download swallows it), ``"empty"`` (empty frame, no log),
    ``"allnan"`` (the requested dates, every value NaN), ``"network"`` (raises ConnectionError),
    ``"network-logged"`` (empty frame, logs the ConnectionError repr as yfinance's download does).
    A range without trading days gives an empty frame and logs 'possibly delisted; no price data
    found' as yfinance does, except in mode ``"silent-when-empty"`` (empty frame, no message).
    ``forbid=True``: any call is a test failure (offline reads).
    """

    def __init__(self):
        self.calls: list[dict] = []
        self.failures: dict[str, str] = {}
        self.fail_all: str | None = None
        self.forbid = False
        self.overrides: dict[str, pd.DataFrame] = {}
        self.log = logging.getLogger("yfinance")

    def reset(self):
        self.calls.clear()
        self.failures.clear()
        self.fail_all = None
        self.forbid = False
        self.overrides.clear()

    # -- helpers
    def _noise(self):
        print(YF_NOISE_OUT)
        print(YF_NOISE_ERR, file=sys.stderr)

    def _source(self, ticker):
        if ticker in self.overrides:
            return self.overrides[ticker].copy()
        return source(ticker)

    def _mode(self, ticker):
        if self.fail_all:
            return self.fail_all
        if ticker in self.failures:
            return self.failures[ticker]
        try:
            self._source(ticker)
        except KeyError:
            return "unknown"
        return None

    def _slice(self, ticker, start, end, period, auto_adjust):
        if start is None and period not in ("max", None):
            raise AssertionError(f"the fake only serves period='max' or start/end, got period={period!r}")
        if start is None and period is None and end is None:
            raise AssertionError("yfinance would return only the last month here (period default)")
        frame = self._source(ticker)
        if start is not None:
            frame = frame[frame.index >= pd.Timestamp(start)]
        if end is not None:
            frame = frame[frame.index < pd.Timestamp(end)]  # end exclusive, as in yfinance
        if auto_adjust:
            frame = yahoo_adjust(frame)
        return frame

    # -- yfinance.download (same signature as yfinance 1.7, no **kwargs)
    def download(self, tickers, start=None, end=None, actions=False, threads=True,
                 ignore_tz=None, group_by='column', auto_adjust=_UNSET, back_adjust=False,
                 repair=False, keepna=False, progress=True, period=_UNSET, interval="1d",
                 prepost=False, rounding=False, timeout=10, session=None,
                 multi_level_index=True):
        call = dict(fn="download", tickers=tickers, start=start, end=end, interval=interval,
                    auto_adjust=auto_adjust, period=None if period is _UNSET else period,
                    group_by=group_by, actions=actions, progress=progress)
        self.calls.append(call)
        self._noise()
        if self.forbid:
            raise AssertionError("the network (yfinance) was used during an offline read")
        names = tickers if isinstance(tickers, (list, tuple, set)) else tickers.replace(",", " ").split()
        names = sorted({t.upper() for t in names})
        adjust = True if auto_adjust is _UNSET else auto_adjust
        parts, errors = {}, []
        for t in names:
            mode = self._mode(t)
            if mode == "network":
                raise ConnectionError("Failed to perform, curl: (6) Could not resolve host: "
                                      "query2.finance.yahoo.com")
            if mode in ("unknown", "ratelimit", "empty", "network-logged"):
                parts[t] = None
                msg = {"unknown": f"['{t}']: {DELISTED}", "ratelimit": f"['{t}']: {RATE_LIMITED}",
                       "network-logged": f"['{t}']: ConnectionError('Failed to perform, curl: (6) "
                                         "Could not resolve host: query2.finance.yahoo.com')"}.get(mode)
                if msg:
                    errors.append(msg)
                continue
            frame = self._slice(t, start, end, None if period is _UNSET else period, adjust)
            if mode == "allnan":
                frame = frame.astype(float) * np.nan
            if frame.empty and mode != "silent-when-empty":  # e.g. a weekend: yfinance logs and gives nothing
                errors.append(f"['{t}']: possibly delisted; no price data found  ({interval} {start} -> {end})")
                frame = None
            parts[t] = frame
        if errors:
            self.log.error("\n%d Failed download%s:", len(errors), "s" if len(errors) > 1 else "")
            for e in errors:
                self.log.error(e)
        cols = ["Adj Close", "Close", "High", "Low", "Open", "Volume"] if not adjust else \
            ["Close", "High", "Low", "Open", "Volume"]
        idx = None
        for f in parts.values():
            if f is not None and len(f):
                idx = f.index if idx is None else idx.union(f.index)
        if idx is None:
            idx = pd.DatetimeIndex([], name="Date")
            cols = ["Adj Close", "Close", "High", "Low", "Open", "Volume"]  # yfinance's empty_df()
        blocks = {}
        for t, f in parts.items():
            f = (pd.DataFrame(np.nan, index=idx, columns=cols) if f is None else f.reindex(idx))[cols]
            blocks[t] = f
        out = pd.concat(blocks, axis=1, names=["Ticker", "Price"])
        out.index.name = "Date"
        if group_by == "column":
            out.columns = out.columns.swaplevel(0, 1)
            out = out.sort_index(level=0, axis=1)
        if not multi_level_index and len(names) == 1:
            out = out.droplevel(0 if group_by == "ticker" else 1, axis=1).rename_axis(None, axis=1)
        return out

    # -- yfinance.Ticker(...).history(...): flat columns, tz-aware index, action columns
    def Ticker(self, ticker, session=None):  # noqa: N802 - mirrors yfinance.Ticker
        fake = self

        class _Ticker:
            def __init__(self):
                self.ticker = ticker.upper()

            def history(self, period="1mo", interval="1d", start=None, end=None, prepost=False,
                        actions=True, auto_adjust=True, back_adjust=False, repair=False, keepna=False,
                        rounding=False, timeout=10, raise_errors=False):
                fake.calls.append(dict(fn="history", tickers=self.ticker, start=start, end=end,
                                       interval=interval, auto_adjust=auto_adjust, period=period))
                fake._noise()
                if fake.forbid:
                    raise AssertionError("the network (yfinance) was used during an offline read")
                mode = fake._mode(self.ticker)
                if mode == "network":
                    raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")
                if mode in ("unknown", "ratelimit", "empty", "network-logged"):
                    fake.log.error(f"${self.ticker}: {DELISTED if mode == 'unknown' else RATE_LIMITED}")
                    return pd.DataFrame(columns=["Open", "High", "Low", "Close", "Volume"])
                frame = fake._slice(self.ticker, start, end, period if start is None else None, auto_adjust)
                if mode == "allnan":
                    frame = frame.astype(float) * np.nan
                frame.index = frame.index.tz_localize(NY)
                if actions:
                    frame["Dividends"] = 0.0
                    frame["Stock Splits"] = 0.0
                return frame

        return _Ticker()

    # -- queries
    def downloads(self):
        return [c for c in self.calls if c["fn"] == "download"]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No stray environment, no real network, no writes to the user's cache."""
    monkeypatch.delenv("EWMAKIT_OFFLINE", raising=False)
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(tmp_path / "default-cache-from-env"))
    import yfinance

    def _no_network(*args, **kwargs):
        raise AssertionError("real yfinance used in a test")

    monkeypatch.setattr(yfinance, "download", _no_network)
    monkeypatch.setattr(yfinance, "Ticker", _no_network)


@pytest.fixture
def real_yf_download_signature():
    import yfinance.multi

    return inspect.signature(yfinance.multi.download)


@pytest.fixture
def fake_yf(monkeypatch):
    """The fake installed as yfinance.download / yfinance.Ticker (needs the shared data)."""
    _shared()
    _source_cached("SPY")
    _source_cached("TSLA")
    import yfinance

    fake = FakeYahoo()
    monkeypatch.setattr(yfinance, "download", fake.download)
    monkeypatch.setattr(yfinance, "Ticker", fake.Ticker)
    return fake


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def cache_path(folder: Path, ticker="SPY", interval="1d", adjusted=True) -> Path:
    return folder / f"{ticker}_{interval}_{'adj' if adjusted else 'raw'}.parquet"


def only_file(folder: Path) -> list[str]:
    """The files in a cache folder but the lock files (``.<cache file>.lock``, empty, kept on purpose)."""
    return sorted(p.name for p in folder.iterdir() if not is_lock_file(p.name))


def is_lock_file(name: str) -> bool:
    return name.startswith(".") and name.endswith(".parquet.lock")


# =========================================================================== the fake itself


def test_fake_matches_real_yfinance_layout_and_signature(fake_yf, real_yf_download_signature):
    # same parameters as the real yf.download, so the module cannot pass one yfinance lacks
    fake_params = list(inspect.signature(FakeYahoo.download).parameters)[1:]
    assert fake_params == list(real_yf_download_signature.parameters)
    # auto_adjust=False, one ticker: exactly the frame to_csv wrote (SPY_daily_yf_multiindex.csv)
    got = fake_yf.download("SPY", start="2015-01-01", end="2026-07-01", auto_adjust=False, progress=False)
    pd.testing.assert_frame_equal(got, multiindex_csv(), check_freq=False)
    # end is exclusive, auto_adjust=True scales OHLC and drops Adj Close
    adj = fake_yf.download("SPY", start="2020-03-13", end="2020-03-16", auto_adjust=True, progress=False)
    assert list(adj.columns.get_level_values(0)) == ["Close", "High", "Low", "Open", "Volume"]
    assert list(adj.index) == [pd.Timestamp("2020-03-13")]
    assert adj[("Close", "SPY")].iloc[0] == source("SPY").loc["2020-03-13", "Adj Close"]
    assert len(fake_yf.calls) == 2


# =========================================================================== normalize


def test_normalize_download_multiindex_price_ticker():
    raw = multiindex_csv()
    assert raw.columns.names == ["Price", "Ticker"]
    got = normalize(raw)
    assert list(got.columns) == FIELDS_RAW
    assert got.index.name == "Date" and got.index.tz is None
    assert got.index.is_monotonic_increasing and not got.index.has_duplicates
    assert len(got) == 2888
    assert got.index[0] == pd.Timestamp("2015-01-02") and got.index[-1] == pd.Timestamp("2026-06-29")
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert got.loc["2020-03-16", "Adj Close"] == SPY_ADJ_CLOSE_2020_03_16_MULTI
    assert got.loc["2020-03-16", "Open"] == 241.17999267578125
    assert got.loc["2020-03-16", "High"] == 256.8999938964844
    assert got.loc["2020-03-16", "Low"] == 237.36000061035156
    assert got.loc["2020-03-16", "Volume"] == 297240000
    assert got.loc["2020-02-19", "Close"] == pytest.approx(338.34, abs=0.005)
    assert got.loc["2020-12-31", "Close"] == pytest.approx(373.88, abs=0.005)
    # the -10.94 % day of SOURCES.md
    assert got["Close"].pct_change().loc["2020-03-16"] == pytest.approx(-0.1094, abs=5e-5)


def test_normalize_group_by_ticker_levels_swapped():
    raw = multiindex_csv()
    swapped = raw.swaplevel(0, 1, axis=1)  # yf.download(..., group_by="ticker")
    assert swapped.columns.names == ["Ticker", "Price"]
    got = normalize(swapped)
    want = normalize(raw)
    pd.testing.assert_frame_equal(got, want)
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16


@pytest.mark.parametrize("drop_adj", [False, True], ids=["with-adj-close", "no-adj-close"])
def test_normalize_flat_download_layout(drop_adj):
    raw = multiindex_csv().droplevel("Ticker", axis=1)  # multi_level_index=False
    if drop_adj:
        raw = raw.drop(columns="Adj Close")
    got = normalize(raw)
    assert list(got.columns) == (FIELDS_ADJ if drop_adj else FIELDS_RAW)
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert got.loc["2020-12-31", "Close"] == pytest.approx(373.88, abs=0.005)


def test_normalize_auto_adjusted_multiindex_layout():
    # the yfinance >= 0.2.51 default (auto_adjust=True): Price,Close,High,Low,Open,Volume
    raw = multiindex_csv()
    adj = yahoo_adjust(raw.xs("SPY", axis=1, level=1))
    adj.columns = pd.MultiIndex.from_product([adj.columns, ["SPY"]], names=["Price", "Ticker"])
    adj = adj.sort_index(axis=1, level=0)
    got = normalize(adj)
    assert list(got.columns) == FIELDS_ADJ
    assert got.loc["2020-03-16", "Close"] == SPY_ADJ_CLOSE_2020_03_16_MULTI
    assert got.loc["2020-03-16", "Open"] == pytest.approx(
        241.17999267578125 * SPY_ADJ_CLOSE_2020_03_16_MULTI / SPY_CLOSE_2020_03_16, rel=1e-15)


def test_normalize_ticker_history_layout_tz_aware_with_actions():
    raw = history_frame()
    assert str(raw.index.tz) == NY
    assert {"Dividends", "Stock Splits", "Capital Gains"} <= set(raw.columns)
    got = normalize(raw)
    assert list(got.columns) == FIELDS_ADJ  # action columns dropped
    assert got.index.tz is None and got.index.name == "Date"
    assert len(got) == 8039
    # calendar dates of the exchange, not UTC instants (both sides of a DST change)
    assert got.index[0] == pd.Timestamp("1993-01-29")
    assert got.index[-1] == pd.Timestamp("2025-01-02")
    assert (got.index == got.index.normalize()).all()
    assert got.loc["2020-03-16", "Close"] == pytest.approx(222.37, abs=0.01)
    assert got.loc["2020-03-16", "Close"] == HISTORY_CLOSE_2020_03_16
    assert got.loc["2020-03-16", "Volume"] == 297240000
    assert pd.Timestamp("2001-09-11") not in got.index  # the closure
    assert got.loc["2001-09-17"].name == pd.Timestamp("2001-09-17")


def test_normalize_history_index_as_text_with_mixed_offsets():
    # a Ticker.history export read back without date parsing: offsets -05:00 and -04:00
    raw = pd.read_csv(_shared("SPY_history_max_autoadjusted_tz.csv"), index_col=0)
    assert raw.index[0] == "1993-01-29 00:00:00-05:00"
    got = normalize(raw)
    assert got.index.tz is None and len(got) == 8039
    assert got.loc["2020-03-16", "Close"] == HISTORY_CLOSE_2020_03_16
    pd.testing.assert_frame_equal(got, normalize(history_frame()), check_index_type=False)


@pytest.mark.parametrize("name, close", [("SPY_daily.csv", SPY_CLOSE_2020_03_16),
                                         ("TSLA_daily.csv", TSLA_CLOSE_2020_03_16)])
def test_normalize_flat_csv_frames(name, close):
    got = normalize(flat_csv(name))
    assert list(got.columns) == FIELDS_RAW
    assert len(got) == 2888
    assert got.loc["2020-03-16", "Close"] == close
    if name.startswith("TSLA"):  # no dividends: Close == Adj Close on every row
        np.testing.assert_array_equal(got["Close"].to_numpy(), got["Adj Close"].to_numpy())


def test_normalize_panel_file_adjclose_and_dividends():
    raw = flat_csv("panel_2005_2026/SPY.csv")
    assert "AdjClose" in raw.columns and "Dividends" in raw.columns
    got = normalize(raw)
    assert list(got.columns) == FIELDS_RAW
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert got.loc["2020-03-16", "Adj Close"] == 219.191162109375


def test_normalize_several_tickers_and_pick_one():
    spy = multiindex_csv()
    tsla = flat_csv("TSLA_daily.csv")[["Adj Close", "Close", "High", "Low", "Open", "Volume"]]
    tsla.columns = pd.MultiIndex.from_product([tsla.columns, ["TSLA"]], names=["Price", "Ticker"])
    both = pd.concat([spy, tsla], axis=1).sort_index(axis=1, level=0)
    panel = normalize(both)
    assert isinstance(panel.columns, pd.MultiIndex)
    assert list(panel.columns.get_level_values(0).unique()) == FIELDS_RAW
    assert list(panel["Close"].columns) == ["SPY", "TSLA"]
    assert panel["Close"].loc["2020-03-16"].tolist() == [SPY_CLOSE_2020_03_16, TSLA_CLOSE_2020_03_16]
    one = normalize(both, ticker="TSLA")
    assert list(one.columns) == FIELDS_RAW
    assert one.loc["2020-03-16", "Close"] == TSLA_CLOSE_2020_03_16
    with pytest.raises(DataError, match="QQQ"):
        normalize(both, ticker="QQQ")


@pytest.mark.parametrize("ticker", ["LOW", "OPEN"])  # Lowe's, Opendoor: tickers spelled like a field
def test_normalize_ticker_named_like_a_field(ticker):
    raw = multiindex_csv().rename(columns={"SPY": ticker}, level="Ticker")
    want = normalize(multiindex_csv())
    pd.testing.assert_frame_equal(normalize(raw), want)
    pd.testing.assert_frame_equal(normalize(raw.swaplevel(0, 1, axis=1)), want)  # group_by="ticker"
    flat = raw.droplevel("Ticker", axis=1)
    pd.testing.assert_frame_equal(normalize(flat, ticker=ticker), want)


def test_normalize_duplicated_and_unsorted_dates_last_row_wins():
    base = normalize(multiindex_csv()).loc["2020-03-10":"2020-03-16"]  # 5 trading days
    shuffled = base.iloc[[3, 0, 4, 1, 2]]
    dup = base.iloc[[1]].copy()
    dup[["Open", "High", "Low", "Close", "Adj Close"]] = [1.0, 2.0, 0.5, 1.5, 1.25]
    dup["Volume"] = 7
    raw = pd.concat([base.iloc[[1]], shuffled, dup])  # the same date three times; the last is `dup`
    got = normalize(raw)
    assert list(got.index) == list(base.index)
    assert got.loc[base.index[1]].tolist() == [1.0, 2.0, 0.5, 1.5, 1.25, 7]
    others = [d for i, d in enumerate(base.index) if i != 1]
    pd.testing.assert_frame_equal(got.loc[others], base.loc[others])


def test_normalize_drops_all_nan_rows():
    base = normalize(multiindex_csv()).loc["2020-03-10":"2020-03-16"]
    nan_rows = pd.DataFrame(np.nan, columns=base.columns,
                            index=pd.DatetimeIndex(["2020-03-14", "2020-03-15"], name="Date"))
    got = normalize(pd.concat([base, nan_rows]))
    assert list(got.index) == list(base.index)
    np.testing.assert_array_equal(got["Close"].to_numpy(), base["Close"].to_numpy())
    np.testing.assert_array_equal(got["Volume"].to_numpy(), base["Volume"].to_numpy())
    # the all-NaN frame of a failed ticker is "no rows", never rows of NaN
    assert len(normalize(pd.concat([base.iloc[:0], nan_rows]))) == 0


@pytest.mark.parametrize("bad, reason", [
    (None, "DataFrame"),
    (pd.DataFrame(), "empty"),
    (pd.DataFrame({"Foo": [1.0]}, index=pd.to_datetime(["2020-01-02"])), "Close"),
    (pd.DataFrame({"Close": ["abc"]}, index=pd.to_datetime(["2020-01-02"])), "non-numeric"),
    (pd.DataFrame({"Close": [1.0]}, index=["not a date"]), "not dates"),
])
def test_normalize_errors(bad, reason):
    with pytest.raises(DataError, match=reason):
        normalize(bad)


# =========================================================================== read_csv


def test_read_csv_flat_spy():
    got = read_csv(_shared("SPY_daily.csv"))
    assert list(got.columns) == FIELDS_RAW
    assert len(got) == 2888 and got.index.tz is None and got.index.name == "Date"
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert got.loc["2020-03-16", "Adj Close"] == 218.62791442871094
    assert got.loc["2020-02-19", "Close"] == pytest.approx(338.34, abs=0.005)
    assert got.loc["2020-12-31", "Close"] == pytest.approx(373.88, abs=0.005)


def test_read_csv_flat_tsla_split_adjusted():
    got = read_csv(_shared("TSLA_daily.csv"))
    assert list(got.columns) == FIELDS_RAW and len(got) == 2888
    assert got.loc["2020-03-16", "Close"] == TSLA_CLOSE_2020_03_16
    assert round(got.loc["2020-03-16", "Close"], 2) == 29.67
    np.testing.assert_array_equal(got["Close"].to_numpy(), got["Adj Close"].to_numpy())


def test_read_csv_three_line_header_equals_flat_file():
    multi = read_csv(_shared("SPY_daily_yf_multiindex.csv"))
    flat = read_csv(_shared("SPY_daily.csv"))
    assert list(multi.columns) == FIELDS_RAW
    assert len(multi) == 2888  # the "Date,,,,,," header line is not a row
    assert multi.index[0] == pd.Timestamp("2015-01-02")
    pd.testing.assert_index_equal(multi.index, flat.index)
    for c in ("Open", "High", "Low", "Close", "Volume"):  # identical data (SOURCES.md)
        np.testing.assert_array_equal(multi[c].to_numpy(), flat[c].to_numpy(), err_msg=c)
    assert np.abs(multi["Adj Close"] - flat["Adj Close"]).max() <= 2.5e-4
    pd.testing.assert_frame_equal(multi, normalize(multiindex_csv()), check_index_type=False)


def test_read_csv_history_export_with_offsets():
    got = read_csv(_shared("SPY_history_max_autoadjusted_tz.csv"))
    assert list(got.columns) == FIELDS_ADJ
    assert got.index.tz is None and len(got) == 8039
    assert got.index[0] == pd.Timestamp("1993-01-29") and got.index[-1] == pd.Timestamp("2025-01-02")
    assert got.loc["2020-03-16", "Close"] == pytest.approx(222.37, abs=0.01)
    assert got.loc["2020-03-16", "Close"] == HISTORY_CLOSE_2020_03_16
    assert got.loc["2020-03-16", "Volume"] == 297240000


@pytest.mark.parametrize("ticker", ["SPY", "QQQ", "GLD", "TLT", "IWM"])
def test_read_csv_panel_files(ticker):
    got = read_csv(_shared("panel_2005_2026", f"{ticker}.csv"))
    raw = flat_csv(f"panel_2005_2026/{ticker}.csv")
    assert list(got.columns) == FIELDS_RAW  # AdjClose -> Adj Close, Dividends dropped
    assert len(got) == 5366
    assert got.index[0] == pd.Timestamp("2005-01-03") and got.index[-1] == pd.Timestamp("2026-05-01")
    np.testing.assert_array_equal(got["Close"].to_numpy(), raw["Close"].to_numpy())
    np.testing.assert_array_equal(got["Adj Close"].to_numpy(), raw["AdjClose"].to_numpy())
    np.testing.assert_array_equal(got["Volume"].to_numpy(), raw["Volume"].to_numpy())
    if ticker == "SPY":
        assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16


@pytest.mark.parametrize("content, reason", [
    (b"", r"not a price table"),
    (b"a,b,c\n1,2,3\n4,5,6\n", r"no Date column"),
    (b"This is not a CSV file.\nJust some words, and a comma, or two.\nThe end.\n", r"no Date column"),
    (b"Date,Open,High,Low,Close,Volume\nyesterday,one,two,three,four,five\n", r"not a price table"),
    (b"Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,abc,100\n", r"non-numeric"),
    (b"Date,Foo,Bar\n2020-01-02,1,2\n", r"no Close column"),
    (b"Date,Open,High,Low,Close,Volume\n", r"empty"),
    (b"\xff\xfe\x00\x01binary\x00garbage\xff", r"cannot read|not a price table"),
    (b"Price,Close\nTicker,SPY\nDate,\n", r"not a price table"),
], ids=["empty-file", "no-dates", "prose", "text-dates", "text-prices", "no-close", "header-only",
        "binary", "three-line-header-no-rows"])
def test_read_csv_bad_inputs(tmp_path, content, reason):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(DataError, match=reason) as info:
        read_csv(p)
    assert "bad.csv" in str(info.value)


def test_read_csv_missing_file_and_directory(tmp_path):
    with pytest.raises(DataError, match="no such file") as info:
        read_csv(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)
    with pytest.raises(DataError, match="no such file"):
        read_csv(tmp_path)


# =========================================================================== samples


def test_sample_sp500_values():
    df = data.sample("sp500")
    assert list(df.columns) == FIELDS_ADJ
    assert df.index.name == "Date" and df.index.tz is None
    assert df.index[0] == pd.Timestamp("1999-01-04")
    assert df["Close"].iloc[0] == pytest.approx(1228.099976, abs=1e-6)
    assert df.index[-1] == pd.Timestamp("2018-12-31")
    assert df.index.is_monotonic_increasing and not df.index.has_duplicates
    df.loc[df.index[0], "Close"] = -1.0  # a fresh copy each call
    assert data.sample("sp500")["Close"].iloc[0] == pytest.approx(1228.099976, abs=1e-6)
    assert data.samples() == ["nasdaq", "sp500"]
    nasdaq = data.sample("nasdaq")
    assert nasdaq.index[0] == pd.Timestamp("1999-01-04") and nasdaq["Close"].iloc[0] != df["Close"].iloc[0]


@pytest.mark.parametrize("name", ["nope", "SP500", "", 3])
def test_sample_unknown(name):
    with pytest.raises(DataError, match="nasdaq, sp500"):
        data.sample(name)


# =========================================================================== download


def test_download_one_ticker_canonical_and_exact(fake_yf, cache):
    got = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2021-01-01", auto_adjust=False))
    assert got.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert got.loc["2020-02-19", "Close"] == pytest.approx(338.34, abs=0.005)
    assert got.loc["2020-12-31", "Close"] == pytest.approx(373.88, abs=0.005)
    assert got.index[0] == pd.Timestamp("2020-01-02") and got.index[-1] == pd.Timestamp("2020-12-31")
    assert len(got) == 253
    assert len(fake_yf.calls) == 1
    call = fake_yf.calls[0]
    assert call["auto_adjust"] is False and call["interval"] == "1d"
    assert pd.Timestamp(call["start"]) == pd.Timestamp("2020-01-01")
    assert pd.Timestamp(call["end"]) == pd.Timestamp("2021-01-01")
    assert only_file(cache) == ["SPY_1d_raw.parquet"]


def test_download_auto_adjusted_default(fake_yf, cache):
    got = download("SPY", "2020-03-01", "2020-04-01", cache_dir=cache)
    assert list(got.columns) == FIELDS_ADJ
    assert_frames_equal(got, expected("SPY", "2020-03-01", "2020-04-01", auto_adjust=True))
    assert got.loc["2020-03-16", "Close"] == SPY_ADJ_CLOSE_2020_03_16_MULTI
    assert fake_yf.calls[0]["auto_adjust"] is True  # passed explicitly, not yfinance's default


def test_download_end_is_exclusive(fake_yf, cache):
    one = download("SPY", "2020-03-16", "2020-03-17", auto_adjust=False, cache_dir=cache)
    assert list(one.index) == [pd.Timestamp("2020-03-16")]
    assert one["Close"].tolist() == [SPY_CLOSE_2020_03_16]
    before = download("SPY", "2020-03-09", "2020-03-16", auto_adjust=False, cache_dir=cache)
    assert before.index[-1] == pd.Timestamp("2020-03-13")
    assert pd.Timestamp("2020-03-16") not in before.index
    assert len(before) == 5


def test_download_start_none_means_whole_history(fake_yf, cache):
    got = download("SPY", end="2015-01-10", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", None, "2015-01-10", auto_adjust=False))
    assert len(got) == 6 and got.index[0] == pd.Timestamp("2015-01-02")
    n = len(fake_yf.calls)
    again = download("SPY", end="2015-01-10", auto_adjust=False, cache_dir=cache)
    assert len(fake_yf.calls) == n
    pd.testing.assert_frame_equal(again, got)


@pytest.mark.parametrize("auto_adjust", [True, False])
def test_second_identical_call_is_served_from_cache(fake_yf, cache, auto_adjust):
    first = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=auto_adjust, cache_dir=cache)
    assert len(fake_yf.calls) == 1
    second = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=auto_adjust, cache_dir=cache)
    assert len(fake_yf.calls) == 1
    pd.testing.assert_frame_equal(second, first)
    # a sub-range is served too
    sub = download("SPY", "2020-03-01", "2020-04-01", auto_adjust=auto_adjust, cache_dir=cache)
    assert len(fake_yf.calls) == 1
    pd.testing.assert_frame_equal(sub, first.loc["2020-03-01":"2020-03-31"])
    # the ticker is case-insensitive: same cache
    low = download("spy", "2020-01-01", "2021-01-01", auto_adjust=auto_adjust, cache_dir=cache)
    assert len(fake_yf.calls) == 1
    pd.testing.assert_frame_equal(low, first)


def test_range_extension_fetches_only_the_missing_parts(fake_yf, cache):
    first = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert len(fake_yf.calls) == 1
    wide = download("SPY", "2019-07-01", "2021-01-01", auto_adjust=False, cache_dir=cache)
    asked = sorted((pd.Timestamp(c["start"]), pd.Timestamp(c["end"])) for c in fake_yf.calls[1:])
    # an extension next to cached rows re-asks 5 of them, to notice rescaled history
    assert asked == [(pd.Timestamp("2019-07-01"), fwd5("2020-01-01")),
                     (back5("2020-07-01"), pd.Timestamp("2021-01-01"))]
    assert fwd5("2020-01-01") == pd.Timestamp("2020-01-09")
    assert back5("2020-07-01") == pd.Timestamp("2020-06-24")
    assert all(c["auto_adjust"] is False for c in fake_yf.calls)
    assert_frames_equal(wide, expected("SPY", "2019-07-01", "2021-01-01", auto_adjust=False))
    pd.testing.assert_frame_equal(wide.loc[first.index], first)
    # the merged cache serves both requests, with no further call (offline even)
    fake_yf.forbid = True
    n = len(fake_yf.calls)
    again_first = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache, offline=True)
    again_wide = download("SPY", "2019-07-01", "2021-01-01", auto_adjust=False, cache_dir=cache, offline=True)
    assert len(fake_yf.calls) == n
    pd.testing.assert_frame_equal(again_first, first)
    pd.testing.assert_frame_equal(again_wide, wide)
    assert only_file(cache) == ["SPY_1d_raw.parquet"]


def test_hole_between_two_cached_ranges_is_the_only_fetch(fake_yf, cache):
    download("SPY", "2020-01-01", "2020-03-01", auto_adjust=False, cache_dir=cache)
    download("SPY", "2020-05-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    whole = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    asked = [(pd.Timestamp(c["start"]), pd.Timestamp(c["end"])) for c in fake_yf.calls]
    # the second range is more than 10 days from the first: nothing to overlap
    assert asked == [(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-03-01")),
                     (pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-01")),
                     (back5("2020-03-01"), pd.Timestamp("2020-05-01"))]
    assert_frames_equal(whole, expected("SPY", "2020-01-01", "2020-07-01", auto_adjust=False))
    download("SPY", "2019-12-01", "2020-08-01", auto_adjust=False, cache_dir=cache)
    asked = [(pd.Timestamp(c["start"]), pd.Timestamp(c["end"])) for c in fake_yf.calls[3:]]
    assert asked == [(pd.Timestamp("2019-12-01"), fwd5("2020-01-01")),
                     (back5("2020-07-01"), pd.Timestamp("2020-08-01"))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(windows=st.lists(st.tuples(st.integers(0, 700), st.integers(14, 200)), min_size=1, max_size=5))
def test_cache_property_never_refetches_and_always_exact(fake_yf, windows):
    """Any sequence of requests: exact values, and no date is asked of yfinance twice but for the
    overlap of at most 5 cached rows that each extension re-asks to notice rescaled history (a
    holiday at the edge of a reply is asked once more: the warning then names days without trading)."""
    fake_yf.reset()
    origin = pd.Timestamp("2019-01-01")
    with tempfile.TemporaryDirectory() as tmp:
        fetched: list[tuple[pd.Timestamp, pd.Timestamp]] = []
        for offset, length in windows:
            start, end = origin + pd.Timedelta(days=offset), origin + pd.Timedelta(days=offset + length)
            n = len(fake_yf.calls)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                got = download("SPY", start, end, auto_adjust=False, cache_dir=tmp)
            for w in caught:  # "Yahoo sent no data for SPY from A to B again: ..." about holidays only
                a, b = re.search(r"from (\S+) to (\S+) again", str(w.message)).groups()
                assert trading_days(a, b) == [], str(w.message)
            assert_frames_equal(got, expected("SPY", start, end, auto_adjust=False))
            for c in fake_yf.calls[n:]:
                a, b = pd.Timestamp(c["start"]), pd.Timestamp(c["end"])
                assert a < b and (a >= start or b <= end)  # an overlap extends one side only
                days = trading_days(a, b)
                again = [d for d in days if any(x <= d < y for x, y in fetched)]
                assert len(again) <= 5, (a, b, fetched)
                assert again in (days[:len(again)], days[len(days) - len(again):]), (a, b, fetched)
                fetched.append((a, b))
        lo = origin + pd.Timedelta(days=min(o for o, _ in windows))
        hi = origin + pd.Timedelta(days=max(o + n for o, n in windows))
        fake_yf.forbid = True
        with warnings.catch_warnings():  # a gap between windows may warn; what matters is the data
            warnings.simplefilter("ignore", UserWarning)
            everything = download("SPY", lo, hi, auto_adjust=False, cache_dir=tmp, offline=True)
        want = pd.concat([expected("SPY", origin + pd.Timedelta(days=o), origin + pd.Timedelta(days=o + n),
                                   auto_adjust=False) for o, n in windows])
        want = want[~want.index.duplicated()].sort_index()
        # every requested date is there with exact values; extra dates (fetched as overlaps) are exact too
        assert want.index.isin(everything.index).all()
        assert_frames_equal(everything, expected("SPY", lo, hi, auto_adjust=False).loc[everything.index])


def trading_days(a, b) -> list:
    """SPY's trading days in [a, b) (from the real file the fake serves)."""
    idx = source("SPY").index
    return list(idx[(idx >= pd.Timestamp(a)) & (idx < pd.Timestamp(b))])


def fwd5(date) -> pd.Timestamp:
    """The day after the 5th SPY trading day from ``date`` on: where a fetch ending next to cached rows ends."""
    idx = source("SPY").index
    return idx[idx >= pd.Timestamp(date)][4] + pd.Timedelta(days=1)


def back5(date) -> pd.Timestamp:
    """The 5th-last SPY trading day before ``date``: where an extension of a cache ending there starts."""
    idx = source("SPY").index
    return idx[idx < pd.Timestamp(date)][-5]


def _has_gap(windows) -> bool:
    spans = sorted((o, o + n) for o, n in windows)
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a > reach:
            return True
        reach = max(reach, b)
    return False


def test_offline_reads_cache_only(fake_yf, cache):
    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    fake_yf.forbid = True
    n = len(fake_yf.calls)
    got = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True)
    pd.testing.assert_frame_equal(got, first)
    assert len(fake_yf.calls) == n
    # only part of the range cached: the cached part and a warning naming what is missing
    with pytest.warns(UserWarning, match="SPY") as rec:
        part = download("SPY", "2019-12-01", "2020-08-01", cache_dir=cache, offline=True)
    text = " ".join(str(w.message) for w in rec)
    assert "2019-12-01" in text and "2020-01-01" in text
    assert "2020-07-01" in text and "2020-08-01" in text
    pd.testing.assert_frame_equal(part, first)
    # nothing cached for the ticker, or for the other adjustment
    with pytest.raises(DataError, match="TSLA"):
        download("TSLA", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True)
    with pytest.raises(DataError, match="SPY"):
        download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache, offline=True)
    assert len(fake_yf.calls) == n


def test_env_offline_honoured(fake_yf, cache, monkeypatch):
    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    fake_yf.forbid = True
    n = len(fake_yf.calls)
    monkeypatch.setenv("EWMAKIT_OFFLINE", "1")
    got = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    pd.testing.assert_frame_equal(got, first)
    with pytest.raises(DataError, match="TSLA"):
        download("TSLA", "2020-01-01", "2020-07-01", cache_dir=cache)
    with pytest.warns(UserWarning, match="2020-07-01"):
        download("SPY", "2020-01-01", "2020-08-01", cache_dir=cache)
    assert len(fake_yf.calls) == n


def test_env_data_dir_honoured(fake_yf, tmp_path, monkeypatch):
    env_dir = tmp_path / "from-env"
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(env_dir))
    assert data.cache_folder() == env_dir
    got = download("SPY", "2020-03-01", "2020-04-01")
    assert only_file(env_dir) == ["SPY_1d_adj.parquet"]
    assert_frames_equal(got, expected("SPY", "2020-03-01", "2020-04-01"))
    # served from there
    fake_yf.forbid = True
    pd.testing.assert_frame_equal(download("SPY", "2020-03-01", "2020-04-01", offline=True), got)
    # cache_dir beats the environment
    fake_yf.forbid = False
    explicit = tmp_path / "explicit"
    download("TSLA", "2020-03-01", "2020-04-01", cache_dir=explicit)
    assert only_file(explicit) == ["TSLA_1d_adj.parquet"]
    assert only_file(env_dir) == ["SPY_1d_adj.parquet"]
    assert data.cache_folder(explicit) == explicit


def test_default_cache_folder_is_user_cache_dir(monkeypatch):
    import platformdirs

    monkeypatch.delenv("EWMAKIT_DATA_DIR", raising=False)
    assert data.cache_folder() == Path(platformdirs.user_cache_dir("ewmakit"))


def test_auto_adjust_true_and_false_use_different_cache_files(fake_yf, cache):
    adj = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=True, cache_dir=cache)
    raw = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache)
    assert [c["auto_adjust"] for c in fake_yf.calls] == [True, False]
    assert only_file(cache) == ["SPY_1d_adj.parquet", "SPY_1d_raw.parquet"]
    assert "Adj Close" not in adj and "Adj Close" in raw
    assert adj.loc["2020-03-16", "Close"] == SPY_ADJ_CLOSE_2020_03_16_MULTI
    assert raw.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    # each served from its own file
    fake_yf.forbid = True
    pd.testing.assert_frame_equal(download("SPY", "2020-01-01", "2021-01-01", auto_adjust=True,
                                           cache_dir=cache, offline=True), adj)
    pd.testing.assert_frame_equal(download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False,
                                           cache_dir=cache, offline=True), raw)


@pytest.mark.parametrize("kwargs, want", [({}, True), ({"auto_adjust": True}, True),
                                          ({"auto_adjust": False}, False)])
def test_yfinance_always_gets_auto_adjust_explicitly(fake_yf, cache, real_yf_download_signature, kwargs, want):
    download(["SPY", "TSLA"], "2020-01-01", "2020-02-01", cache_dir=cache, **kwargs)
    download("SPY", "2019-12-01", "2020-03-01", cache_dir=cache, refresh=True, **kwargs)
    assert len(fake_yf.calls) >= 3
    for c in fake_yf.calls:
        assert c["auto_adjust"] is not _UNSET, c
        assert c["auto_adjust"] is want, c


def test_panel_of_several_tickers(fake_yf, tmp_path):
    panel = download(["SPY", "TSLA"], "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=tmp_path / "p")
    assert isinstance(panel.columns, pd.MultiIndex) and panel.columns.nlevels == 2
    assert list(panel.columns.get_level_values(0).unique()) == FIELDS_RAW
    close = panel["Close"]
    assert list(close.columns) == ["SPY", "TSLA"]
    assert close.loc["2020-03-16"].tolist() == [SPY_CLOSE_2020_03_16, TSLA_CLOSE_2020_03_16]
    assert panel.index.name == "Date" and panel.index.tz is None
    for t in ("SPY", "TSLA"):
        single = download(t, "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=tmp_path / f"s-{t}")
        part = panel.xs(t, axis=1, level=1)
        assert list(part.columns) == FIELDS_RAW
        assert_frames_equal(part, single)
        assert_frames_equal(part, expected(t, "2020-01-01", "2021-01-01", auto_adjust=False))
    assert only_file(tmp_path / "p") == ["SPY_1d_raw.parquet", "TSLA_1d_raw.parquet"]
    # the panel is served from the two cache files
    n = len(fake_yf.calls)
    again = download(["SPY", "TSLA"], "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=tmp_path / "p")
    assert len(fake_yf.calls) == n
    pd.testing.assert_frame_equal(again, panel)


def test_download_ticker_named_like_a_field(fake_yf, cache):
    fake_yf.overrides["LOW"] = source("SPY")  # SPY's numbers under Lowe's ticker
    got = download("LOW", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2021-01-01", auto_adjust=False))
    assert only_file(cache) == ["LOW_1d_raw.parquet"]


def test_panel_with_different_histories_aligns_dates(fake_yf, cache):
    panel = download(["TSLA", "NEWCO"], "2020-05-01", "2020-07-01", cache_dir=cache)
    close = panel["Close"]
    assert list(close.columns) == ["TSLA", "NEWCO"]
    assert close.index[0] == pd.Timestamp("2020-05-01")
    assert close.loc[:"2020-05-29", "NEWCO"].isna().all()
    tsla = expected("TSLA", "2020-05-01", "2020-07-01")["Close"]
    np.testing.assert_array_equal(close["TSLA"].to_numpy(), tsla.to_numpy())
    np.testing.assert_array_equal(close.loc["2020-06-01":, "NEWCO"].to_numpy(), tsla.loc["2020-06-01":].to_numpy())


def test_progress_bar_on_stderr_for_several_tickers(fake_yf, cache, capsys):
    download(["SPY", "TSLA"], "2020-01-01", "2020-02-01", cache_dir=cache, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "2/2" in err and "1/2" in err and err.endswith("\n")
    assert YF_NOISE_ERR not in err  # yfinance's own noise still hidden
    download(["SPY", "TSLA"], "2020-01-01", "2020-02-01", cache_dir=cache, progress=False)
    download("SPY", "2020-01-01", "2020-02-01", cache_dir=cache, progress=True)
    assert capsys.readouterr() == ("", "")


def test_yfinance_noise_never_reaches_the_user(fake_yf, cache, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("yfinance")
    before = (list(logger.handlers), logger.propagate, logger.level)
    download("SPY", "2020-01-01", "2020-02-01", cache_dir=cache)  # success: progress noise
    fake_yf.failures["XXXX"] = "unknown"
    with pytest.raises(DataError):
        download("XXXX", "2020-01-01", "2020-02-01", cache_dir=cache)  # failure: logged errors
    assert len(fake_yf.calls) == 2
    assert capsys.readouterr() == ("", "")
    assert [r for r in caplog.records if r.name.startswith("yfinance")] == []
    assert (list(logger.handlers), logger.propagate, logger.level) == before


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize("mode, ticker, cause", [
    ("unknown", "XXXX", r"unknown or delisted"),
    ("ratelimit", "SPY", r"rate.limit"),
    ("network", "SPY", r"network"),
    ("network-logged", "SPY", r"network"),
    ("empty", "SPY", r"no data"),
    ("allnan", "SPY", r"no data"),
])
def test_failures_are_clear_data_errors(fake_yf, cache, capsys, mode, ticker, cause):
    fake_yf.failures[ticker] = mode
    with pytest.raises(DataError, match=cause) as info:
        download(ticker, "2020-01-01", "2020-07-01", cache_dir=cache)
    assert ticker in str(info.value)
    assert len(fake_yf.calls) == 1
    assert capsys.readouterr() == ("", "")
    assert not cache.exists() or only_file(cache) == []  # nothing cached for a failure


def test_several_ticker_failure_names_all_failed_tickers(fake_yf, cache):
    fake_yf.failures.update({"BAD1": "unknown", "BAD2": "unknown"})
    with pytest.raises(DataError) as info:
        download(["SPY", "BAD1", "BAD2"], "2020-01-01", "2020-07-01", cache_dir=cache)
    msg = str(info.value)
    assert "BAD1" in msg and "BAD2" in msg and "2 of 3" in msg
    assert "unknown or delisted" in msg
    # the ticker that worked is cached all the same
    assert only_file(cache) == ["SPY_1d_adj.parquet"]
    fake_yf.forbid = True
    got = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True)
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2020-07-01"))


def test_rate_limit_in_a_panel_names_the_ticker_and_cause(fake_yf, cache):
    fake_yf.failures["TSLA"] = "ratelimit"
    with pytest.raises(DataError, match="TSLA") as info:
        download(["SPY", "TSLA"], "2020-01-01", "2020-07-01", cache_dir=cache)
    assert "rate" in str(info.value).lower()
    assert "SPY" not in str(info.value).replace("SPY_", "")


@pytest.mark.parametrize("mode", [None, "silent-when-empty"], ids=["yfinance-logs", "yfinance-silent"])
def test_short_gap_without_trading_days_is_not_an_error(fake_yf, cache, mode):
    # the cache ends on Friday 2020-02-07 (end exclusive: Saturday); the next request ends on
    # Monday 2020-02-10, so the missing part is a weekend that yfinance answers with nothing
    first = download("SPY", "2020-01-02", "2020-02-08", auto_adjust=False, cache_dir=cache)
    if mode:
        fake_yf.failures["SPY"] = mode
    got = download("SPY", "2020-01-02", "2020-02-10", auto_adjust=False, cache_dir=cache)
    assert len(fake_yf.calls) == 2
    assert (pd.Timestamp(fake_yf.calls[1]["start"]), pd.Timestamp(fake_yf.calls[1]["end"])) == (
        back5("2020-02-08"), pd.Timestamp("2020-02-10"))
    pd.testing.assert_frame_equal(got, first)
    assert got.index[-1] == pd.Timestamp("2020-02-07")
    # the weekend now counts as fetched
    pd.testing.assert_frame_equal(download("SPY", "2020-01-02", "2020-02-10", auto_adjust=False, cache_dir=cache),
                                  first)
    assert len(fake_yf.calls) == 2


@pytest.mark.parametrize("mode, cause", [("ratelimit", "rate"), ("network", "network"),
                                         ("network-logged", "network")])
def test_short_gap_rate_limited_or_offline_is_still_an_error(fake_yf, cache, mode, cause):
    download("SPY", "2020-01-02", "2020-02-07", cache_dir=cache)  # up to Thursday
    before = cache_path(cache).read_bytes()
    fake_yf.failures["SPY"] = mode
    with pytest.raises(DataError, match=cause) as info:  # the gap holds Friday 2020-02-07
        download("SPY", "2020-01-02", "2020-02-10", cache_dir=cache)
    assert "SPY" in str(info.value)
    assert cache_path(cache).read_bytes() == before
    # nothing was recorded as fetched: the next call asks again
    fake_yf.failures.clear()
    got = download("SPY", "2020-01-02", "2020-02-10", cache_dir=cache)
    assert got.index[-1] == pd.Timestamp("2020-02-07")
    assert_frames_equal(got, expected("SPY", "2020-01-02", "2020-02-10"))


def test_short_range_of_an_unknown_ticker_is_an_error(fake_yf, cache):
    with pytest.raises(DataError, match="XXXX") as info:
        download("XXXX", "2020-02-06", "2020-02-10", cache_dir=cache)
    assert "unknown or delisted" in str(info.value)
    assert not cache.exists() or only_file(cache) == []


@pytest.mark.parametrize("mode", ["empty", "network", "network-logged", "ratelimit", "unknown", "allnan"])
def test_failed_refresh_keeps_cache_byte_for_byte(fake_yf, cache, mode):
    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    path = cache_path(cache)
    before = path.read_bytes()
    fake_yf.fail_all = mode
    with pytest.raises(DataError, match="SPY"):
        download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, refresh=True)
    assert len(fake_yf.calls) == 2
    assert path.read_bytes() == before
    assert only_file(cache) == ["SPY_1d_adj.parquet"]
    # a failed extension of the range does not touch it either
    with pytest.raises(DataError, match="SPY"):
        download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    assert path.read_bytes() == before
    fake_yf.forbid = True
    pd.testing.assert_frame_equal(download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True), first)


def test_refresh_replaces_rows(fake_yf, cache):
    download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    revised = source("SPY")
    revised.loc["2020-03-16", "Volume"] = 297240001  # Yahoo revises volumes
    fake_yf.overrides["SPY"] = revised
    stale = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert stale.loc["2020-03-16", "Volume"] == 297240000 and len(fake_yf.calls) == 1
    fresh = download("SPY", "2020-03-01", "2020-04-01", auto_adjust=False, cache_dir=cache, refresh=True)
    assert len(fake_yf.calls) == 2
    assert fresh.loc["2020-03-16", "Volume"] == 297240001
    fake_yf.forbid = True
    whole = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache, offline=True)
    assert whole.loc["2020-03-16", "Volume"] == 297240001
    assert whole.loc["2020-06-30", "Close"] == source("SPY").loc["2020-06-30", "Close"]
    assert len(whole) == len(expected("SPY", "2020-01-01", "2020-07-01"))


# --------------------------------------------------------------------------- corrupt cache


def _garbage(path: Path, good: bytes) -> bytes:
    return b"this is not a parquet file\n" * 40


def _truncated(path: Path, good: bytes) -> bytes:
    return good[: len(good) // 2]


def _zero_bytes(path: Path, good: bytes) -> bytes:
    return b""


def _flipped_tail(path: Path, good: bytes) -> bytes:
    return good[:-12] + bytes(12)  # footer length + magic destroyed


def _plain_parquet(path: Path, good: bytes) -> bytes:
    buf = io.BytesIO()  # a valid Parquet file that ewmakit did not write
    pd.DataFrame({"x": [1.0, 2.0]}).to_parquet(buf)
    return buf.getvalue()


def _other_ticker(path: Path, good: bytes) -> bytes:
    tsla = cache_path(path.parent, "TSLA")
    return tsla.read_bytes()  # a real cache file, but TSLA's


def ewmakit_parquet(frame: pd.DataFrame, ranges, ticker="SPY", interval="1d", auto_adjust=True, **meta) -> bytes:
    """A Parquet file with ewmakit's metadata around any frame and ranges (to forge cache files)."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    info = {"version": 1, "ticker": ticker, "interval": interval, "auto_adjust": auto_adjust,
            "ranges": [[str(a), str(b)] for a, b in ranges], **meta}
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"ewmakit": json.dumps(info).encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _good(good: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(good))


H1 = [("2020-01-01T00:00:00", "2020-07-01T00:00:00")]  # what the damaged tests below cached


def _text_close(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame["Close"] = frame["Close"].map("{:.2f}".format)  # prices as text
    return ewmakit_parquet(frame, H1)


def _integer_prices(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame["Open"] = frame["Open"].round().astype(np.int64)
    return ewmakit_parquet(frame, H1)


def _nan_close(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame["Close"] = np.nan
    return ewmakit_parquet(frame, H1)


def _extra_column(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame["Dividends"] = 0.0
    return ewmakit_parquet(frame, H1)


def _adj_close_in_adjusted_file(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame.insert(4, "Adj Close", frame["Close"])
    return ewmakit_parquet(frame, H1)


def _rows_outside_ranges(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("2020-01-01", "2020-03-01")])


def _ranges_without_rows(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("2019-01-01", "2019-12-01")] + H1)


def _no_rows(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good).iloc[:0], H1)


def _reversed_range(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("2020-07-01", "2020-01-01")])


def _unsorted_ranges(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("2020-04-01", "2020-07-01"), ("2020-01-01", "2020-04-01")])


def _tz_aware_ranges(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("2020-01-01T00:00:00+00:00", "2020-07-01T00:00:00+00:00")])


def _tz_aware_daily_index(path: Path, good: bytes) -> bytes:
    frame = _good(good)
    frame.index = frame.index.tz_localize("UTC")
    return ewmakit_parquet(frame, H1)


def _ranges_not_dates(path: Path, good: bytes) -> bytes:
    return ewmakit_parquet(_good(good), [("yesterday", "today")])


CONTENT_DAMAGE = [_text_close, _integer_prices, _nan_close, _extra_column, _adj_close_in_adjusted_file,
                  _rows_outside_ranges, _ranges_without_rows, _no_rows, _reversed_range, _unsorted_ranges,
                  _tz_aware_ranges, _tz_aware_daily_index, _ranges_not_dates]


@pytest.mark.parametrize("damage", [_garbage, _truncated, _zero_bytes, _flipped_tail, _plain_parquet, _other_ticker,
                                    *CONTENT_DAMAGE],
                         ids=lambda f: f.__name__.strip("_"))
def test_corrupt_cache_offline_is_a_data_error(fake_yf, cache, damage):
    download("TSLA", "2020-01-01", "2020-07-01", cache_dir=cache)
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    path = cache_path(cache)
    path.write_bytes(damage(path, path.read_bytes()))
    fake_yf.forbid = True
    n = len(fake_yf.calls)
    with pytest.raises(DataError, match="corrupt") as info:
        download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True)
    assert "SPY_1d_adj.parquet" in str(info.value)
    assert len(fake_yf.calls) == n


@pytest.mark.parametrize("damage", [_garbage, _truncated, _zero_bytes, _plain_parquet, _other_ticker,
                                    *CONTENT_DAMAGE],
                         ids=lambda f: f.__name__.strip("_"))
def test_corrupt_cache_online_is_refetched_with_warning(fake_yf, cache, damage):
    download("TSLA", "2020-01-01", "2020-07-01", cache_dir=cache)
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    path = cache_path(cache)
    path.write_bytes(damage(path, path.read_bytes()))
    n = len(fake_yf.calls)
    with pytest.warns(RuntimeWarning, match="corrupt"):
        got = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    assert len(fake_yf.calls) == n + 1
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2020-07-01"))
    # the file is good again
    fake_yf.forbid = True
    pd.testing.assert_frame_equal(download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True), got)
    assert only_file(cache) == ["SPY_1d_adj.parquet", "TSLA_1d_adj.parquet"]


# --------------------------------------------------------------------------- crash during a write


class _Crash(Exception):
    pass


def _crashing_write_table(table, where, *args, **kwargs):
    where.write(b"PAR1 half a parquet file")  # some bytes reach the temporary file first
    raise _Crash("disk full in the middle of write_table")


def _crashing_replace(src, dst, *args, **kwargs):
    raise _Crash("power cut before os.replace")


@pytest.mark.parametrize("target, attr, fn", [
    ("pyarrow.parquet", "write_table", _crashing_write_table),
    ("os", "replace", _crashing_replace),
], ids=["write_table", "os.replace"])
def test_crash_during_write_keeps_old_file_and_no_temp_files(fake_yf, cache, monkeypatch, target, attr, fn):
    import importlib

    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    path = cache_path(cache)
    before = path.read_bytes()
    module = importlib.import_module(target)
    with monkeypatch.context() as m:
        m.setattr(module, attr, fn)
        with pytest.raises((_Crash, DataError)):
            download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)  # extension -> write
        with pytest.raises((_Crash, DataError)):
            download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, refresh=True)
        with pytest.raises((_Crash, DataError)):
            download("TSLA", "2020-01-01", "2020-07-01", cache_dir=cache)  # first write of a file
    assert path.read_bytes() == before
    assert only_file(cache) == ["SPY_1d_adj.parquet"]  # no temp files, no half TSLA file
    fake_yf.forbid = True
    pd.testing.assert_frame_equal(download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True), first)
    # and the next online call completes the extension normally
    fake_yf.forbid = False
    wide = download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    assert_frames_equal(wide, expected("SPY", "2020-01-01", "2021-01-01"))


def test_keyboard_interrupt_during_write_leaves_no_temp_file(fake_yf, cache, monkeypatch):
    import pyarrow.parquet as pq

    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    before = cache_path(cache).read_bytes()

    def interrupted(table, where, *a, **k):
        where.write(b"PAR1")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    assert cache_path(cache).read_bytes() == before
    assert only_file(cache) == ["SPY_1d_adj.parquet"]
    monkeypatch.undo()
    assert_frames_equal(first, expected("SPY", "2020-01-01", "2020-07-01"))


def test_cache_file_is_parquet_readable_by_pandas(fake_yf, cache):
    got = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    on_disk = pd.read_parquet(cache_path(cache, adjusted=False))
    assert list(on_disk.columns) == FIELDS_RAW
    assert on_disk.loc["2020-03-16", "Close"] == SPY_CLOSE_2020_03_16
    assert_frames_equal(on_disk, got)


def test_intraday_download_keeps_exchange_times(monkeypatch, cache):
    import yfinance

    _shared()
    daily = source("SPY").loc["2020-03-02":"2020-03-20"]
    stamps = [d + pd.Timedelta(hours=h, minutes=30) for d in daily.index for h in (9, 10)]
    hourly = pd.DataFrame(np.repeat(daily.to_numpy(), 2, axis=0), columns=daily.columns,
                          index=pd.DatetimeIndex(stamps, name="Datetime").tz_localize(NY))
    hourly["Volume"] = hourly["Volume"].astype(np.int64)
    calls = []

    def fake_download(tickers, start=None, end=None, interval="1d", auto_adjust=_UNSET, **kwargs):
        calls.append((start, end, interval, auto_adjust))
        lo, hi = pd.Timestamp(start).tz_localize(NY), pd.Timestamp(end).tz_localize(NY)
        f = hourly[(hourly.index >= lo) & (hourly.index < hi)]
        f = yahoo_adjust(f) if auto_adjust else f
        f.columns = pd.MultiIndex.from_product([f.columns, [tickers]], names=["Price", "Ticker"])
        return f.sort_index(axis=1, level=0)

    monkeypatch.setattr(yfinance, "download", fake_download)
    got = download("SPY", "2020-03-02", "2020-03-21", interval="1h", auto_adjust=False, cache_dir=cache)
    assert len(got) == 30 and calls[0][2] == "1h"
    assert got["Close"].iloc[0] == daily["Close"].iloc[0]
    assert got.index[0].hour == 9 and got.index[0].minute == 30
    again = download("SPY", "2020-03-02", "2020-03-21", interval="1h", auto_adjust=False, cache_dir=cache)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(again, got)


# --------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize("args, kwargs, match", [
    (("SPY", "2020-02-01", "2020-01-01"), {}, "end must be after start"),
    (("SPY", "2020-01-01", "2020-01-01"), {}, "end must be after start"),
    (("SPY", "not a date"), {}, "start must be a date"),
    (("SPY",), {"interval": "7d"}, "interval must be one of"),
    (("SPY",), {"auto_adjust": "yes"}, "auto_adjust must be True or False"),
    (("",), {}, "non-empty strings"),
    (([],), {}, "non-empty strings"),
    ((42,), {}, "tickers must be"),
])
def test_bad_arguments_are_value_errors(fake_yf, cache, args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        download(*args, cache_dir=cache, **kwargs)
    assert fake_yf.calls == []
    assert not cache.exists()


def test_bad_dates_are_data_errors_and_never_reach_yahoo(fake_yf, cache):
    # issue #13: a start after today crashed with AttributeError; start >= end was a bare ValueError
    today = pd.Timestamp.now().normalize()
    for start, end in [("2030-01-01", None), (today + pd.Timedelta(days=1), None), ("2030-01-01", "2031-01-01")]:
        with pytest.raises(DataError, match=r"start must be on or before today") as info:
            download("SPY", start, end, cache_dir=cache)
        assert str(pd.Timestamp(start).date()) in str(info.value) and str(today.date()) in str(info.value)
    for start, end in [("2020-02-01", "2020-01-01"), ("2020-01-01", "2020-01-01")]:
        with pytest.raises(DataError, match=r"end must be after start \(end is exclusive\), got start="):
            download("SPY", start, end, cache_dir=cache)
    with pytest.raises(DataError, match="start must be on or before today"):  # in a panel too
        download(["SPY", "TSLA"], "2030-01-01", cache_dir=cache, offline=True)
    assert fake_yf.calls == [] and not cache.exists()
    # today itself is a valid start: the bar that is forming
    assert issubclass(DataError, ValueError)


# =========================================================================== issue #13: the cache


def test_nan_in_a_reply_never_replaces_cached_values(fake_yf, cache):
    first = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    holed = source("SPY")
    overlap = holed.loc[back5("2020-07-01"):"2020-06-30"].index  # the cached rows an extension asks again
    assert len(overlap) == 5
    holed.loc[overlap, ["Close", "Volume"]] = np.nan  # a half-failed reply
    holed.loc["2020-07-01":"2020-07-10", "Volume"] = np.nan  # ... also for rows the cache does not hold
    fake_yf.overrides["SPY"] = holed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wide = download("SPY", "2020-01-01", "2020-08-01", auto_adjust=False, cache_dir=cache)
        again = download("SPY", "2020-03-01", "2020-07-01", auto_adjust=False, cache_dir=cache, refresh=True)
    assert [str(w.message) for w in caught] == []  # no "All-NaN slice encountered" either
    assert len(fake_yf.calls) == 3
    want = expected("SPY", "2020-01-01", "2020-08-01", auto_adjust=False)
    for frame in (wide, again):
        rows = frame.index.intersection(first.index)
        np.testing.assert_array_equal(frame.loc[rows, "Close"].to_numpy(), first.loc[rows, "Close"].to_numpy())
        np.testing.assert_array_equal(frame.loc[rows, "Volume"].to_numpy(float),
                                      first.loc[rows, "Volume"].to_numpy(float))
    new = wide.loc["2020-07-01":]
    np.testing.assert_array_equal(new["Close"].to_numpy(), want.loc["2020-07-01":, "Close"].to_numpy())
    assert new.loc[:"2020-07-10", "Volume"].isna().all()  # nothing cached there: what Yahoo sent
    fake_yf.forbid = True
    cached = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache, offline=True)
    assert_frames_equal(cached, first)  # (Volume as float: the new rows have NaN volumes)


def test_short_reply_records_what_came_and_the_rest_is_asked_again(fake_yf, cache):
    # issue #13: Yahoo's reply stops at 2020-03-31; the cache used to mark all of H1 as fetched
    fake_yf.overrides["SPY"] = source("SPY").loc[:"2020-03-31"]
    short = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert short.index[-1] == pd.Timestamp("2020-03-31")
    fake_yf.overrides.clear()  # the rest is there now
    got = download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2020-07-01", auto_adjust=False))
    # only the part that did not come is asked (with the overlap); 1 January is a holiday, not a hole
    asked = [(pd.Timestamp(c["start"]), pd.Timestamp(c["end"])) for c in fake_yf.calls]
    assert asked == [(pd.Timestamp("2020-01-01"), pd.Timestamp("2020-07-01")),
                     (back5("2020-04-01"), pd.Timestamp("2020-07-01"))]
    fake_yf.forbid = True
    download("SPY", "2020-01-01", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert len(fake_yf.calls) == 2


def test_a_start_edge_that_did_not_come_is_asked_again(fake_yf, cache):
    fake_yf.overrides["SPY"] = source("SPY").loc["2020-02-03":]
    download("SPY", "2020-01-02", "2020-07-01", auto_adjust=False, cache_dir=cache)
    fake_yf.overrides.clear()
    got = download("SPY", "2020-01-02", "2020-07-01", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", "2020-01-02", "2020-07-01", auto_adjust=False))
    assert (pd.Timestamp(fake_yf.calls[1]["start"]), pd.Timestamp(fake_yf.calls[1]["end"])) == (
        pd.Timestamp("2020-01-02"), fwd5("2020-02-03"))


def test_a_reask_that_still_gets_nothing_warns_once(fake_yf, cache):
    fake_yf.overrides["NEWCO"] = source("TSLA").loc["2020-06-01":"2020-09-30"]  # listed in June, gone in October
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first short reply is silent: it may be a hiccup
        first = download("NEWCO", "2020-05-01", "2020-12-01", cache_dir=cache)
    assert (first.index[0], first.index[-1]) == (pd.Timestamp("2020-06-01"), pd.Timestamp("2020-09-30"))
    with pytest.warns(UserWarning) as rec:
        again = download("NEWCO", "2020-05-01", "2020-12-01", cache_dir=cache)
    assert len(fake_yf.calls) == 3  # both edges asked again
    text = sorted(str(w.message) for w in rec)
    assert len(text) == 2, text
    assert "NEWCO" in text[0] and "2020-05-01" in text[0] and "2020-06-01" in text[0], text
    assert "NEWCO" in text[1] and "2020-10-01" in text[1] and "2020-12-01" in text[1], text
    pd.testing.assert_frame_equal(again, first)
    # asked twice with nothing: Yahoo has nothing there; not asked (nor warned about) again
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fake_yf.forbid = True
        pd.testing.assert_frame_equal(download("NEWCO", "2020-05-01", "2020-12-01", cache_dir=cache), first)
        pd.testing.assert_frame_equal(download("NEWCO", "2020-05-01", "2020-12-01", cache_dir=cache,
                                               offline=True), first)


def test_weekends_and_holidays_between_bars_are_not_holes(fake_yf, cache):
    # 2020-07-03 (a Friday) was a holiday, then a weekend: between two bars of the reply
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = download("SPY", "2020-06-29", "2020-07-13", cache_dir=cache)
        assert pd.Timestamp("2020-07-03") not in first.index
        # ... and a request ending on the weekend the reply reached over: nothing is missing
        download("SPY", "2020-06-29", "2020-07-12", cache_dir=cache)
    assert len(fake_yf.calls) == 1


def test_the_newest_days_are_asked_again_until_they_come(fake_yf, cache, monkeypatch):
    monkeypatch.setattr(data, "_today", lambda: pd.Timestamp("2020-03-18"))  # a Wednesday
    fake_yf.overrides["SPY"] = source("SPY").loc[:"2020-03-16"]  # Tuesday's bar is not published yet
    first = download("SPY", "2020-03-02", auto_adjust=False, cache_dir=cache)
    assert first.index[-1] == pd.Timestamp("2020-03-16")
    with pytest.warns(UserWarning, match=r"SPY.*2020-03-17"):
        download("SPY", "2020-03-02", auto_adjust=False, cache_dir=cache)
    with pytest.warns(UserWarning, match=r"SPY.*2020-03-17"):  # recent: never taken as empty
        download("SPY", "2020-03-02", auto_adjust=False, cache_dir=cache)
    fake_yf.overrides["SPY"] = source("SPY").loc[:"2020-03-18"]  # ... and today's bar, still forming
    got = download("SPY", "2020-03-02", auto_adjust=False, cache_dir=cache)
    assert_frames_equal(got, expected("SPY", "2020-03-02", "2020-03-19", auto_adjust=False))
    assert len(fake_yf.calls) == 4
    # today's bar is returned but never cached: it may still change
    on_disk = pd.read_parquet(cache_path(cache, adjusted=False))
    assert on_disk.index[-1] == pd.Timestamp("2020-03-17")


def test_cache_written_by_an_older_version_with_a_forming_bar_still_reads(fake_yf, cache):
    # ewmakit <= 0.1 cached the bar of the day it downloaded on (still forming) past the recorded range
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    path = cache_path(cache)
    frame = pd.read_parquet(path)
    path.write_bytes(ewmakit_parquet(frame.loc[:"2020-03-16"], [("2020-01-01", "2020-03-16")]))
    fake_yf.forbid = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = download("SPY", "2020-01-01", "2020-03-16", cache_dir=cache, offline=True)
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2020-03-16"))
    fake_yf.forbid = False
    got = download("SPY", "2020-01-01", "2020-03-17", cache_dir=cache)  # 2020-03-16 is fetched again
    assert_frames_equal(got, expected("SPY", "2020-01-01", "2020-03-17"))
    assert len(fake_yf.calls) == 2


def test_daily_bars_in_utc_over_a_tz_naive_cache(fake_yf, cache, monkeypatch):
    import yfinance

    first = download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    plain = fake_yf.download

    def utc_download(*args, **kwargs):  # New York midnights converted to UTC: 04:00 / 05:00
        out = plain(*args, **kwargs)
        out.index = out.index.tz_localize(NY).tz_convert("UTC")
        return out

    monkeypatch.setattr(yfinance, "download", utc_download)
    wide = download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    assert_frames_equal(wide, expected("SPY", "2020-01-01", "2021-01-01"))
    pd.testing.assert_frame_equal(wide.loc[first.index], first)


def test_normalize_daily_bars_converted_to_utc_keep_their_dates():
    raw = history_frame()
    want = normalize(raw)
    utc = raw.tz_convert("UTC")
    assert set(utc.index.hour) == {4, 5} and utc.index[0] == pd.Timestamp("1993-01-29 05:00", tz="UTC")
    pd.testing.assert_frame_equal(normalize(utc), want)
    text = utc.copy()
    text.index = text.index.astype(str)  # "2020-03-16 04:00:00+00:00", as a CSV of it holds
    pd.testing.assert_frame_equal(normalize(text), want, check_index_type=False)
    # other exchanges: Tokyo's midnight is 15:00 UTC the day before, London's 23:00 in summer
    recent = want.loc["2010":]
    for zone in ("Asia/Tokyo", "Europe/London", "Australia/Sydney"):
        moved = recent.copy()
        moved.index = moved.index.tz_localize(zone).tz_convert("UTC")
        pd.testing.assert_frame_equal(normalize(moved), recent, obj=zone)
    # bars at other times of day stay as they are
    hourly = want.iloc[:3].copy()
    hourly.index = pd.DatetimeIndex(["2020-03-16 13:30", "2020-03-16 14:30", "2020-03-16 15:30"],
                                    tz="UTC", name="Date")
    assert normalize(hourly).index.equals(hourly.index)


@pytest.mark.parametrize("ticker, name", [
    ("SPY", "SPY"), ("^GSPC", "%5EGSPC"), ("BRK-B", "BRK-B"), ("BF.B", "BF.B"), ("A B", "A%20B"),
    ("X_Y", "X%5FY"), ("A/B", "A%2FB"), ("..", "%2E."), ("../../ESCAPE", "%2E.%2F..%2FESCAPE"),
    ("A€", "A%E2%82%AC"), ("É", "%C3%89"),
])
def test_cache_file_names_are_unambiguous_and_stay_in_the_folder(tmp_path, ticker, name):
    path = data._cache_file(tmp_path, ticker, "1d", True)
    assert path.name == f"{name}_1d_adj.parquet"
    assert path.parent == tmp_path
    from urllib.parse import unquote

    assert unquote(path.name[: -len("_1d_adj.parquet")]) == ticker  # reversible


def test_tickers_that_differ_above_latin1_get_their_own_files(fake_yf, cache):
    # '%{ord:02X}' gave both 'A€' and 'A AC' the name A%20AC
    assert data._cache_file(cache, "A€", "1d", True) != data._cache_file(cache, "A AC", "1d", True)
    fake_yf.overrides["X^41"] = source("SPY")
    fake_yf.overrides["X\u5e41"] = source("TSLA")  # was X%5E41 as well
    spy = download("X^41", "2020-01-01", "2020-07-01", cache_dir=cache)
    tsla = download("X\u5e41", "2020-01-01", "2020-07-01", cache_dir=cache)
    assert len(only_file(cache)) == 2
    fake_yf.forbid = True
    assert_frames_equal(download("X^41", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True), spy)
    assert_frames_equal(download("X\u5e41", "2020-01-01", "2020-07-01", cache_dir=cache, offline=True), tsla)
    assert_frames_equal(tsla, expected("TSLA", "2020-01-01", "2020-07-01"))


def test_a_ticker_too_long_for_a_file_name_is_a_data_error(fake_yf, cache):
    long = "X" * 300
    with pytest.raises(DataError, match=r"^cannot use the cache file for X+: ") as info:
        download(long, "2020-01-01", "2020-07-01", cache_dir=cache)
    assert "\n" not in str(info.value) and "too long" in str(info.value).lower()
    with pytest.raises(DataError, match=r"^cannot use the cache file for X+: "):
        download(["SPY", long], "2020-01-01", "2020-07-01", cache_dir=cache)
    assert only_file(cache) == ["SPY_1d_adj.parquet"]  # the other ticker is cached all the same
    with pytest.raises(DataError, match=r"cannot use the cache file for X+"):
        download(long, "2020-01-01", "2020-07-01", cache_dir=cache, offline=True)


def test_stale_temporary_files_are_removed_by_the_next_write(fake_yf, cache):
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    stale = [cache / ".SPY_1d_adj.parquet.k1ll3d_a.tmp", cache / ".SPY_1d_adj.parquet.x9.tmp"]
    other = cache / ".TSLA_1d_adj.parquet.abc.tmp"  # another file's: not this write's business
    for p in [*stale, other]:
        p.write_bytes(b"PAR1 half a parquet file")
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)  # nothing to write: nothing removed
    assert all(p.exists() for p in stale)
    download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    assert only_file(cache) == [other.name, "SPY_1d_adj.parquet"]


def test_the_lock_file_is_hidden_next_to_the_cache_file(fake_yf, cache):
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    assert sorted(p.name for p in cache.iterdir()) == [".SPY_1d_adj.parquet.lock", "SPY_1d_adj.parquet"]
    assert only_file(cache) == ["SPY_1d_adj.parquet"]


def test_rescaled_history_is_fetched_again_whole(fake_yf, cache):
    download("SPY", "2020-01-01", "2020-07-01", cache_dir=cache)
    paid = source("SPY")
    paid["Adj Close"] *= 0.99  # a dividend since: Yahoo scales the adjusted history down
    fake_yf.overrides["SPY"] = paid
    with pytest.warns(UserWarning, match="rescaled the history of SPY"):
        got = download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    asked = [(pd.Timestamp(c["start"]), pd.Timestamp(c["end"])) for c in fake_yf.calls[1:]]
    assert asked == [(back5("2020-07-01"), pd.Timestamp("2021-01-01")),
                     (pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01"))]
    want = yahoo_adjust(paid.loc["2020-01-01":"2020-12-31"])[FIELDS_ADJ]
    assert_frames_equal(got, want)
    fake_yf.forbid = True
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_frames_equal(download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache, offline=True), want)
