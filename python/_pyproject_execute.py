"""Python execution (drop-in for the reference ``_pyproject_execute``): everything runs in libplanbuild.

The library picks the program: ``./pw`` (pyprojectx) in the project, else ``pw`` on PATH, else the
command's first word as a plain tool (``pytest -q``, ``mypy``, ``ruff check``).

detect_wrapper(project_dir='.') -> str
execute_direct(args, command_key, default_timeout=None, project_dir='.', env_vars=None) -> DirectCommandResult
cmd_run(args) -> int      (argparse namespace: command_args, timeout, format, mode, project_dir, env, working_dir)
"""

import _planbuild_cli

SYSTEM = 'python'


def detect_wrapper(project_dir='.', args='verify'):
    """The program pb_execute would start in ``project_dir`` for ``args`` (./pw → pw → the tool)."""
    return _planbuild_cli.dry_run(SYSTEM, args, 'wrapper', project_dir)


def execute_direct(args, command_key, default_timeout=None, project_dir='.', env_vars=None, *, execution_mode=None):
    """Run ``args`` with the output in a log file; the pb_execute reply, log not parsed."""
    return _planbuild_cli.execute_direct(SYSTEM, args, command_key, default_timeout, project_dir, env_vars,
                                         execution_mode=execution_mode)


def cmd_run(args):
    """Execute, parse on failure, print the result; 0 on success, else 1."""
    return _planbuild_cli.cmd_run(SYSTEM, args)
