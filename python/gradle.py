#!/usr/bin/env python3
"""Gradle builds through libplanbuild: run, parse, check-warnings, … (`gradle.py --help`; README "Scripts").

``_register_find_project(subparsers)``: ``find-project`` on an argparse subparsers object (the
registration plan-marshall's ``_build_cli.build_main`` takes), answered by the library."""

import sys

import _planbuild


def _register_find_project(subparsers):
    return _planbuild.add_subcommand(subparsers, __file__, 'find-project')


if __name__ == '__main__':
    sys.exit(_planbuild.main(__file__))
