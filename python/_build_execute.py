"""Build execution shared by the build modules (plan-marshall's ``_build_execute``): one build
through pb_execute without parsing, and each tool's ExecuteConfig.

The wrapper rule, the timeout rule, the log location and the command key are libplanbuild's;
ExecuteConfig only names what a tool is, and asks the library for the rest.
"""

import enum
import os

import _planbuild


class CaptureStrategy(enum.Enum):
    """How a tool's output reaches its log: the tool writes it (Maven ``-l``) or PlanBuild captures it."""

    TOOL_LOG_FLAG = 'tool_log_flag'
    STDOUT_REDIRECT = 'stdout_redirect'


class ExecuteConfig:
    """What a build tool is: its name, wrappers, fallback program and log capture."""

    require_wrapper = False  # PlanBuild falls back to the tool on PATH (mvn, gradle) when no wrapper exists

    def __init__(self, tool_name, unix_wrapper=None, windows_wrapper=None, system_fallback=None,
                 capture_strategy=CaptureStrategy.STDOUT_REDIRECT):
        self.tool_name = tool_name
        self.unix_wrapper = unix_wrapper
        self.windows_wrapper = windows_wrapper
        self.system_fallback = system_fallback
        self.capture_strategy = capture_strategy

    @property
    def default_timeout(self):
        """The library's default timeout (seconds)."""
        return _planbuild.defaults()['timeout_seconds']

    def _key(self, args):
        return _planbuild.checked('pb_query', dict(_planbuild.context(), what='command_key', system=self.tool_name,
                                                   args=args or ''))

    def command_key_fn(self, args):
        """The suffix of the key the timeout of ``args`` is learned under (``verify__pl_core``)."""
        return self._key(args)['key_suffix']

    def scope_fn(self, args):
        """The log scope of ``args``: the module it routes to, else ``default``."""
        return self._key(args)['scope']


def dry_run(system, args, field, project_dir='.'):
    """What pb_execute would run for ``args`` (wrapper, command_type, command), starting nothing.

    ``field`` of the reply, which the library reports even when the build could not start.
    """
    reply = _planbuild.call('pb_query', _planbuild.project(project_dir, what='wrapper', system=system, args=args))
    if field not in reply:
        raise _planbuild.PlanBuildError(reply)
    return reply[field]


def execute_direct(system, args, command_key, default_timeout=None, project_dir='.', env_vars=None, working_dir=None,
                   plan_id=None, *, execution_mode=None):
    """One build through pb_execute without parsing: the DirectCommandResult dict.

    ``default_timeout`` None: the library's default. ``env_vars`` is a dict or the reference's
    ``"NAME=value NAME2=value2"`` text (split by the library); ``working_dir`` (relative to the
    project) is where the tool runs; ``plan_id`` files the log under that plan's build-results;
    ``execution_mode`` ('in_process', 'server', 'auto'; None: the library's default) says where the
    build runs (docs/server.md).
    """
    request = _planbuild.project(project_dir, system=system, args=args, parse=False,
                                 timeout=None if default_timeout is None else int(default_timeout),
                                 command_key=command_key or None,
                                 env=(env_vars if isinstance(env_vars, str) else dict(env_vars)) if env_vars else None,
                                 working_dir=os.fspath(working_dir) if working_dir else None, plan_id=plan_id,
                                 execution_mode=execution_mode)
    return _planbuild.execute(request)


def cmd_run(system, args):
    """The ``run`` handler for an argparse namespace (command_args, timeout, format, mode,
    project_dir, env, working_dir, plan_id, execution_mode): the library's ``run`` with the same values."""
    argv = ['run']
    for option, name in (('--command-args', 'command_args'), ('--format', 'format'), ('--mode', 'mode'),
                         ('--timeout', 'timeout'), ('--project-dir', 'project_dir'), ('--plan-id', 'plan_id'),
                         ('--env', 'env'), ('--working-dir', 'working_dir'), ('--junit', 'junit'), ('--sarif', 'sarif'),
                         ('--execution-mode', 'execution_mode')):
        value = getattr(args, name, None)
        if value is not None:
            argv += [option, str(value)]
    script = {'python': 'pyproject_build'}.get(system, system)
    import sys
    reply = _planbuild.script(script, argv)
    sys.stderr.write(reply['stderr'])
    sys.stdout.write(reply['stdout'])
    return reply['exit_code']
