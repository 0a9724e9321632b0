"""PlanBuild from Python: where this installation keeps its files, and its version.

The build functions are the drop-in modules under their documented names (``_maven_execute``,
``_build_format``, ``orchestrate``, ``cache``, ``run_config``, …). In the installed wheel they live in
``planbuild/python/``, which ``planbuild.pth`` puts on ``sys.path`` at start-up; importing this
package puts it there too (for an installation whose ``.pth`` files are not read, such as
``pip install --target``). In a checkout they are the modules beside this package.

Importing this package loads nothing else: the console script ``planbuild`` starts through it.
"""

import os
import sys

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_INSTALLED_SHIMS = os.path.join(PACKAGE_DIR, 'python')

SHIMS_DIR = _INSTALLED_SHIMS if os.path.isdir(_INSTALLED_SHIMS) else os.path.dirname(PACKAGE_DIR)
"""The folder of the drop-in modules and scripts (``maven.py``, ``planbuild_executor.py``, …)."""

if SHIMS_DIR not in sys.path:
    sys.path.append(SHIMS_DIR)


def prefix():
    """The installed package's prefix (``include/planbuild.h``, ``lib/libplanbuild.so``,
    ``lib/pkgconfig/planbuild.pc``), or None in a checkout, which has no such prefix."""
    if os.path.isfile(os.path.join(PACKAGE_DIR, 'lib', 'pkgconfig', 'planbuild.pc')):
        return PACKAGE_DIR
    return None


def executable():
    """The ``planbuild`` command line program of this installation (None in a checkout)."""
    root = prefix()
    return os.path.join(root, 'lib', 'planbuild-cli') if root else None


def library_path():
    """The libplanbuild.so the drop-in modules load (``PLANBUILD_LIBRARY`` wins, as for them)."""
    import _planbuild
    return _planbuild.load()._name


def version():
    """The release of the loaded library (pb_version), the same text as ``planbuild --version``."""
    import ctypes
    import _planbuild
    function = _planbuild.load().pb_version
    function.argtypes = []
    function.restype = ctypes.c_char_p
    return function().decode()
