"""Maven execution (drop-in for the reference ``_maven_execute``): everything runs in libplanbuild.

detect_wrapper(project_dir='.') -> str
execute_direct(args, command_key, default_timeout=None (the library's: 300), project_dir='.', *,
               execution_mode=None) -> DirectCommandResult
get_bash_timeout(timeout) -> timeout + 30
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir)
"""

import _planbuild_cli

SYSTEM = 'maven'


def __getattr__(name):
    # DEFAULT_TIMEOUT_SECONDS of the reference module: the library's default, asked when first read.
    if name == 'DEFAULT_TIMEOUT_SECONDS':
        import _planbuild
        return _planbuild.defaults()['timeout_seconds']
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')

get_bash_timeout = _planbuild_cli.get_bash_timeout


def detect_wrapper(project_dir='.'):
    """The wrapper pb_execute would use in ``project_dir`` (./mvnw → mvn)."""
    return _planbuild_cli.dry_run(SYSTEM, '', 'wrapper', project_dir)


def execute_direct(args, command_key, default_timeout=None, project_dir='.', *, execution_mode=None):
    """Run ``args`` (a string split like shell words, or a list of words) with the output in a log file.

    The timeout learned under ``command_key`` (else ``default_timeout``) applies and the duration is
    learned; the log is not parsed. Returns the pb_execute reply. ``execution_mode``: 'in_process',
    'server' or 'auto' (None: the library's default, auto; see docs/server.md).
    """
    return _planbuild_cli.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir,
                                         execution_mode=execution_mode)


def cmd_run(args):
    """Execute, parse on failure, print the result; 0 on success, else 1."""
    return _planbuild_cli.cmd_run(SYSTEM, args)
