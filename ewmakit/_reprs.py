"""Notebook display: one small HTML table for the result objects (``_repr_html_``)."""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["html_table"]


def html_table(title: str, rows: Sequence[tuple[str, object]], note: str | None = None) -> str:
    """A two-column table (name, value) under ``title``, with an optional note below; everything escaped."""
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
    foot = f"<p style='margin:0.3em 0'>{html.escape(note)}</p>" if note else ""
    return (f"<div><strong>{html.escape(title)}</strong><table style='border-collapse:collapse'>{body}</table>"
            f"{foot}</div>")
