#!/usr/bin/env python3
"""Learned command timeouts in .plan/run-configuration.json (drop-in for the reference ``run_config``).

Functions:   timeout_get(command_key, default, project_dir='.') -> int
             timeout_set(command_key, duration, project_dir='.') -> None
             compute_weighted_timeout(existing, new_duration) -> int
             ext_defaults_get/set/set_default/list, profile_mapping_get/get_all/set
CLI:         run_config.py timeout get --command K --default N     prints the timeout alone
             run_config.py timeout set --command K --duration N    prints TOON lines
             run_config.py init [--force] | validate [--file F]
             run_config.py warning add|list|remove, profile-mapping set|get|list|remove|batch-set,
             extension-defaults set|set-default|get|list|remove   print TOON lines (see --help)

The arithmetic, the file locking and the atomic rewrite are libplanbuild's (pb_timeout_get,
pb_timeout_set, pb_run_config); this module converts arguments only. When PLAN_BASE_DIR is set it is the project directory, whatever project_dir says.
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


def timeout_get(command_key, default, project_dir='.'):
    """``max(120, default)`` with nothing learned, else ``max(120, int(learned × 1.25))``."""
    reply = _planbuild.checked('pb_timeout_get',
                               _planbuild.project(project_dir, command_key=command_key, default=int(default)))
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


CATEGORY = {'--category': ('category', str)}
SYSTEM = {'--build-system': ('build_system', str)}
PATTERN = {'--pattern': ('pattern', str)}
PROFILE = {'--profile-id': ('profile_id', str)}
KEY = {'--key': ('key', str)}
VALUE = {'--value': ('value_text', str)}

# (group, verb) → (pb_run_config operation, options, required flags)
OPERATIONS = {
    ('init', None): ('init', {}, ()),
    ('validate', None): ('validate', {'--file': ('file', str)}, ()),
    ('warning', 'add'): ('warning_add', {**CATEGORY, **PATTERN, **SYSTEM}, ('--category', '--pattern')),
    ('warning', 'list'): ('warning_list', {**CATEGORY, **SYSTEM}, ()),
    ('warning', 'remove'): ('warning_remove', {**CATEGORY, **PATTERN, **SYSTEM}, ('--category', '--pattern')),
    ('profile-mapping', 'set'): ('profile_mapping_set', {**PROFILE, '--canonical': ('canonical', str)},
                                 ('--profile-id', '--canonical')),
    ('profile-mapping', 'get'): ('profile_mapping_get', PROFILE, ('--profile-id',)),
    ('profile-mapping', 'list'): ('profile_mapping_list', {'--canonical': ('canonical', str)}, ()),
    ('profile-mapping', 'remove'): ('profile_mapping_remove', PROFILE, ('--profile-id',)),
    ('profile-mapping', 'batch-set'): ('profile_mapping_batch_set', {'--mappings-json': ('mappings', str)},
                                       ('--mappings-json',)),
    ('extension-defaults', 'get'): ('extension_defaults_get', KEY, ('--key',)),
    ('extension-defaults', 'set'): ('extension_defaults_set', {**KEY, **VALUE}, ('--key', '--value')),
    ('extension-defaults', 'set-default'): ('extension_defaults_set_default', {**KEY, **VALUE}, ('--key', '--value')),
    ('extension-defaults', 'list'): ('extension_defaults_list', {}, ()),
    ('extension-defaults', 'remove'): ('extension_defaults_remove', KEY, ('--key',)),
}

def _usage(group=None):
    """Usage of one group or of the whole script, from the same table the parser uses."""
    lines = []
    if group in (None, 'timeout'):
        lines += ['timeout get --command KEY --default SECONDS', 'timeout set --command KEY --duration SECONDS']
    for (name, verb), (_, options, required) in OPERATIONS.items():
        if group not in (None, name):
            continue
        flags = ' '.join(f'{flag} {options[flag][0].upper()}' if flag in required
                         else f'[{flag} {options[flag][0].upper()}]' for flag in options)
        if name == 'init':
            flags = '[--force]'
        lines.append(' '.join(part for part in (name, verb, flags) if part))
    return '\n       '.join(lines)


USAGE = _usage()



def _print_error(reply):
    """An error reply as TOON on stdout and one clear line on stderr; exit status 1."""
    sys.stdout.write(f"status\terror\nerror\t{reply.get('error')}\n")
    sys.stderr.write(f"error: {reply.get('message', reply.get('error'))}\n")
    return 1


def _timeout(verb, options):
    if verb == 'get':
        reply = _planbuild.call('pb_timeout_get', _planbuild.project(
            '.', command_key=options.command, default=options.default))
        if reply.get('status') != 'success':
            sys.stderr.write(f"error: {reply.get('message', reply.get('error'))}\n")
            return 1
        sys.stdout.write(f"{reply['timeout_seconds']}\n")
        return 0
    reply = _planbuild.call('pb_timeout_set', _planbuild.project(
        '.', command_key=options.command, duration=options.duration, format='toon'))
    if reply.get('status') != 'success':
        return _print_error(reply)
    sys.stdout.write(reply['text'])
    return 0


TIMEOUT_OPTIONS = {
    'get': ({'--command': ('command', str), '--default': ('default', int)}, ('--command', '--default')),
    'set': ({'--command': ('command', str), '--duration': ('duration', int)}, ('--command', '--duration')),
}


def main(argv=None):
    from _planbuild_cli import UsageError, parse_options, usage_error
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = 'run_config.py'
    group = argv[0] if argv else None
    groups = {name for name, _ in OPERATIONS} | {'timeout'}
    if group in ('-h', '--help'):
        sys.stdout.write(f'usage: {prog} {USAGE}\n')
        return 0
    if group not in groups:
        return usage_error(prog, USAGE, f'expected one of: {", ".join(sorted(groups))}')
    verbs = {verb for name, verb in OPERATIONS if name == group} - {None}
    if group == 'timeout':
        verbs = set(TIMEOUT_OPTIONS)
    verb = argv[1] if verbs and len(argv) > 1 else None
    rest = argv[2:] if verbs else argv[1:]
    if verb in ('-h', '--help') or '-h' in rest or '--help' in rest:
        sys.stdout.write(f'usage: {prog} {_usage(group)}\n')
        return 0
    if verbs and verb not in verbs:
        return usage_error(prog, _usage(group), f'expected {group} {"|".join(sorted(verbs))}')
    force = group == 'init' and '--force' in rest
    rest = [word for word in rest if not (force and word == '--force')]
    try:
        if group == 'timeout':
            spec, required = TIMEOUT_OPTIONS[verb]
            return _timeout(verb, parse_options(rest, spec, required=required))
        operation, spec, required = OPERATIONS[(group, verb)]
        fields = vars(parse_options(rest, spec, required=required))
    except UsageError as error:
        return usage_error(prog, _usage(group), str(error))
    if force:
        fields['force'] = True
    reply = _planbuild.call('pb_run_config', _planbuild.project('.', operation=operation, **fields))
    if reply.get('status') != 'success':
        return _print_error(reply)
    sys.stdout.write(reply['text'] + '\n')
    return 0


if __name__ == '__main__':
    from _planbuild_cli import guarded
    sys.exit(guarded(main))
