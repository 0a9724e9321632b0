"""``check-warnings`` for plan-marshall's build modules (``_build_check_warnings``): the library's
check-warnings subcommand with the caller's matcher and severity rule."""

import sys

import _planbuild


def cmd_check_warnings_base(args, matcher='substring', filter_severity=None, system='maven'):
    """Sort ``args.warnings`` (JSON text) against ``args.patterns`` / ``args.acceptable_warnings``;
    prints the answer and returns its exit code (1 while anything is fixable or unknown)."""
    argv = ['check-warnings', '--matcher', matcher]
    for option, name in (('--warnings', 'warnings'), ('--patterns', 'patterns'),
                         ('--acceptable-warnings', 'acceptable_warnings'), ('--warning-baseline', 'warning_baseline'),
                         ('--format', 'format')):
        value = getattr(args, name, None)
        if value is not None:
            argv += [option, str(value)]
    reply = _planbuild.script(system, argv)
    sys.stderr.write(reply['stderr'])
    sys.stdout.write(reply['stdout'])
    return reply['exit_code']


def create_check_warnings_handler(matcher='substring', filter_severity=None, supports_patterns_arg=False, system='maven'):
    """A ``check-warnings`` handler for an argparse namespace."""
    def handler(args):
        return cmd_check_warnings_base(args, matcher=matcher, filter_severity=filter_severity, system=system)
    return handler
