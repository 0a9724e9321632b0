#!/usr/bin/env python3
"""Learned command timeouts in .plan/run-configuration.json (drop-in for the reference ``run_config``).

Functions:   timeout_get(command_key, default, project_dir='.') -> int
             timeout_set(command_key, duration, project_dir='.') -> None
             compute_weighted_timeout(existing, new_duration) -> int
CLI:         run_config.py timeout get --command K --default N     prints the timeout alone
             run_config.py timeout set --command K --duration N    prints TOON lines

The arithmetic, the file locking and the atomic rewrite are libplanbuild's (pb_timeout_get,
pb_timeout_set). When PLAN_BASE_DIR is set it is the project directory, whatever project_dir says.
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


USAGE = 'timeout {get --command KEY --default SECONDS | set --command KEY --duration SECONDS}'


def main(argv=None):
    from _planbuild_cli import UsageError, parse_options, usage_error
    argv = sys.argv[1:] if argv is None else argv
    prog = 'run_config.py'
    if len(argv) < 2 or argv[0] != 'timeout' or argv[1] not in ('get', 'set'):
        if argv and argv[0] in ('-h', '--help'):
            sys.stdout.write(f'usage: {prog} {USAGE}\n')
            return 0
        return usage_error(prog, USAGE, 'expected "timeout get" or "timeout set"')
    operation = argv[1]
    try:
        if operation == 'get':
            options = parse_options(argv[2:], {'--command': ('command', str), '--default': ('default', int)},
                                    required=('--command', '--default'))
        else:
            options = parse_options(argv[2:], {'--command': ('command', str), '--duration': ('duration', int)},
                                    required=('--command', '--duration'))
    except UsageError as error:
        return usage_error(prog, USAGE, str(error))

    if operation == 'get':
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
        sys.stdout.write(f"status\terror\nerror\t{reply.get('error')}\n")
        sys.stderr.write(f"error: {reply.get('message', reply.get('error'))}\n")
        return 1
    sys.stdout.write(reply['text'])
    return 0


if __name__ == '__main__':
    from _planbuild_cli import guarded
    sys.exit(guarded(main))
