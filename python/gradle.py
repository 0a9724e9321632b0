#!/usr/bin/env python3
"""Gradle builds through libplanbuild: run, parse, check-warnings, … (`gradle.py --help`; README "Scripts")."""

import sys

import _planbuild

if __name__ == '__main__':
    sys.exit(_planbuild.main(__file__))
