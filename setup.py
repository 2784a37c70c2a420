"""Optional compiled parts, built by Cython when they can be; the package works without them.

- ``advisor/sim/replica.py``: stays plain Python and is the reference; ``replica.pxd`` next to it
  only adds C types (attributes and hot locals of ``ReplicaCore`` and ``Segment``), so the compiled
  module runs the same statements with the same float arithmetic and gives bit-identical results
  (``tests/sim/test_compiled_core.py``) about twice as fast.
- ``advisor/ingest/scan.pyx``: the first tier of the canonical JSONL reader; it accepts only the
  plain lines, and everything else goes to the DuckDB tiers and the Python validator as before
  (``tests/ingest/test_scan.py``, ``test_bulkpath.py``).

Where Cython or a C compiler is missing, the build goes on without the extensions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = ["advisor.sim.replica", "advisor.ingest.scan"]


class OptionalBuildExt(build_ext):
    """Build what can be built; a failure leaves the pure-Python module in place (with a warning)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no headers: the package still works
            print(f"advisor: compiled core not built ({exc}); using pure Python", file=sys.stderr)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"advisor: {ext.name} not compiled ({exc}); using pure Python", file=sys.stderr)


def _source(name: str) -> str:
    """``replica`` is a Python module made faster; ``scan`` exists only compiled (``.pyx``)."""
    base = name.replace(".", "/")
    return base + ".pyx" if Path(base + ".pyx").exists() else base + ".py"


def _extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("advisor: Cython not available; building without the compiled parts", file=sys.stderr)
        return []
    exts = [Extension(name, [_source(name)]) for name in COMPILED]
    # annotation_typing off: the .py annotations are documentation; the .pxd alone sets C types
    return cythonize(exts, compiler_directives={"language_level": 3, "annotation_typing": False}, quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
