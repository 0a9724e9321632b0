#!/usr/bin/env python3
"""Learned command timeouts, accepted warnings, profile mappings, extension defaults and plan-state
cleanup in run-configuration.json (plan-marshall's ``run_config``, both generations).

Functions:   timeout_get(command_key, default, project_dir='.', explicit=None) -> int
             timeout_set(command_key, duration, project_dir='.') -> None
             compute_weighted_timeout(existing, new_duration) -> int
             ext_defaults_get/set/set_default/list, profile_mapping_get/get_all/set
             get_run_config_path(), read_run_config(path), validate_run_config(document),
             get_acceptable_warnings(config, system), VALID_WARNING_CATEGORIES
Handlers:    cmd_init, cmd_validate, cmd_timeout_get, cmd_timeout_set, cmd_timeout_measured,
             cmd_warning_add/list/remove, cmd_cleanup, cmd_cleanup_status, cmd_build_queue_limit_get/set,
             cmd_architecture_refresh_get/set_tier_0/1: an argparse namespace in, the answer dict out
CLI:         run_config.py --help (every subcommand answered by libplanbuild's pb_script)

The arithmetic, the file locking and the atomic rewrite are libplanbuild's (pb_timeout_get,
pb_timeout_set, pb_run_config, pb_script); this module converts arguments only. Where the file is
depends on the generation: the contract's PLAN_BASE_DIR names the project (``.plan/`` in it);
today's names the plan-state folder that holds the file.
"""

import sys

import _planbuild

_POLICY = {'SAFETY_MARGIN': 'safety_margin', 'HIGHER_WEIGHT': 'higher_weight',
           'MINIMUM_TIMEOUT_SECONDS': 'minimum_seconds'}


def __getattr__(name):
    # SAFETY_MARGIN (applied to a learned value when read), HIGHER_WEIGHT (of the higher of old
    # and new duration when learning), MINIMUM_TIMEOUT_SECONDS: the library's, asked when first read.
    if name in _POLICY:
        return _planbuild.defaults()['timeout_policy'][_POLICY[name]]
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def timeout_get(command_key, default, project_dir='.', explicit=None):
    """``max(120, default)`` with nothing learned, else ``max(120, int(learned × 1.25))``; an
    ``explicit`` timeout (a caller's own) replaces the learned one: ``max(120, explicit)``."""
    reply = _planbuild.checked('pb_timeout_get', _planbuild.project(
        project_dir, command_key=command_key, default=int(default), explicit=None if explicit is None else int(explicit)))
    return reply['timeout_seconds']


def timeout_set(command_key, duration, project_dir='.'):
    """Learn ``duration``: stored as is the first time, else ``int(0.8 × max + 0.2 × min)``."""
    _planbuild.checked('pb_timeout_set',
                       _planbuild.project(project_dir, command_key=command_key, duration=int(duration)))


def compute_weighted_timeout(existing, new_duration):
    """``int(0.80 × max(existing, new) + 0.20 × min(existing, new))`` (45, 50 → 49)."""
    reply = _planbuild.checked('pb_query', {'what': 'weighted_timeout', 'existing': int(existing),
                                            'duration': int(new_duration)})
    return reply['timeout_seconds']

def _run_config(operation, project_dir='.', **fields):
    return _planbuild.checked('pb_run_config', _planbuild.project(project_dir, operation=operation, **fields))


def ext_defaults_get(key, project_dir='.'):
    """The value stored under ``extension_defaults[key]``, or None."""
    return _run_config('extension_defaults_get', project_dir, key=key).get('value')


def ext_defaults_set(key, value, project_dir='.'):
    """Store ``value`` (any JSON value) under ``key``, replacing what was there."""
    _run_config('extension_defaults_set', project_dir, key=key, value=value)


def ext_defaults_set_default(key, value, project_dir='.'):
    """Store ``value`` only when ``key`` is absent; True when it was stored."""
    return _run_config('extension_defaults_set_default', project_dir, key=key, value=value)['action'] == 'added'


def ext_defaults_list(project_dir='.'):
    """Every extension default as a dict."""
    return _run_config('extension_defaults_list', project_dir)['values']


def profile_mapping_get(profile_id, project_dir='.'):
    """The canonical command mapped to ``profile_id``, or None."""
    return _run_config('profile_mapping_get', project_dir, profile_id=profile_id).get('canonical')


def profile_mapping_get_all(project_dir='.'):
    """Every profile mapping as a dict."""
    return _run_config('profile_mapping_list', project_dir)['mappings']


def profile_mapping_set(profile_id, canonical, project_dir='.'):
    """Map ``profile_id`` to ``canonical``; an unknown canonical raises ValueError."""
    _run_config('profile_mapping_set', project_dir, profile_id=profile_id, canonical=canonical)


VALID_WARNING_CATEGORIES = ['transitive_dependency', 'plugin_compatibility', 'platform_specific']
"""The categories of accepted warnings."""


def get_run_config_path():
    """The run-configuration.json calls from here read and write (a pathlib.Path)."""
    from pathlib import Path
    return Path(_planbuild.plan_paths()['run_config'])


def read_run_config(path=None):
    """The document at ``path`` (default :func:`get_run_config_path`); an absent file reads as
    ``{'version': 1, 'commands': {}}``."""
    import json
    from pathlib import Path
    path = Path(path) if path is not None else get_run_config_path()
    if not path.exists():
        return {'version': 1, 'commands': {}}
    return json.loads(path.read_text())


def validate_run_config(document):
    """validate's checks of a document: a list of ``{check, passed, message, …}``."""
    return _planbuild.checked('pb_query', {'what': 'run_config_checks', 'document': document})['checks']


def get_acceptable_warnings(config, build_system):
    """``config[build_system]['acceptable_warnings']``, or ``{}``."""
    section = config.get(build_system) if isinstance(config, dict) else None
    return (section or {}).get('acceptable_warnings', {}) if isinstance(section, dict) else {}


def _argv(args, *options):
    """The command-line words of an argparse namespace's values (``None`` and ``False`` left out)."""
    words = []
    for option, name in options:
        value = getattr(args, name, None)
        if value is True:
            words.append(option)
        elif value not in (None, False):
            words += [option, str(value)]
    return words


def _handler(*words, options=()):
    """A ``cmd_*`` handler: the subcommand ``words`` with the namespace's options, its answer dict."""
    def handle(args):
        try:
            get_run_config_path()
            return _planbuild.answer('run_config', list(words) + _argv(args, *options))
        except Exception as error:  # the caller's own failure (a file system, a patched path): an answer
            return {'status': 'error', 'error': 'config_error', 'message': str(error)}
    return handle


_WARNING = (('--category', 'category'), ('--pattern', 'pattern'), ('--build-system', 'build_system'))
cmd_init = _handler('init', options=(('--force', 'force'),))
cmd_validate = _handler('validate', options=(('--file', 'file'),))
cmd_timeout_get = _handler('timeout', 'get', options=(('--command', 'command'), ('--default', 'default'),
                                                      ('--explicit', 'explicit')))
cmd_timeout_set = _handler('timeout', 'set', options=(('--command', 'command'), ('--duration', 'duration')))
cmd_timeout_measured = _handler('timeout', 'measured', options=(('--command', 'command'),))
cmd_warning_add = _handler('warning', 'add', options=_WARNING)
cmd_warning_list = _handler('warning', 'list', options=_WARNING)
cmd_warning_remove = _handler('warning', 'remove', options=_WARNING)
cmd_cleanup = _handler('cleanup', options=(('--target', 'target'), ('--dry-run', 'dry_run')))
cmd_cleanup_status = _handler('cleanup-status')
cmd_build_queue_limit_get = _handler('build-queue-limit', 'get')
cmd_build_queue_limit_set = _handler('build-queue-limit', 'set', options=(('--value', 'value'),))
cmd_architecture_refresh_get_tier_0 = _handler('architecture-refresh', 'get-tier-0')
cmd_architecture_refresh_set_tier_0 = _handler('architecture-refresh', 'set-tier-0', options=(('--value', 'value'),))
cmd_architecture_refresh_get_tier_1 = _handler('architecture-refresh', 'get-tier-1')
cmd_architecture_refresh_set_tier_1 = _handler('architecture-refresh', 'set-tier-1', options=(('--value', 'value'),))


def _read_architecture_refresh_value(field, default=None):
    """The stored ``architecture_refresh`` setting (the library's default when absent or not a known value)."""
    return _planbuild.answer('run_config', ['architecture-refresh', f"get-{field.replace('_', '-')}"]).get('value', default)


def main(argv=None):
    return _planbuild.main(__file__, argv)


if __name__ == '__main__':
    sys.exit(main())
