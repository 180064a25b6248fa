"""Shared helpers for the ewmakit test suite.

Real market data lives outside the repository, in ``../shared/data`` next to
the checkout (never copied into the repo). Tests that need it call
:func:`require_shared_data` (or use the ``shared_data`` fixture), which skips
when the directory is missing, or fails when ``EWMAKIT_REQUIRE_SHARED_DATA=1``
(so CI that is supposed to have the data cannot silently skip).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """Where the shared real-data CSVs are expected.

    ``$EWMAKIT_SHARED_DATA`` if set, else ``<repo>/../shared/data``.
    The directory may not exist; see :func:`require_shared_data`.
    """
    env = os.environ.get("EWMAKIT_SHARED_DATA")
    if env:
        return Path(env).expanduser().resolve()
    return REPO_ROOT.parent / "shared" / "data"


def _missing(reason: str):
    if os.environ.get("EWMAKIT_REQUIRE_SHARED_DATA") == "1":
        pytest.fail(f"{reason} (EWMAKIT_REQUIRE_SHARED_DATA=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


def require_shared_data(*parts: str) -> Path:
    """Path of the shared data directory (or a file in it), skipping or failing when absent."""
    base = shared_data_dir()
    if not base.is_dir():
        _missing(f"../shared/data not found at {base} (set EWMAKIT_SHARED_DATA to point at it)")
    path = base.joinpath(*parts)
    if not path.exists():
        _missing(f"../shared/data file {path} not found")
    return path


@pytest.fixture
def shared_data() -> Path:
    """The shared data directory (skip/fail when absent, see :func:`require_shared_data`)."""
    return require_shared_data()


def reference(module: str):
    """Import an optional reference library (torch, TA-Lib...): skip without it, or fail under
    ``EWMAKIT_REQUIRE_REFERENCES=1`` (set by .ci/run, which installs them)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if os.environ.get("EWMAKIT_REQUIRE_REFERENCES") == "1":
            pytest.fail(f"reference library {module!r} is missing ({exc}) and EWMAKIT_REQUIRE_REFERENCES=1",
                        pytrace=False)
        pytest.skip(f"reference library {module!r} is not installed", allow_module_level=True)
