"""The ``planbuild`` console script of the wheel: replaces this process with the installed
command-line program (``planbuild/lib/planbuild-cli``), so signals, exit codes and the terminal
are the program's own and no Python stays in between."""

import os
import sys

import planbuild


def main():
    program = planbuild.executable()
    if program is None or not os.access(program, os.X_OK):
        sys.stderr.write(f'planbuild: no installed program at {program or planbuild.PACKAGE_DIR + "/lib"}; '
                         'reinstall the wheel, or run bin/planbuild in a checkout\n')
        sys.exit(127)
    os.execv(program, [program, *sys.argv[1:]])
