"""npm/npx execution (plan-marshall's ``_npm_execute``): everything runs in libplanbuild.

detect_command_type(args) -> 'npm' | 'npx'
execute_direct(args, command_key, default_timeout=None, project_dir='.', working_dir=None, env_vars=None, plan_id=None, *,
               execution_mode=None)
get_bash_timeout(timeout) -> the outer timeout for a build of ``timeout`` seconds
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir, env, working_dir, plan_id)
parse_with_detector(log_file, command='') -> (issues, tests, build_status)
"""

import _build_execute
import _planbuild
from _build_shared import get_bash_timeout  # noqa: F401

SYSTEM = 'npm'


class _NpmConfig(_build_execute.ExecuteConfig):
    supports_env_vars = True
    supports_working_dir = True
    parser_needs_command = True


_CONFIG = _NpmConfig('npm', capture_strategy=_build_execute.CaptureStrategy.STDOUT_REDIRECT)


def __getattr__(name):
    # Constants of the reference module, asked from the library when first read.
    if name == 'DEFAULT_TIMEOUT_SECONDS':
        return _CONFIG.default_timeout
    if name == 'NPX_COMMANDS':
        return list(_planbuild.defaults()['npx_tools'])
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def detect_command_type(args):
    """``'npx'`` when pb_execute would run ``args`` through npx (playwright, eslint, tsc, jest, …), else ``'npm'``."""
    return _build_execute.dry_run(SYSTEM, args, 'command_type')


def execute_direct(args, command_key, default_timeout=None, project_dir='.', working_dir=None, env_vars=None, plan_id=None,
                   *, execution_mode=None):
    """Run ``npm``/``npx`` ``args`` with the output in a log file; the pb_execute reply, log not parsed.

    ``working_dir`` (relative to ``project_dir``) is where npm runs, e.g. one workspace package;
    ``env_vars`` (``"NAME=value NAME2=value2"`` or a dict) are set on top of the inherited environment.
    ``execution_mode``: 'in_process', 'server' or 'auto' (None: the library's default, auto; see docs/server.md).
    """
    return _build_execute.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir, env_vars, working_dir,
                                         plan_id, execution_mode=execution_mode)


def cmd_run(args):
    """The library's ``run`` for an argparse namespace; its exit code."""
    return _build_execute.cmd_run(SYSTEM, args)


def parse_with_detector(log_file, command=''):
    """Parse an npm log (npm errors, tsc, jest, eslint, TAP — every tool found in it).

    libplanbuild detects the tools from the log itself; ``command`` is accepted for compatibility.
    """
    from _build_parse import parse_log_with
    return parse_log_with(SYSTEM, log_file)
