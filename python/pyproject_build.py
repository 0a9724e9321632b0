#!/usr/bin/env python3
"""Python (pyprojectx) builds through libplanbuild, under plan-marshall's name ``pyproject_build``.

CLI: pyproject_build.py run --command-args "verify" [--format toon|json] [--mode actionable|structured|errors]
                            [--timeout N] [--project-dir DIR] [--env "NAME=value …"] [--working-dir DIR]
     pyproject_build.py parse --log FILE [--format toon|json] [--mode actionable|structured|errors]
     pyproject_build.py run-config-key --command-args "verify" [--format toon|json]
"""

import sys

import _planbuild_cli
from _pyproject_cmd_parse import parse_log  # noqa: F401
from _pyproject_execute import cmd_run, detect_wrapper, execute_direct  # noqa: F401

PARSE_OPTIONS = {
    '--log': ('log', str),
    '--format': ('format', ('toon', 'json')),
    '--mode': ('mode', ('actionable', 'structured', 'errors', 'default')),
    '--project-dir': ('project_dir', str),
}
PARSE_USAGE = 'parse --log FILE [--format {toon,json}] [--mode {actionable,structured,errors}] [--project-dir DIR]'


def parse_main(argv):
    """``parse --log FILE``: the log's issues and test counts, formatted like a run's result."""
    import _planbuild
    try:
        options = _planbuild_cli.parse_options(argv, PARSE_OPTIONS, required=('--log',))
    except _planbuild_cli.UsageError as error:
        return _planbuild_cli.usage_error('pyproject_build.py', PARSE_USAGE, str(error))
    parsed = _planbuild.checked('pb_parse', {'log_file': options.log, 'system': 'python'})
    issues = parsed.get('issues') or []
    mode = options.__dict__.get('mode')
    failed = parsed.get('build_status') == 'FAILURE'
    result = {'status': 'error' if failed else 'success', 'exit_code': 1 if failed else 0, 'duration_seconds': 0,
              'log_file': options.log, 'command': 'parse',
              'errors': [issue for issue in issues if issue.get('severity') == 'error'],
              'warnings': [] if mode == 'errors' else [issue for issue in issues if issue.get('severity') == 'warning'],
              'tests': parsed.get('tests')}
    if failed:
        result['error'] = 'build_failed'
    _planbuild_cli.print_text(_planbuild.checked('pb_format', {'result': result, 'format': options.__dict__.get('format')})['text'])
    return 1 if failed else 0


def main(argv=None):
    words = sys.argv[1:] if argv is None else argv
    if words and words[0] == 'parse':
        return _planbuild_cli.guarded(lambda rest: parse_main(rest[1:]), words)
    return _planbuild_cli.guarded(lambda rest: _planbuild_cli.run_main('python', rest, 'pyproject_build.py'), words)


if __name__ == '__main__':
    sys.exit(main())
