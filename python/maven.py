#!/usr/bin/env python3
"""Maven builds through libplanbuild: run, parse, check-warnings, … (`maven.py --help`; README "Scripts")."""

import sys

import _planbuild

if __name__ == '__main__':
    sys.exit(_planbuild.main(__file__))
