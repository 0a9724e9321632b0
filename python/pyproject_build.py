#!/usr/bin/env python3
"""Python (pyprojectx) builds through libplanbuild: run, parse, … (`pyproject_build.py --help`; README "Scripts").

Module API (plan-marshall's pyproject_build): parse_log, cmd_run, detect_wrapper, execute_direct.
"""

import sys

import _planbuild
from _pyproject_cmd_parse import parse_log  # noqa: F401
from _pyproject_execute import cmd_run, detect_wrapper, execute_direct  # noqa: F401

if __name__ == '__main__':
    sys.exit(_planbuild.main(__file__))
