"""The ``ewmakit`` command (SPEC §9): every command run in a subprocess and in-process, exit codes, error lines.

No test touches the network: subprocesses run with ``EWMAKIT_OFFLINE=1`` and a temporary
``EWMAKIT_DATA_DIR``; downloads in-process go to a fake ``yfinance`` module put in
``sys.modules`` (``ewmakit.data`` imports yfinance at call time).
"""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import ewmakit
from ewmakit import _demos, cli, data

DEMO_FILES = {
    "spy_scatter.png", "spy_ewma.png", "beta_impact.png", "weights.png", "window_beta.png", "bias_correction.png",
    "elongated_contours.png", "elongated_surface.png", "momentum.png", "wavy_momentum.png", "wavy_beta_sweep.png",
    "regression_surface.png", "race_rosenbrock.png", "race_beale.png", "indicators.png", "control_chart.png",
}


# --------------------------------------------------------------------------- helpers


def _env(tmp_path: Path, **extra) -> dict:
    env = dict(os.environ)
    env.pop("EWMAKIT_DEBUG", None)
    env.update(EWMAKIT_OFFLINE="1", EWMAKIT_DATA_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg",
               EWMAKIT_DEMO_QUICK="1")
    env.update(extra)
    return env


def run(tmp_path: Path, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ewmakit", *map(str, args)], cwd=tmp_path, capture_output=True,
                          text=True, env=env or _env(tmp_path), timeout=300)


def _one_error_line(stderr: str, command: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"ewmakit {command}: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """In-process runs: offline, an empty temporary cache, no debugging tracebacks."""
    monkeypatch.setenv("EWMAKIT_OFFLINE", "1")
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EWMAKIT_DEMO_QUICK", "1")
    monkeypatch.delenv("EWMAKIT_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fake_frame(ticker: str, start, end) -> pd.DataFrame:
    days = pd.bdate_range(start or "2019-01-01", pd.Timestamp(end or "2021-06-30") - pd.Timedelta(days=1))
    rng = np.random.default_rng(sum(map(ord, ticker)))
    close = 300 * np.exp(np.cumsum(0.01 * rng.standard_normal(len(days))))
    frame = pd.DataFrame({"Open": close * 0.999, "High": close * 1.01, "Low": close * 0.99, "Close": close,
                          "Volume": rng.integers(1_000_000, 2_000_000, len(days))}, index=days)
    frame.index.name = "Date"
    return frame


@pytest.fixture
def fake_yfinance(monkeypatch):
    """A yfinance stand-in: synthetic prices for any ticker but NOPE (an empty frame, as for a bad ticker)."""
    calls = []

    def download(tickers, start=None, end=None, **kwargs):
        calls.append((tickers, start, end))
        if tickers == "NOPE":
            return pd.DataFrame()
        return _fake_frame(tickers, start, end)

    module = types.ModuleType("yfinance")
    module.download = download
    module.calls = calls
    monkeypatch.setitem(sys.modules, "yfinance", module)
    monkeypatch.delenv("EWMAKIT_OFFLINE", raising=False)
    return module


# --------------------------------------------------------------------------- help and usage


def test_help_in_a_subprocess_lists_every_command_with_examples(tmp_path):
    out = run(tmp_path, "--help")
    assert out.returncode == 0, out.stderr
    for command in ("smooth", "download", "optimize", "demo"):
        assert command in out.stdout
        assert f"ewmakit {command} " in out.stdout.split("examples:")[1]  # an example of every command
    assert "weight of the past" in out.stdout


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"ewmakit {ewmakit.__version__}"


@pytest.mark.parametrize("command, example", [
    ("smooth", "ewmakit smooth sample:sp500"),
    ("download", "ewmakit download SPY QQQ TLT"),
    ("optimize", "ewmakit optimize rosenbrock --method adam"),
    ("demo", "ewmakit demo --out figures --offline"),
    ("backtest", "ewmakit backtest sample:sp500 --fast 10 --slow 50"),
])
def test_each_command_help_has_examples(command, example, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and example in text


def test_demo_help_lists_every_demo(capsys):
    with pytest.raises(SystemExit):
        cli.main(["demo", "--help"])
    text = capsys.readouterr().out
    for name in _demos.DEMOS:
        assert f"  {name} " in text


@pytest.mark.parametrize("argv", [
    [],
    ["frobnicate"],
    ["smooth"],
    ["smooth", "sample:sp500", "--beta", "abc"],
    ["smooth", "sample:sp500", "--beta", "0.5", "--window", "3"],
    ["smooth", "sample:sp500", "--start", "not-a-date"],
    ["optimize", "rosenbrock", "--steps", "many"],
    ["download"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: ewmakit" in err and "Traceback" not in err


def test_usage_error_in_a_subprocess(tmp_path):
    out = run(tmp_path, "smooth", "sample:sp500", "--beta", "abc")
    assert out.returncode == 2
    assert "invalid float value: 'abc'" in out.stderr and "Traceback" not in out.stderr


# --------------------------------------------------------------------------- smooth


def test_smooth_subprocess_writes_csv_and_png(tmp_path):
    data.sample("sp500").to_csv(tmp_path / "sp500.csv")  # a CSV source (sample:NAME is tested in-process)
    out = run(tmp_path, "smooth", "sp500.csv", "--beta", "0.5", "--beta", "0.9", "--start", "2008-01-01",
              "--end", "2009-01-01", "--plot", "sp.png", "--out", "sp.csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "sp500.csv: Close, 253 rows from 2008-01-02 to 2008-12-31"
    assert "β=0.9 (≈10 days, span 19)" in lines[1]
    assert lines[-2:] == ["wrote sp.csv", "wrote sp.png"]
    table = pd.read_csv(tmp_path / "sp.csv", index_col="Date", parse_dates=True)
    close = data.sample("sp500")["Close"].loc["2008"]
    assert list(table.columns) == ["Close", "β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)"]
    np.testing.assert_allclose(table["β=0.9 (≈10 days, span 19)"], ewmakit.ewma(close.to_numpy(), 0.9), rtol=1e-9)
    with Image.open(tmp_path / "sp.png") as im:
        assert im.format == "PNG" and im.size[0] > 500


def test_smooth_window_halflife_and_default_betas(offline, capsys):
    assert cli.main(["smooth", "sample:sp500", "--window", "19", "--window", "20", "--rows", "2"]) == 0
    out = capsys.readouterr().out
    assert "window 19 (β=0.9)" in out and "window 20 (β=0.9048)" in out
    assert len(out.splitlines()) == 1 + 2 + 2  # header, table header (2 lines), 2 rows
    assert cli.main(["smooth", "sample:nasdaq", "--halflife", "10", "--rows", "0"]) == 0
    assert capsys.readouterr().out.startswith("sample nasdaq: Close, 5031 rows")
    assert cli.main(["smooth", "sample:sp500", "--out", "d.csv", "--column", "Open"]) == 0
    table = pd.read_csv(offline / "d.csv", index_col=0)
    assert list(table.columns) == ["Open", "β=0.5 (≈2 days, span 3)", "β=0.9 (≈10 days, span 19)", "β=0.95 (≈20 days, span 39)"]


def test_smooth_csv_source(offline, capsys):
    frame = data.sample("sp500").loc["2018"]
    frame.to_csv(offline / "prices.csv")
    assert cli.main(["smooth", "prices.csv", "--beta", "0.8", "--start", "2018-06-01", "--rows", "1",
                     "--out", "out.csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("prices.csv: Close, 147 rows from 2018-06-01 to 2018-12-31")
    table = pd.read_csv(offline / "out.csv", index_col=0, parse_dates=True)
    close = frame["Close"].loc["2018-06-01":]
    np.testing.assert_allclose(table.iloc[:, 1], ewmakit.ewma(close.to_numpy(), 0.8), rtol=1e-9)


def test_smooth_ticker_from_the_cache(offline, fake_yfinance, monkeypatch, capsys):
    data.download("SPY", "2020-01-01", "2021-01-01")  # fills the cache through the fake
    monkeypatch.setenv("EWMAKIT_OFFLINE", "1")
    n_calls = len(fake_yfinance.calls)
    assert cli.main(["smooth", "spy", "--start", "2020-03-01", "--end", "2020-04-01", "--window", "20"]) == 0
    assert len(fake_yfinance.calls) == n_calls  # read from the cache only
    assert capsys.readouterr().out.startswith("SPY: Close, 22 rows from 2020-03-02 to 2020-03-31")


def _long_csv(path: Path, missing_keys: int = 0) -> pd.DataFrame:
    """A long table (date, ticker, close, volume) of three real tickers, their rows interleaved at random."""
    from conftest import require_shared_data

    parts = []
    for t in ("SPY", "GLD", "TLT"):
        f = data.read_csv(require_shared_data("panel_2005_2026", f"{t}.csv")).loc["2019":"2020"]
        parts.append(pd.DataFrame({"date": f.index.strftime("%Y-%m-%d"), "ticker": t, "close": f["Close"].to_numpy(),
                                   "volume": f["Volume"].to_numpy()}))
    df = pd.concat(parts, ignore_index=True)
    rng = np.random.default_rng(6)
    slots = rng.permutation(df["ticker"].to_numpy())
    order = np.empty(len(df), dtype=np.int64)
    for t in ("SPY", "GLD", "TLT"):
        order[slots == t] = np.flatnonzero(df["ticker"].to_numpy() == t)
    df = df.iloc[order].reset_index(drop=True)
    if missing_keys:
        df.loc[rng.choice(len(df), missing_keys, replace=False), "ticker"] = None
    df.to_csv(path, index=False)
    return pd.read_csv(path)  # as the command reads it


def test_smooth_long_csv_by_ticker(offline, capsys):
    long = _long_csv(offline / "long.csv", missing_keys=4)
    assert cli.main(["smooth", "long.csv", "--by", "ticker", "--column", "close", "--window", "20",
                     "--window", "50", "--rows", "3", "--out", "ema.csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"long.csv: close by ticker, {len(long)} rows in 3 groups"
    assert lines[1].split() == ["date", "ticker", "close", "window", "20", "(β=0.9048)", "window", "50", "(β=0.9608)"]
    assert len(lines) == 1 + 1 + 3 + 1 and lines[-1] == "wrote ema.csv"
    out = pd.read_csv(offline / "ema.csv")
    assert list(out.columns) == ["date", "ticker", "close", "window 20 (β=0.9048)", "window 50 (β=0.9608)"]
    assert out["date"].tolist() == long["date"].tolist()  # aligned with the input rows, in their order
    for n in (20, 50):
        expected = long.groupby("ticker")["close"].ewm(span=n, adjust=False).mean().droplevel(0).sort_index()
        got = out[f"window {n} (β={1 - 2 / (n + 1):.4g})"]
        assert got[long["ticker"].isna()].isna().all()  # a row without a key: empty
        np.testing.assert_allclose(got[long["ticker"].notna()], expected.reindex(long.index).dropna(), rtol=1e-9)
    # one group alone gives the same numbers
    spy = long[long["ticker"] == "SPY"]
    np.testing.assert_allclose(out.loc[spy.index, "window 20 (β=0.9048)"],
                               ewmakit.ewma(spy["close"].to_numpy(), window=20), rtol=1e-9)


def test_smooth_long_csv_in_a_subprocess_with_dates_and_any_case(tmp_path):
    long = _long_csv(tmp_path / "long.csv")
    out = run(tmp_path, "smooth", "long.csv", "--by", "Ticker", "--column", "Close", "--beta", "0.9",
              "--start", "2020-01-01", "--out", "o.csv")
    assert out.returncode == 0, out.stderr
    kept = long[long["date"] >= "2020-01-01"].reset_index(drop=True)
    assert out.stdout.splitlines()[0] == f"long.csv: close by ticker, {len(kept)} rows in 3 groups"
    table = pd.read_csv(tmp_path / "o.csv")
    assert table["date"].tolist() == kept["date"].tolist()
    expected = kept.groupby("ticker")["close"].ewm(alpha=0.1, adjust=False).mean().droplevel(0).sort_index()
    np.testing.assert_allclose(table["β=0.9 (≈10 days, span 19)"], expected, rtol=1e-9)


@pytest.mark.parametrize("argv, message", [
    (["smooth", "long.csv", "--by", "tick", "--column", "close"],
     "long.csv has no --by column 'tick'; its columns are date, ticker, close, volume"),
    (["smooth", "long.csv", "--by", "ticker", "--column", "price"],
     "long.csv has no column 'price'; its columns are date, ticker, close, volume"),
    (["smooth", "long.csv", "--by", "ticker", "--column", "ticker"], "--column 'ticker' is also a --by key"),
    (["smooth", "long.csv", "--by", "ticker", "--column", "date"], "column 'date' holds text, not numbers"),
    (["smooth", "SPY", "--by", "ticker"], "--by needs a CSV file"),
    (["smooth", "nothere.csv", "--by", "ticker"], "no such file: 'nothere.csv'"),
    (["smooth", "long.csv", "--by", "ticker", "--column", "close", "--plot", "x.png"], "--plot draws one series"),
    (["smooth", "long.csv", "--by", "ticker", "--column", "close", "--window", "0"], "window must be in [1, inf)"),
])
def test_smooth_long_csv_mistakes_are_one_line(argv, message, offline, capsys):
    _long_csv(offline / "long.csv")
    assert cli.main(argv) == 1
    assert message in _one_error_line(capsys.readouterr().err, "smooth")


@pytest.mark.parametrize("argv, message", [
    (["smooth", "missing.csv"], "no such file: 'missing.csv'"),
    (["smooth", "data/missing.txt"], "no such file"),
    (["smooth", "sample:sp500", "--beta", "1.5"], "beta must be in [0, 1), got 1.5"),
    (["smooth", "sample:sp500", "--beta", "-0.1"], "beta must be in [0, 1), got -0.1"),
    (["smooth", "sample:sp500", "--window", "0.5"], "window must be in [1, inf), got 0.5"),
    (["smooth", "sample:sp500", "--halflife", "0"], "halflife must be in (0, inf), got 0.0"),
    (["smooth", "sample:dax"], "unknown sample 'dax'; the samples are nasdaq, sp500"),
    (["smooth", "SPY"], "offline and nothing cached for SPY"),
    (["smooth", "sample:sp500", "--column", "Price"], "has no column 'Price'; its columns are Open, High"),
    (["smooth", "sample:sp500", "--start", "2030-01-01"], "no rows between 2030-01-01"),
    (["smooth", "sample:sp500", "--start", "2010-01-01", "--end", "2009-01-01"], "--end must be after --start"),
    (["smooth", "sample:sp500", "--plot", "nowhere/x.png"], "the folder 'nowhere' does not exist"),
    (["smooth", "sample:sp500", "--plot", "x.docx"], "give a file ending in one of"),
    (["smooth", "sample:sp500", "--out", "nowhere/x.csv"], "the folder 'nowhere' does not exist"),
    (["smooth", "sample:sp500", "--rows", "-1"], "--rows must be >= 0"),
    (["optimize", "rosenbrok"], "unknown function 'rosenbrok'; the functions are quadratic, bowl, rosenbrock"),
    (["optimize", "beale", "--method", "lbfgs"], "unknown method 'lbfgs'; the methods are sgd"),
    (["optimize", "beale", "--method", "adam", "--momentum", "0.9"], "--momentum is for sgd"),
    (["optimize", "beale", "--method", "sgd", "--momentum", "1.2"], "momentum"),
    (["optimize", "beale", "--lr", "-1"], "lr"),
    (["optimize", "beale", "--start", "1,2,3"], "--start must be 2 comma-separated numbers"),
    (["optimize", "beale", "--start", "a,b"], "--start must be 2 comma-separated numbers"),
    (["optimize", "beale", "--steps", "-5"], "--steps must be >= 0"),
    (["optimize", "beale", "--plot", "nowhere/b.png"], "does not exist"),
    (["demo", "--only", "fireworks"], "unknown demo 'fireworks'; the demos are spy, beta"),
])
def test_user_mistakes_print_one_line_and_exit_1(argv, message, offline, capsys):
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    line = _one_error_line(captured.err, argv[0])
    assert message in line


def test_user_mistakes_in_a_subprocess(tmp_path):
    out = run(tmp_path, "smooth", "nothere.csv")
    assert out.returncode == 1
    assert "no such file: 'nothere.csv'" in _one_error_line(out.stderr, "smooth")


def test_debug_shows_the_traceback(offline, monkeypatch):
    monkeypatch.setenv("EWMAKIT_DEBUG", "1")
    with pytest.raises(data.DataError, match="unknown sample"):
        cli.main(["smooth", "sample:dax"])


# --------------------------------------------------------------------------- download


def test_download_several_tickers_progress_and_summary(offline, fake_yfinance, capsys):
    dest = offline / "prices"
    assert cli.main(["download", "SPY", "qqq", "--start", "2020-01-01", "--end", "2021-01-01",
                     "--data-dir", str(dest)]) == 0
    captured = capsys.readouterr()
    bar = captured.err.splitlines()
    assert bar == ["[############............] 1/2 SPY", "[########################] 2/2 QQQ"]
    out = captured.out.splitlines()
    assert out[-1] == f"cached in {dest}"
    assert out[1].split()[:4] == ["SPY", "262", "2020-01-01", "2020-12-31"]  # the fake trades every weekday
    assert sorted(p.name for p in dest.iterdir() if not p.name.endswith(".lock")) == ["QQQ_1d_adj.parquet",
                                                                                      "SPY_1d_adj.parquet"]
    cached = data.download("QQQ", "2020-01-01", "2021-01-01", cache_dir=dest, offline=True)
    assert len(cached) == 262


def test_download_one_ticker_no_progress_bar(offline, fake_yfinance, capsys):
    assert cli.main(["download", "SPY", "--start", "2020-06-01", "--end", "2020-07-01"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert (offline / "cache" / "SPY_1d_adj.parquet").is_file()  # $EWMAKIT_DATA_DIR


def test_download_failure_is_one_line_and_keeps_the_others(offline, fake_yfinance, capsys):
    dest = offline / "prices"
    assert cli.main(["download", "SPY", "NOPE", "--start", "2020-01-01", "--data-dir", str(dest)]) == 1
    captured = capsys.readouterr()
    line = _one_error_line("\n".join(l for l in captured.err.splitlines() if not l.startswith("[")), "download")
    assert "1 of 2 tickers failed: no data for NOPE" in line
    assert "SPY" in captured.out and (dest / "SPY_1d_adj.parquet").is_file()
    assert not (dest / "NOPE_1d_adj.parquet").exists()


def test_download_offline_in_a_subprocess(tmp_path):
    out = run(tmp_path, "download", "SPY", "--start", "2020-01-01")
    assert out.returncode == 1
    assert "offline and nothing cached for SPY" in _one_error_line(out.stderr, "download")


@pytest.mark.parametrize("argv", [["download", "SPY", "--start", "2030-01-01"],
                                  ["download", "SPY", "QQQ", "--start", "2030-01-01"],
                                  ["smooth", "SPY", "--start", "2030-01-01"],
                                  ["download", "SPY", "--start", "2020-02-01", "--end", "2020-01-01"]])
def test_bad_download_dates_are_one_line(argv, offline, fake_yfinance, capsys):
    # issue #13: a start after today ended in a traceback (AttributeError)
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    line = _one_error_line(captured.err, argv[0])
    assert "start" in line and argv[argv.index("--start") + 1] in line
    assert fake_yfinance.calls == [] and captured.out == ""


def test_bad_download_dates_in_a_subprocess(tmp_path):
    for command in ("download", "smooth"):
        out = run(tmp_path, command, "SPY", "--start", "2030-01-01")
        assert out.returncode == 1
        assert "start must be on or before today" in _one_error_line(out.stderr, command)


def test_download_batch_goes_on_past_a_ticker_too_long_for_a_file_name(offline, fake_yfinance, capsys):
    dest, long = offline / "prices", "X" * 300
    assert cli.main(["download", "SPY", long, "QQQ", "--start", "2020-01-01", "--end", "2020-02-01",
                     "--data-dir", str(dest)]) == 1
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert [row.split()[0] for row in table[1:-1]] == ["SPY", "QQQ"] and table[-1] == f"cached in {dest}"
    line = _one_error_line("\n".join(x for x in captured.err.splitlines() if not x.startswith("[")), "download")
    assert f"1 of 3 tickers failed: cannot use the cache file for {long}: " in line
    assert "too long" in line.lower()


def test_interrupt_while_building_the_parser(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    try:
        status = cli.main(["demo"])
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped ewmakit.cli.main")
    assert status == 130
    assert capsys.readouterr().err == "ewmakit: interrupted\n"


# --------------------------------------------------------------------------- optimize


def test_optimize_subprocess_with_plot(tmp_path):
    out = run(tmp_path, "optimize", "rosenbrock", "--method", "adam", "--method", "momentum", "--steps", "300",
              "--plot", "r.png")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("rosenbrock: f(x, y) = (1 − x)² + 100 (y − x²)²")
    assert lines[1] == "start (-1.2, 1); minimum at (1, 1)"
    assert lines[3].startswith("Adam (lr=0.05, β=(0.9, 0.999))") and lines[4].startswith("momentum (lr=0.001, β=0.9)")
    assert lines[-1] == "wrote r.png"
    with Image.open(tmp_path / "r.png") as im:
        assert im.format == "PNG"


def test_optimize_classic_momentum_row(offline, capsys):
    assert cli.main(["optimize", "quadratic", "--method", "sgd", "--lr", "0.1", "--momentum", "0.5",
                     "--loss-tol", "0.01", "--plot", "q.png"]) == 0
    out = capsys.readouterr().out.splitlines()
    row = out[3].split()
    assert row[:4] == ["SGD", "(lr=0.1,", "β=0.5)", "5"] and row[4] == "(0.0838)"
    assert "< loss_tol=0.01 after 5 steps" in out[3]
    assert (offline / "q.png").is_file()


def test_optimize_start_and_divergence(offline, capsys):
    assert cli.main(["optimize", "bowl", "--method", "sgd", "--lr", "0.1", "--steps", "50", "--start", "2.5,2.5"]) == 0
    out = capsys.readouterr().out
    assert "start (2.5, 2.5)" in out and "(0.0000, 0.0000)" in out
    assert cli.main(["optimize", "rosenbrock", "--method", "sgd", "--lr", "0.1", "--plot", "d.png"]) == 0
    out = capsys.readouterr().out
    assert "diverged (try a smaller lr)" in out and (offline / "d.png").is_file()


# --------------------------------------------------------------------------- demo


def test_demo_writes_every_figure_offline(offline, capsys):
    out_dir = offline / "figs"
    assert cli.main(["demo", "--out", str(out_dir)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("SPY demo data: S&P 500 index 2008 from the offline sample (offline and SPY is not "
                               "cached")
    assert len(lines) == 2  # the data source and the one-line summary
    assert lines[1].startswith(f"wrote 16 files (16 PNG) for 10 demos to {out_dir} in ")
    assert captured.err == ""  # the progress bar shows on a terminal only
    assert {p.name for p in out_dir.iterdir()} == DEMO_FILES
    for p in out_dir.iterdir():
        with Image.open(p) as im:
            assert im.format == p.suffix.lstrip(".").upper()
            if p.suffix == ".gif":
                assert im.n_frames > 1


def test_demo_verbose_prints_the_tables(offline, capsys):
    assert cli.main(["demo", "--out", "d", "--only", "momentum", "--only", "beta", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "window 19: α = 2/20 = 0.1, β = 18/20 = 0.9" in out
    assert "β = 0.5: 5 steps" in out and "β = 0: 21 steps" in out
    assert {p.name for p in (offline / "d").iterdir()} == {"beta_impact.png", "weights.png", "window_beta.png",
                                                           "momentum.png"}


def test_demo_uses_cached_spy_in_a_subprocess(tmp_path, fake_yfinance):
    cache = tmp_path / "cache"
    data.download("SPY", "2020-01-01", "2021-01-01", cache_dir=cache)
    out = run(tmp_path, "demo", "--out", "figs", "--only", "spy", "--offline", env=_env(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == f"SPY demo data: SPY 2020 from the ewmakit cache in {cache}"
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["spy_ewma.png", "spy_scatter.png"]


def test_spy_source_online_cache_and_fallback(tmp_path, fake_yfinance, monkeypatch):
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(tmp_path / "cache"))
    got = _demos.load_spy_2020()
    assert got.source.startswith("SPY 2020 from yfinance") and got.name == "SPY"
    assert got.frame.index[0] == pd.Timestamp("2020-01-01") and got.frame.index[-1] == pd.Timestamp("2020-12-31")
    n = len(fake_yfinance.calls)
    assert _demos.load_spy_2020(offline=True).source.startswith("SPY 2020 from the ewmakit cache")
    assert _demos.load_spy_2020().source.startswith("SPY 2020 from the ewmakit cache")  # cached: no download
    assert len(fake_yfinance.calls) == n
    # a cache with only part of 2020 is used when nothing better is at hand, and said so
    partial = tmp_path / "partial"
    data.download("SPY", "2020-01-01", "2020-07-01", cache_dir=partial)
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(partial))
    got = _demos.load_spy_2020(offline=True)
    assert got.source.endswith("(130 days: the cache lacks part of 2020)") and len(got.frame) == 130
    # a download that fails (here: the fake returns nothing) falls back to the offline sample and says why
    monkeypatch.setenv("EWMAKIT_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(fake_yfinance, "download", lambda *a, **k: pd.DataFrame())
    got = _demos.load_spy_2020()
    assert got.name == "S&P 500" and got.period == "2008"
    assert "SPY could not be downloaded (no data for SPY" in got.source
    assert len(got.frame) == 253


def test_method_label_names_lr_and_beta():
    assert _demos.method_label("sgd", 0.1) == "SGD (lr=0.1)"
    assert _demos.method_label("sgd", 0.1, momentum=0.5) == "SGD (lr=0.1, β=0.5)"
    assert _demos.method_label("momentum", 0.001) == "momentum (lr=0.001, β=0.9)"
    assert _demos.method_label("nesterov", 0.001) == "Nesterov (lr=0.001, β=0.9)"
    assert _demos.method_label("adamw", 0.05, betas=(0.8, 0.99)) == "AdamW (lr=0.05, β=(0.8, 0.99))"


def test_backtest_on_the_sample(offline, capsys):
    from ewmakit import finance

    assert cli.main(["backtest", "sample:sp500", "--fast", "10", "--slow", "50", "--fee", "0.001", "--start",
                     "2005-01-01", "--trades", "3", "--plot", "bt.png"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("sample sp500: Close, 3523 rows from 2005-01-03 to 2018-12-31; EMA(10) / EMA(50) "
                             "crossover, long/flat, execute=next_close, fee=0.001")
    printed = dict(line.split() for line in out[1:15])
    close = data.sample("sp500")["Close"].loc["2005":]
    result = finance.backtest(close, (finance.ema(close, 10) > finance.ema(close, 50)).astype(int), fee=0.001)
    for name in ("total_return", "sharpe", "max_drawdown", "trades", "exposure"):
        assert float(printed[name]) == pytest.approx(result.stats[name], rel=1e-3), name
    assert float(printed["buy_and_hold_return"]) == pytest.approx(close.iloc[-1] / close.iloc[0] - 1, rel=1e-3)
    assert out[15] == f"last 3 of {len(result.trades)} trades:" and len(out) == 15 + 1 + 1 + 3 + 1
    assert out[-1] == "wrote bt.png"
    with Image.open(offline / "bt.png") as im:
        assert im.format == "PNG" and im.size[0] > 500
    assert cli.main(["backtest", "sample:sp500", "--short", "--execute", "close", "--trades", "0"]) == 0
    assert "long/short, execute=close" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--fast", "50", "--slow", "10"], "--fast must be less than --slow, got --fast 50 and --slow 10"),
    (["--fast", "0"], "--fast must be a window >= 1, got 0"),
    (["--fee", "-0.1"], "fee must be in [0, 1)"),
    (["--column", "Nope"], "has no column 'Nope'"),
])
def test_backtest_errors_one_line(offline, capsys, argv, message):
    assert cli.main(["backtest", "sample:sp500", *argv]) == 1
    assert message in _one_error_line(capsys.readouterr().err, "backtest")
