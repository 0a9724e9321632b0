#!/usr/bin/env python3
"""npm/npx builds through libplanbuild: run, parse, check-warnings, … (`npm.py --help`; README "Scripts").

Module API (plan-marshall's npm): detect_command_type, execute_direct, get_bash_timeout, cmd_run, parse_with_detector.
"""

import sys

import _planbuild
from _npm_execute import cmd_run, detect_command_type, execute_direct, get_bash_timeout, parse_with_detector  # noqa: F401

if __name__ == '__main__':
    sys.exit(_planbuild.main(__file__))
