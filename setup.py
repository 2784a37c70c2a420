"""Optional compiled simulator core: ``advisor/sim/replica.py`` built by Cython when it can be.

``replica.py`` stays plain Python and is the reference; ``replica.pxd`` next to it only adds C
types (attributes and hot locals of ``ReplicaCore`` and ``Segment``), so the compiled module runs
the same statements with the same float arithmetic and gives bit-identical results
(``tests/sim/test_compiled_core.py``) about twice as fast. Where Cython or a C compiler is missing,
the build goes on without the extension and the pure-Python module is used.
"""

from __future__ import annotations

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = ["advisor.sim.replica"]


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


def _extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("advisor: Cython not available; using the pure-Python simulator core", file=sys.stderr)
        return []
    exts = [Extension(name, [name.replace(".", "/") + ".py"]) for name in COMPILED]
    # annotation_typing off: the .py annotations are documentation; the .pxd alone sets C types
    return cythonize(exts, compiler_directives={"language_level": 3, "annotation_typing": False}, quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
