"""Sphinx configuration of the ewmakit documentation.

Build (warnings are errors)::

    pip install -e ".[docs]"
    sphinx-build -W -b html docs docs/_build/html

The API pages are written from each module's ``__all__`` (``_ext/ewmakit_api.py``) and the
gallery runs every script in ``examples/`` (``_ext/ewmakit_gallery.py``) on each build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))  # the checkout's ewmakit (an editable install gives the same)

os.environ.setdefault("MPLBACKEND", "Agg")  # figures are drawn off screen
os.environ["EWMAKIT_OFFLINE"] = "1"  # the build never uses the network

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import ewmakit  # noqa: E402
import ewmakit_api  # noqa: E402
import ewmakit_gallery  # noqa: E402

ewmakit_api.write()
ewmakit_gallery.prepare()

project = "ewmakit"
author = "ewmakit developers"
copyright = "ewmakit developers (BSD-3-Clause)"
release = getattr(ewmakit, "__version__", "0.1.0")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_gallery_src", "images/README*", "**.ipynb_checkpoints"]
root_doc = "index"

# --- API reference
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False  # the class template lists members with autodoc
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
intersphinx_mapping: dict = {}  # offline build: no inventories fetched

# --- gallery: every script in examples/, run offline (see _ext/ewmakit_gallery.py)
sphinx_gallery_conf = {
    "examples_dirs": str(DOCS / "_gallery_src"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every script, not only plot_*.py
    "ignore_pattern": r"__init__\.py|^_",
    "reset_argv": "ewmakit_gallery.reset_argv",
    "reset_modules": ("matplotlib", "ewmakit_gallery.reset_modules"),
    "reset_modules_order": "both",
    "image_scrapers": ("matplotlib", "ewmakit_gallery.written_files_scraper"),
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": "True",
    "within_subsection_order": "ExampleTitleSortKey",
    "capture_repr": (),
}

# --- HTML
html_theme = "pydata_sphinx_theme"
html_title = "ewmakit"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": []}
html_show_sourcelink = False

# numpydoc renames each docstring's citations ([1] -> [R...-1]); a module docstring that lists
# references without citing them in its text would warn "not referenced" for each.
suppress_warnings = ["ref.citation"]
