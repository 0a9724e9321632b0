#!/usr/bin/env python3
"""npm/npx builds through libplanbuild.

CLI:     npm.py run --commandArgs "run test" [--format toon|json] [--mode actionable|structured|errors]
                    [--timeout N] [--project-dir DIR] [--env "NAME=value …"]
                    [--working-dir DIR]
Module:  detect_command_type(args), execute_direct(...), cmd_run(args), parse_with_detector(log_file, command)
"""

import sys

from _npm_execute import (cmd_run, detect_command_type, execute_direct, get_bash_timeout,  # noqa: F401
                          parse_with_detector)


def main(argv=None):
    import _planbuild_cli
    usage = _planbuild_cli.RUN_USAGE
    return _planbuild_cli.guarded(
        lambda words: _planbuild_cli.run_main('npm', words, 'npm.py', _planbuild_cli.NPM_RUN_OPTIONS, usage), argv)


if __name__ == '__main__':
    sys.exit(main())
