#!/usr/bin/env python3
"""PlanBuild's build cache (.plan/build-cache/) from Python, through libplanbuild's pb_cache.

CLI:  cache.py [--project-dir D] stats                  entries, bytes, ages, hits/misses, time saved
      cache.py [--project-dir D] list [--module M]      one row per record
      cache.py [--project-dir D] clear [--module M]     remove records (all, or one module's)
      cache.py [--project-dir D] explain --module M [--command C]
          why the build would run (or that it is cached), without building
      --format json on any of them prints the reply as JSON.
Python: cache_stats(project_dir='.'), cache_list(project_dir='.', module=None),
        cache_clear(module=None, project_dir='.'), cache_explain(module, command='verify', project_dir='.')
        each returns the reply dict; a failure raises _planbuild.PlanBuildError.
"""

import json
import sys

import _planbuild

PROG = 'cache.py'
USAGE = '[--project-dir DIR] {stats | list [--module M] | clear [--module M] | explain --module M [--command C]} [--format toon|json]'

SUBCOMMANDS = {
    'stats': ({}, ()),
    'list': ({'--module': ('module', str)}, ()),
    'clear': ({'--module': ('module', str)}, ()),
    'explain': ({'--module': ('module', str), '--command': ('command', str)}, ('--module',)),
}


def _cache(action, project_dir='.', option=None, **members):
    request = _planbuild.project(project_dir, option=option, action=action,
                                 **{key: value for key, value in members.items() if value is not None})
    return _planbuild.checked('pb_cache', request)


def cache_stats(project_dir='.'):
    return _cache('stats', project_dir)


def cache_list(project_dir='.', module=None):
    return _cache('list', project_dir, module=module)


def cache_clear(module=None, project_dir='.'):
    return _cache('clear', project_dir, module=module)


def cache_explain(module, command='verify', project_dir='.'):
    return _cache('explain', project_dir, module=module, command=command)


def main(argv=None):
    from _planbuild_cli import UsageError, parse_options, usage_error
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help'):
        sys.stdout.write(f'usage: {PROG} {USAGE}\n')
        return 0 if argv else 2
    project_dir = None
    if argv[0].startswith('--project-dir'):
        flag, has_value, value = argv.pop(0).partition('=')
        if flag != '--project-dir' or (not has_value and not argv):
            return usage_error(PROG, USAGE, 'argument --project-dir: expected one argument')
        project_dir = value if has_value else argv.pop(0)
    if not argv:
        return usage_error(PROG, USAGE, 'a subcommand is required')
    subcommand = argv.pop(0)
    if subcommand not in SUBCOMMANDS:
        choices = ', '.join(repr(name) for name in SUBCOMMANDS)
        return usage_error(PROG, USAGE, f"invalid choice: '{subcommand}' (choose from {choices})")
    options, required = SUBCOMMANDS[subcommand]
    try:
        parsed = parse_options(argv, dict(options, **{'--format': ('format', str), '--project-dir': ('project_dir', str)}),
                               required)
    except UsageError as error:
        return usage_error(PROG, USAGE, str(error))
    values = parsed.__dict__
    try:
        reply = _cache(subcommand, option=values.get('project_dir') or project_dir,
                       module=values.get('module'), command=values.get('command'))
    except _planbuild.PlanBuildError as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    if (values.get('format') or 'toon') == 'json':
        sys.stdout.write(json.dumps({k: v for k, v in reply.items() if k != 'text'}, indent=2) + '\n')
    else:
        sys.stdout.write(reply['text'].rstrip('\n') + '\n')
    return 0


if __name__ == '__main__':
    from _planbuild_cli import guarded
    sys.exit(guarded(main))
