"""Gradle execution (plan-marshall's ``_gradle_execute``): everything runs in libplanbuild.

detect_wrapper(project_dir='.') -> str
execute_direct(args, command_key, default_timeout=None, project_dir='.', plan_id=None) -> DirectCommandResult
get_bash_timeout(timeout) -> the outer timeout for a build of ``timeout`` seconds
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir, plan_id)
"""

import _build_execute
from _build_shared import get_bash_timeout  # noqa: F401

SYSTEM = 'gradle'
_CONFIG = _build_execute.ExecuteConfig('gradle', 'gradlew', 'gradlew.bat', 'gradle',
                                       _build_execute.CaptureStrategy.STDOUT_REDIRECT)


def __getattr__(name):
    # DEFAULT_TIMEOUT_SECONDS of the reference module: the library's default, asked when first read.
    if name == 'DEFAULT_TIMEOUT_SECONDS':
        return _CONFIG.default_timeout
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def detect_wrapper(project_dir='.'):
    """The wrapper pb_execute would use in ``project_dir`` (./gradlew → gradle)."""
    return _build_execute.dry_run(SYSTEM, '', 'wrapper', project_dir)


def execute_direct(args, command_key, default_timeout=None, project_dir='.', plan_id=None, *, execution_mode=None):
    """Run ``args`` (a string split like shell words, or a list of words) with the output in a log file.

    The timeout learned under ``command_key`` (else ``default_timeout``) applies and the duration is
    learned; the log is not parsed. Returns the pb_execute reply. ``execution_mode``: 'in_process',
    'server' or 'auto' (None: the library's default, auto; see docs/server.md).
    """
    return _build_execute.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir, plan_id=plan_id,
                                         execution_mode=execution_mode)


def cmd_run(args):
    """The library's ``run`` for an argparse namespace; its exit code."""
    return _build_execute.cmd_run(SYSTEM, args)
