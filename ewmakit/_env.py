"""Environment switches read by several modules (``EWMAKIT_OFFLINE``, ``EWMAKIT_DEBUG``, ``EWMAKIT_DEMO_QUICK`` ...)."""

from __future__ import annotations

import os

__all__ = ["env_flag"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def env_flag(name: str, *, strict: bool = True) -> bool:
    """Whether the environment variable ``name`` is set to a true value (1/true/yes/on, any case).

    Unset or 0/false/no/off is False. Anything else is a ValueError naming the
    variable and the values it takes (``strict=False``: False instead, for
    switches that must never stop a program, such as a debugging aid).
    """
    value = os.environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE or not strict:
        return False
    raise ValueError(f"{name} must be 1/true/yes/on or 0/false/no/off, got {os.environ[name]!r}")
