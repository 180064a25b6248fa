"""The download cache under several processes (issue #13): writers killed with SIGKILL, writers at once.

Each child process runs :func:`ewmakit.data.download` with :class:`test_data.FakeYahoo` put in
``sys.modules["yfinance"]`` (no network), serving the real files of ``../shared/data``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from ewmakit.data import download
from test_data import _shared, assert_frames_equal, expected, only_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-free timing are POSIX only")

TESTS = Path(__file__).resolve().parent

CHILD = textwrap.dedent('''
    import io, sys, time, types
    from pathlib import Path

    sys.path.insert(0, {tests!r})
    from test_data import FakeYahoo, source

    mode, cache = sys.argv[1], sys.argv[2]
    fake = FakeYahoo()
    yfinance = types.ModuleType("yfinance")
    yfinance.download, yfinance.Ticker = fake.download, fake.Ticker
    sys.modules["yfinance"] = yfinance  # ewmakit.data imports yfinance at call time

    from ewmakit import data

    if mode == "loop":  # write SPY 2020 `count` times, each time with Volume + k, slowly
        import pyarrow.parquet as pq

        real_write = pq.write_table

        def slow_write(table, where, *args, **kwargs):
            buf = io.BytesIO()
            real_write(table, buf, *args, **kwargs)
            blob = buf.getvalue()
            step = len(blob) // 20 + 1
            for i in range(0, len(blob), step):
                where.write(blob[i:i + step])
                where.flush()
                time.sleep(0.02)

        pq.write_table = slow_write
        base = source("SPY")
        print("ready", flush=True)
        for k in range(1, int(sys.argv[3]) + 1):
            frame = base.copy()
            frame["Volume"] = frame["Volume"] + k
            fake.overrides["SPY"] = frame
            data.download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache, refresh=True)
            print("wrote", k, flush=True)
    else:  # one range, after waiting for the other process to have fetched too
        start, end, barrier, name = sys.argv[3:7]
        plain = fake.download

        def download_then_wait(*args, **kwargs):
            out = plain(*args, **kwargs)
            Path(barrier, name).touch()
            t0 = time.monotonic()
            while len(list(Path(barrier).iterdir())) < 2 and time.monotonic() - t0 < 30:
                time.sleep(0.01)
            return out

        yfinance.download = download_then_wait
        data.download("SPY", start, end, auto_adjust=False, cache_dir=cache)
        print("done", flush=True)
''').format(tests=str(TESTS))


def _child(tmp_path: Path, *args) -> subprocess.Popen:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ)
    env.pop("EWMAKIT_OFFLINE", None)
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)


def _temps(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir() if p.name.endswith(".tmp"))


def _read_back(cache: Path) -> int:
    """The cache read back offline: SPY 2020 exact, with one Volume shift k for all rows; returns k."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither corrupt nor partial
        got = download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache, offline=True)
    want = expected("SPY", "2020-01-01", "2021-01-01", auto_adjust=False)
    for c in ("Open", "High", "Low", "Close", "Adj Close"):
        np.testing.assert_array_equal(got[c].to_numpy(), want[c].to_numpy(), err_msg=c)
    shift = np.unique(got["Volume"].to_numpy() - want["Volume"].to_numpy())
    assert len(shift) == 1, f"Volume of several writes mixed: {shift[:5]}"
    assert got["Volume"].dtype == np.int64
    return int(shift[0])


def test_writer_killed_at_random_moments_never_damages_the_cache(tmp_path, monkeypatch):
    _shared()
    import yfinance

    from test_data import FakeYahoo

    cache = tmp_path / "cache"
    monkeypatch.delenv("EWMAKIT_OFFLINE", raising=False)
    monkeypatch.setattr(yfinance, "download", FakeYahoo().download)
    download("SPY", "2020-01-01", "2021-01-01", auto_adjust=False, cache_dir=cache)  # the good old content
    monkeypatch.undo()
    content = _read_back(cache)
    assert content == 0
    rng = random.Random(13)
    killed_mid_write = 0
    for when in (0.15, 0.5, 0.9, 1.3, 1.7):  # each write takes ~0.45 s, most of it in the temporary file
        child = _child(tmp_path, "loop", cache, 1000)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        time.sleep(when + rng.uniform(0, 0.2))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        done = [int(line.split()[1]) for line in out.splitlines() if line.startswith("wrote")]
        last = done[-1] if done else None
        got = _read_back(cache)  # the old content or one whole new write, never a mix
        # the last write reported, else what was there; or the next one if the kill came after its rename
        assert got in ({content if last is None else last} | {1 if last is None else last + 1}), (got, done)
        content = got
        killed_mid_write += bool(_temps(cache))
    assert killed_mid_write, "no kill landed in the middle of a write: the test proves nothing"
    # a write that completes clears what the killed writers left
    child = _child(tmp_path, "loop", cache, 1)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0 and out.split() == ["ready", "wrote", "1"], err
    assert _read_back(cache) == 1
    assert _temps(cache) == []
    assert only_file(cache) == ["SPY_1d_raw.parquet"]


def test_two_processes_writing_one_ticker_keep_both_ranges(tmp_path):
    _shared()
    cache, barrier = tmp_path / "cache", tmp_path / "barrier"
    barrier.mkdir()
    first = _child(tmp_path, "range", cache, "2019-01-01", "2019-07-01", barrier, "a")
    second = _child(tmp_path, "range", cache, "2020-01-01", "2020-07-01", barrier, "b")
    for child in (first, second):
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and out.strip() == "done", err
    assert only_file(cache) == ["SPY_1d_raw.parquet"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "the cache lacks ..."
        for start, end in (("2019-01-01", "2019-07-01"), ("2020-01-01", "2020-07-01")):
            got = download("SPY", start, end, auto_adjust=False, cache_dir=cache, offline=True)
            assert_frames_equal(got, expected("SPY", start, end, auto_adjust=False))
