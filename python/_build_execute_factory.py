"""plan-marshall's ``_build_execute_factory``: the command key of a tool's arguments, and the
execute function the tool modules share (everything decided by libplanbuild)."""

import _planbuild
from _build_execute import execute_direct


def compute_command_key(config, args):
    """``{tool}:{suffix}``, the key the timeout of ``args`` is learned under (``maven:verify``)."""
    return _planbuild.checked('pb_query', dict(_planbuild.context(), what='command_key', system=config.tool_name,
                                               args=args or ''))['command_key']


def execute_direct_base(*, config, args, command_key=None, default_timeout=None, project_dir='.', env_vars=None,
                        working_dir=None, plan_id=None, **_ignored):
    """One build of ``config``'s tool: :func:`_build_execute.execute_direct`."""
    return execute_direct(config.tool_name, args, command_key, default_timeout, project_dir, env_vars, working_dir, plan_id)
