#!/usr/bin/env python3
"""PlanBuild notation dispatcher of this repository (the shims in ../python).

Usage: python3 .plan/execute-script.py NOTATION [args...]    (or --list)
Projects get a generated copy with absolute paths: `planbuild install-executor --project-dir P`.
"""
import os
import sys

SHIMS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'python')

sys.path.insert(0, SHIMS_DIR)
from planbuild_executor import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
