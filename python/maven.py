#!/usr/bin/env python3
"""Maven builds through libplanbuild.

CLI: maven.py run --commandArgs "ARGS" [--format toon|json] [--mode actionable|structured|errors]
                   [--timeout N] [--project-dir DIR]
Runs the build (wrapper first), prints the result (at most 20 errors and 10 warnings); exit 0 on success.
"""

import sys

import _planbuild_cli


def main(argv=None):
    return _planbuild_cli.guarded(lambda words: _planbuild_cli.run_main('maven', words, 'maven.py'), argv)


if __name__ == '__main__':
    sys.exit(main())
