"""sphinx-gallery over ``examples/``: each script runs as it is, offline, on a scratch folder.

The scripts in ``examples/`` are command-line programs (``python examples/beta.py --out DIR``):
they read ``__file__``, end with ``sys.exit(status)`` and write their figures to files
(``plot.save`` closes each one). sphinx-gallery sets no ``__file__``, treats ``SystemExit`` as a
crash and scrapes open matplotlib figures, and it wants a reST title on the first docstring
line. So the build

* copies each script into ``docs/_gallery_src/`` (:func:`prepare`), the code unchanged: the
  first docstring line becomes an underlined title, and a hidden block (removed from the page,
  the download and the notebook) sets ``__file__`` to the real script;
* gives it its command line (:func:`reset_argv`): ``--out`` a scratch folder (and small sizes for
  the dask script), with ``EWMAKIT_OFFLINE=1``; each script's ``main()`` runs under
  ``if __name__ == "__main__"``, which sphinx-gallery satisfies;
* lets ``sys.exit(0)`` end the script quietly and turns a non-zero status into an error
  (:func:`reset_modules`);
* shows the PNG and GIF files each script wrote (:func:`written_files_scraper`), next to any
  figure left open (sphinx-gallery's matplotlib scraper).

The functions are named by string in ``conf.py`` so that the configuration stays picklable.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]
EXAMPLES = DOCS.parent / "examples"
GALLERY_SRC = DOCS / "_gallery_src"
SCRATCH = Path(tempfile.gettempdir()) / f"ewmakit-docs-gallery-{os.getpid()}"

#: options per script after ``--out <scratch folder>`` (every example takes ``--out``); the dask
#: example's defaults (5 million ticks) take minutes, these sizes a few seconds with the same code path.
ARGS = {
    "dask_big_series.py": ["--rows", "200000", "--partitions", "4", "--tickers", "50"],
}

HEADER = """\
Gallery
=======

Every script in the repository's ``examples/`` folder, run when the documentation is built
(offline: the data is the S&P 500 sample shipped with ``arch``), with what it prints and the
figures it writes. Each one is also a command-line program: ``python examples/beta.py --out DIR``.
"""

_HIDDEN = ("# sphinx_gallery_start_ignore\n"
           "__file__ = {path!r}  # sphinx-gallery sets no __file__; the script reads it\n"
           "# sphinx_gallery_end_ignore\n")


def _titled(doc: str) -> str:
    """The docstring as reST: the first line a title, indented blocks (commands, code) literal."""
    first, _, rest = doc.strip("\n").partition("\n")
    first = first.strip().rstrip(".")
    lines, out, prev = rest.split("\n"), [], ""
    for i, line in enumerate(lines):
        starts_block = (line.startswith("    ") and i > 0 and not lines[i - 1].strip()
                        and not prev.startswith("    ") and not prev.rstrip().endswith("::"))
        if starts_block:
            shell = line.split()[0] in ("python", "pip", "ewmakit")
            out += [f".. code-block:: {'bash' if shell else 'python'}", ""]
        out.append(line)
        if line.strip():
            prev = line
    return f"{first}\n{'=' * len(first)}\n" + "\n".join(out)


def gallery_source(script: Path) -> str:
    """The gallery copy of one script: titled docstring, hidden ``__file__``, the code as it is."""
    text = script.read_text(encoding="utf-8")
    m = re.match(r'(\s*)("""|\'\'\')(.*?)\2\n', text, re.S)
    if m is None:
        raise ValueError(f"{script} has no module docstring: the gallery needs one for its title")
    doc = _titled(m.group(3))
    code = text[m.end():]
    future = re.match(r"(\s*(from __future__ import [^\n]*\n))+", code)  # must stay first
    head, code = (code[:future.end()], code[future.end():]) if future else ("\n", code)
    return f'"""{doc}"""\n{head}\n{_HIDDEN.format(path=str(script))}{code}'


def prepare() -> None:
    """Write ``docs/_gallery_src`` from ``examples/*.py`` (rewritten only when a script changed)."""
    GALLERY_SRC.mkdir(exist_ok=True)
    header = GALLERY_SRC / "GALLERY_HEADER.rst"
    if not header.exists() or header.read_text(encoding="utf-8") != HEADER:
        header.write_text(HEADER, encoding="utf-8")
    wanted = {p.name: p for p in sorted(EXAMPLES.glob("*.py"))}
    for old in GALLERY_SRC.glob("*.py"):
        if old.name not in wanted:
            old.unlink()
    for name, script in wanted.items():
        target = GALLERY_SRC / name
        new = gallery_source(script)
        if not target.exists() or target.read_text(encoding="utf-8") != new:
            target.write_text(new, encoding="utf-8")


def _out_dir(src_file) -> Path:
    return SCRATCH / Path(src_file).stem


def reset_argv(gallery_conf, script_vars) -> list[str]:
    """The script's command line: ``--out`` a fresh scratch folder, then its entry in ``ARGS``."""
    name = Path(script_vars["src_file"]).name
    out = _out_dir(script_vars["src_file"])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return ["--out", str(out), *ARGS.get(name, [])]


_real_exit = sys.exit


def _exit(status=None):
    """``sys.exit`` while an example runs: 0/None ends quietly, anything else is an error."""
    if status in (None, 0):
        return None
    raise RuntimeError(f"the example exited with status {status!r}")


def reset_modules(gallery_conf, fname, when) -> None:
    """Before a script: offline, quiet ``sys.exit(0)``; after it: the real ``sys.exit`` back."""
    if when == "before":
        os.environ["EWMAKIT_OFFLINE"] = "1"
        sys.exit = _exit
    else:
        sys.exit = _real_exit


def written_files_scraper(block, block_vars, gallery_conf) -> str:
    """Show the PNG/GIF files the script wrote to its ``--out`` folder (in the order written)."""
    from sphinx_gallery.scrapers import figure_rst

    out = _out_dir(block_vars["src_file"])
    if not out.is_dir():
        return ""
    seen = block_vars.setdefault("ewmakit_shown", set())
    files = sorted((p for p in out.iterdir() if p.suffix in (".png", ".gif") and p.name not in seen),
                   key=lambda p: (p.stat().st_mtime_ns, p.name))
    paths = []
    for f, target in zip(files, block_vars["image_path_iterator"]):
        target = Path(target).with_suffix(f.suffix)
        shutil.copyfile(f, target)
        seen.add(f.name)
        paths.append(target)
    return figure_rst(paths, gallery_conf["src_dir"])
