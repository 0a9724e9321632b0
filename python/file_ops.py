"""Where plan-marshall keeps plan state (``file_ops``), by the generation this folder speaks:
libplanbuild's rule (pb_query "plan_paths")."""

import json
from pathlib import Path

import _planbuild

_BASE_DIR_OVERRIDE = None
"""A folder that replaces PLAN_BASE_DIR's (None: the environment decides)."""


def _paths(plan_id=None):
    import os
    saved = os.environ.get('PLAN_BASE_DIR')
    if _BASE_DIR_OVERRIDE is not None:
        os.environ['PLAN_BASE_DIR'] = str(_BASE_DIR_OVERRIDE)
    try:
        return _planbuild.plan_paths(plan_id=plan_id)
    finally:
        if _BASE_DIR_OVERRIDE is not None:
            if saved is None:
                os.environ.pop('PLAN_BASE_DIR', None)
            else:
                os.environ['PLAN_BASE_DIR'] = saved


def base_path(*parts):
    """A path inside the plan-state folder (PLAN_BASE_DIR, else ``.plan/local`` of the project)."""
    return Path(_paths()['state_dir'], *parts)


def get_build_results_dir(plan_id):
    """``{state}/plans/{plan_id}/build-results``: where a plan's build logs go."""
    return Path(_paths(plan_id)['build_results'])


def get_marshal_path():
    """marshal.json of the plan state."""
    return Path(_paths()['marshal'])


def get_run_config_path():
    """run-configuration.json of the plan state."""
    return Path(_paths()['run_config'])


def read_json(path, default=None):
    """The JSON document at ``path``; ``default`` when it does not exist."""
    path = Path(path)
    if not path.exists():
        return default
    return json.loads(path.read_text())
