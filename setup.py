"""Build ewmakit's compiled engine: the Cython kernels of ``ewmakit/_engine``.

Everything else is in pyproject.toml; setuptools runs this for ``pip install .``,
``pip install -e .`` and ``pip wheel .``. See CONTRIBUTING.md for the development loop.

Compiler flags (IEEE results everywhere: no fast-math, and no fused multiply-add,
which would change the last bit of the results the tests compare bit for bit):

* ``-O3 -ffp-contract=off -fno-math-errno``: ``sqrt`` becomes one instruction (and
  vectorises) without changing a result; nothing is reassociated;
* ``-march=native`` for the CPU that builds (numba did the same), unless
  ``EWMAKIT_NATIVE=0``: then the compiler's baseline, for wheels others install;
* OpenMP (``-fopenmp``) for the parallel loops when the compiler has it, unless
  ``EWMAKIT_OPENMP=0``; without it the same loops run serially, with the same results.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import shutil

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ENGINE = Path("ewmakit") / "_engine"


def _flag(name: str, default: bool = True) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "default"):
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be 1/true/yes/on or 0/false/no/off, got {os.environ[name]!r}")


def _compiles(compiler, flags: list[str], code: str = "int main(void) { return 0; }\n") -> bool:
    """Whether the build's C compiler accepts ``flags`` (and links with them)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.c"
        src.write_text(code)
        try:
            objs = compiler.compile([str(src)], output_dir=tmp, extra_postargs=flags)
            compiler.link_executable(objs, str(Path(tmp) / "probe"), extra_postargs=flags)
        except Exception:  # noqa: BLE001 - any failure means "not supported"
            return False
    return True


class BuildEngine(build_ext):
    """build_ext that picks the flags the compiler supports (OpenMP, -march=native) and says which."""

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:  # the modules compile independently: one per core
            self.parallel = os.cpu_count() or 1

    def build_extensions(self):
        compiler = self.compiler
        base = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-g0"]  # -g0: no debug tables (5x smaller modules)
        native = _flag("EWMAKIT_NATIVE") and _compiles(compiler, ["-march=native"])
        omp = _flag("EWMAKIT_OPENMP") and _compiles(
            compiler, ["-fopenmp"], "#include <omp.h>\nint main(void) { return omp_get_max_threads() > 0 ? 0 : 1; }\n")
        compile_args = base + (["-march=native"] if native else []) + (["-fopenmp"] if omp else [])
        link_args = ["-fopenmp"] if omp else []
        print(f"ewmakit engine: OpenMP {'on' if omp else 'off'}, "
              f"{'-march=native' if native else 'baseline instruction set'}", file=sys.stderr)
        only = os.environ.get("EWMAKIT_BUILD_ONLY")  # development: rebuild one module, e.g. _mean
        if only:
            self.extensions = [e for e in self.extensions if e.name.rsplit(".", 1)[-1] in only.split(",")]
        for ext in self.extensions:
            ext.extra_compile_args = compile_args
            ext.extra_link_args = link_args
        super().build_extensions()


class BuildPy(build_py):
    """build_py that also copies ``examples/*.py`` into the package as ``ewmakit/examples/``: the scripts
    ``ewmakit demo`` runs (a source checkout and ``pip install -e .`` read ``examples/`` itself)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "ewmakit" / "examples"
        target.mkdir(parents=True, exist_ok=True)
        for script in sorted(Path("examples").glob("*.py")):
            shutil.copyfile(script, target / script.name)


def _extensions():
    from Cython.Build import cythonize

    modules = sorted(ENGINE.glob("*.pyx"))
    exts = [Extension(f"ewmakit._engine.{p.stem}", [str(p)]) for p in modules]
    return cythonize(exts, compiler_directives={"language_level": 3, "boundscheck": False, "wraparound": False,
                                                "cdivision": True, "initializedcheck": False},
                     quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildEngine, "build_py": BuildPy})
