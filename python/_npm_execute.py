"""npm/npx execution (drop-in for the reference ``_npm_execute``): everything runs in libplanbuild.

detect_command_type(args) -> 'npm' | 'npx'
execute_direct(args, command_key, default_timeout=None (the library's: 300), project_dir='.', working_dir=None, env_vars=None)
get_bash_timeout(timeout) -> timeout + 30
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir, env)
parse_with_detector(log_file, command='') -> (issues, tests, build_status)
"""

import _planbuild_cli

SYSTEM = 'npm'


def __getattr__(name):
    # DEFAULT_TIMEOUT_SECONDS of the reference module: the library's default, asked when first read.
    if name == 'DEFAULT_TIMEOUT_SECONDS':
        import _planbuild
        return _planbuild.defaults()['timeout_seconds']
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def detect_command_type(args):
    """``'npx'`` when pb_execute would run ``args`` through npx (playwright, eslint, tsc, jest, …), else ``'npm'``."""
    return _planbuild_cli.dry_run(SYSTEM, args, 'command_type')


get_bash_timeout = _planbuild_cli.get_bash_timeout


def execute_direct(args, command_key, default_timeout=None, project_dir='.',
                   working_dir=None, env_vars=None, *, execution_mode=None):
    """Run ``npm``/``npx`` ``args`` with the output in a log file; the pb_execute reply, log not parsed.

    ``working_dir`` (relative to ``project_dir``) is where npm runs, e.g. one workspace package;
    ``env_vars`` (``"NAME=value NAME2=value2"`` or a dict) are set on top of the inherited environment.
    """
    return _planbuild_cli.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir, env_vars,
                                         working_dir, execution_mode=execution_mode)


def cmd_run(args):
    """Execute, parse on failure, print the result; 0 on success, else 1."""
    return _planbuild_cli.cmd_run(SYSTEM, args)


def parse_with_detector(log_file, command=''):
    """Parse an npm log (npm errors, tsc, jest, eslint, TAP — every tool found in it).

    libplanbuild detects the tools from the log itself; ``command`` is accepted for compatibility.
    """
    from _build_parse import parse_log_with
    return parse_log_with(SYSTEM, log_file)
