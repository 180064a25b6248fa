"""The ``ewmakit`` console script: Ctrl-C is handled from the first statement on.

The console script enters here rather than at :func:`ewmakit.cli.main` because
importing the ``ewmakit`` package (NumPy and pandas: about half a second)
runs before any code of it can catch an interrupt, and Ctrl-C then printed a
traceback. This module imports nothing but the standard library before it
installs its SIGINT handler. From then on, Ctrl-C at any moment prints
``ewmakit: interrupted`` on stderr and ends the process with status 130:

* while a module is being imported, at once (``os._exit``): an exception raised
  there can be turned into another by the import machinery or a C extension
  (NumPy reports an ``ImportError`` with its traceback), and nothing needs
  cleaning up yet;
* otherwise with ``SystemExit(130)``, so ``finally`` blocks run (a cache file
  being written keeps its old content and its temporary file is removed);
  whatever that exception turns into on its way out is not reported;
* a second Ctrl-C ends the process at once.

:func:`ewmakit.cli.main` itself, as called by ``python -m ewmakit`` or by tests,
still handles ``KeyboardInterrupt`` alone.
"""

import os
import signal
import sys

_interrupted = False


def _importing(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _on_sigint(signum, frame):
    global _interrupted
    if not _interrupted:
        try:  # what was printed so far first; then straight to the terminal (sys.stderr may be redirected)
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - a closed or busy stream: nothing to save
            pass
        try:
            os.write(2, b"ewmakit: interrupted\n")
        except OSError:
            pass
    if _interrupted or _importing(frame):
        os._exit(130)
    _interrupted = True
    raise SystemExit(130)


signal.signal(signal.SIGINT, _on_sigint)


def main() -> int:
    """Run the ``ewmakit`` command line (:func:`ewmakit.cli.main`); returns the exit status."""
    try:
        from ewmakit.cli import main as cli_main

        status = cli_main()
    except BaseException:
        if _interrupted:
            return 130
        raise
    return 130 if _interrupted else status
