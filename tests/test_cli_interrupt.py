"""Ctrl-C at any moment of the ``ewmakit`` command (issue #13): status 130, one line, never a traceback.

The console script runs :mod:`_ewmakit_cli`, which handles SIGINT before the first heavy import.
Each test starts a real process and sends SIGINT while it imports NumPy, pandas and numba, builds
the parser, or waits for a (fake, slow) yfinance. No network: ``yfinance`` is a stub on PYTHONPATH.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX only")

SLOW_YFINANCE = '''\
"""A yfinance that never answers (the test interrupts it)."""
import time


def download(*args, **kwargs):
    time.sleep(60)
'''

# moments after the process started importing NumPy (the shim's handler is in place then): while it imports
# pandas and numba (~0.5 s in all), builds the parser, waits for the download
DELAYS = (0.0, 0.05, 0.15, 0.3, 2.5)


def _console_script() -> Path:
    script = Path(sys.executable).with_name("ewmakit")
    if not script.is_file():
        pytest.fail(f"the ewmakit console script is not installed next to {sys.executable}; "
                    "run: pip install -e . --no-deps")
    return script


@pytest.fixture
def env(tmp_path) -> dict:
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "yfinance.py").write_text(SLOW_YFINANCE)
    env = dict(os.environ)
    for name in ("EWMAKIT_OFFLINE", "EWMAKIT_DEBUG", "PYTHONWARNINGS"):
        env.pop(name, None)
    env.update(PYTHONPATH=str(stub), EWMAKIT_DATA_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg")
    return env


def _wait_for_imports(pid: int) -> None:
    """Wait until the process has NumPy's extension mapped: past the interpreter's start-up.

    Before that, the interpreter imports ``site`` (a few tens of milliseconds, longer on a busy machine),
    and a Ctrl-C then is Python's own to handle (its traceback): no code of a program runs yet.
    """
    maps = Path(f"/proc/{pid}/maps")
    if not maps.exists():  # not Linux: a fixed wait well past the interpreter's start-up
        time.sleep(0.3)
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if "numpy" in maps.read_text():
                return
        except OSError:
            return  # the process ended: the caller reports it
        time.sleep(0.002)


def _interrupt(argv, env, cwd, delay):
    # as from a terminal: SIGINT not ignored (a test runner's worker may ignore it, and children inherit that)
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _wait_for_imports(proc.pid)
    time.sleep(delay)
    assert proc.poll() is None, f"finished before the interrupt: {proc.communicate()}"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_console_script_points_at_the_shim():
    # (the installed script, not importlib.metadata: a stale ewmakit.egg-info in the checkout may shadow it)
    assert "from _ewmakit_cli import main" in _console_script().read_text()
    assert 'ewmakit = "_ewmakit_cli:main"' in (TESTS.parent / "pyproject.toml").read_text()


@pytest.mark.parametrize("delay", DELAYS)
def test_ctrl_c_at_any_moment_of_the_console_script(env, tmp_path, delay):
    status, out, err = _interrupt([str(_console_script()), "download", "SPY", "--start", "2020-01-01"], env,
                                  tmp_path, delay)
    assert status == 130, err
    assert err.splitlines() == ["ewmakit: interrupted"], err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "cache").exists() or list((tmp_path / "cache").iterdir()) == []


@pytest.mark.parametrize("delay", DELAYS[:3])
def test_ctrl_c_while_the_shim_imports(env, tmp_path, delay):
    # what the console script runs, as a plain interpreter command
    code = "import sys; from _ewmakit_cli import main; sys.exit(main())"
    status, out, err = _interrupt([sys.executable, "-c", code, "smooth", "SPY"], env, tmp_path, delay)
    assert status == 130, err
    assert err.splitlines() == ["ewmakit: interrupted"] and out == "", err


def test_shim_runs_the_command_line(env, tmp_path):
    out = subprocess.run([str(_console_script()), "optimize", "bowl", "--method", "sgd", "--lr", "0.1", "--steps",
                          "5"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("bowl: f(w) = w₁² + w₂².")
    usage = subprocess.run([str(_console_script()), "smooth"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120)
    assert usage.returncode == 2 and "usage: ewmakit smooth" in usage.stderr
