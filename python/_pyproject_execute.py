"""Python execution (plan-marshall's ``_pyproject_execute``): everything runs in libplanbuild.

The library picks the program: ``./pw`` (pyprojectx) in the project, else ``pw`` on PATH, else the
command's first word as a plain tool (``pytest -q``, ``mypy``, ``ruff check``).

detect_wrapper(project_dir='.') -> str
execute_direct(args, command_key, default_timeout=None, project_dir='.', env_vars=None, plan_id=None, *,
               execution_mode=None) -> DirectCommandResult
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir, env, working_dir, plan_id)
"""

import _build_execute

SYSTEM = 'python'
_CONFIG = _build_execute.ExecuteConfig('python', 'pw', 'pw.bat', 'pw', _build_execute.CaptureStrategy.STDOUT_REDIRECT)


def detect_wrapper(project_dir='.', args='verify'):
    """The program pb_execute would start in ``project_dir`` for ``args`` (./pw → pw → the tool)."""
    return _build_execute.dry_run(SYSTEM, args, 'wrapper', project_dir)


def execute_direct(args, command_key, default_timeout=None, project_dir='.', env_vars=None, plan_id=None, *,
                   execution_mode=None):
    """Run ``args`` with the output in a log file; the pb_execute reply, log not parsed. ``execution_mode``:
    'in_process', 'server' or 'auto' (None: the library's default, auto; see docs/server.md)."""
    return _build_execute.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir, env_vars, plan_id=plan_id,
                                         execution_mode=execution_mode)


def cmd_run(args):
    """The library's ``run`` for an argparse namespace; its exit code."""
    return _build_execute.cmd_run(SYSTEM, args)
