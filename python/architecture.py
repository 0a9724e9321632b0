#!/usr/bin/env python3
"""Project architecture queries over .plan/project-architecture/derived-data.json (libplanbuild's pb_resolve and pb_query).

CLI:  architecture.py [--project-dir D] resolve --command C [--name M]
          prints `module: M`, `command: C`, `executable: E`; exit 1 and the
          reason on stderr when it cannot resolve
      architecture.py [--project-dir D] modules [--command C]    module names (that provide C)
      architecture.py [--project-dir D] commands [--name M]      canonical commands of a module
      architecture.py [--project-dir D] module [--name M]        one module's paths and commands
      architecture.py [--project-dir D] graph [--format toon|json|dot]
          the internal module graph as libplanbuild understands the dependencies (pb_query "graph")
Python: graph(project_dir='.') -> {'modules', 'edges', 'external', 'cycle', ...}
M defaults to the root module.
"""

import sys

import _planbuild

USAGE = ('[--project-dir DIR] {resolve --command C [--name M] | modules [--command C] | '
         'commands [--name M] | module [--name M] | graph [--format toon|json|dot]}')
PROG = 'architecture.py'

SUBCOMMANDS = {
    'resolve': ({'--command': ('command', str), '--name': ('name', str)}, ('--command',)),
    'modules': ({'--command': ('command', str)}, ()),
    'commands': ({'--name': ('name', str)}, ()),
    'module': ({'--name': ('name', str)}, ()),
    'graph': ({'--format': ('format', str)}, ()),
}


class QueryError(Exception):
    """A query that cannot be answered; the message says why."""


def _answer(export, request):
    reply = _planbuild.call(export, request)
    if reply.get('status') != 'success':
        raise QueryError(reply.get('message') or reply.get('error'))
    return reply


def query_resolve(project_dir, options):
    reply = _answer('pb_resolve', _planbuild.project(option=project_dir, command=options.command,
                                                     module=options.__dict__.get('name')))
    return reply['text'].rstrip('\n').split('\n')


def _query(what, **members):
    def query(project_dir, options):
        request = _planbuild.project(option=project_dir, what=what,
                                     **{member: options.__dict__.get(option) for member, option in members.items()})
        return _answer('pb_query', request)['text'].rstrip('\n').split('\n')
    return query


query_modules = _query('modules', command='command')
query_commands = _query('commands', module='name')
query_module = _query('module', module='name')


def graph(project_dir='.'):
    """The internal module graph: ``modules``, ``edges`` ({from, to, declared}), ``external``
    ({module, declared}: entries naming no module of the project), ``cycle`` (None or a path)."""
    reply = _planbuild.call('pb_query', _planbuild.project(project_dir, what='graph'))
    if reply.get('status') != 'success':
        raise QueryError(reply.get('message') or reply.get('error'))
    return reply


def query_graph(project_dir, options):
    import json
    reply = graph(project_dir)
    form = options.__dict__.get('format') or 'toon'
    if form == 'json':
        members = {key: reply[key] for key in ('status', 'modules', 'edges', 'external', 'cycle')}
        return [json.dumps(members, indent=2)]
    if form not in ('toon', 'dot'):
        raise QueryError(f"--format must be toon, json or dot, not '{form}'")
    return [reply['text' if form == 'toon' else 'dot']]


QUERIES = {'resolve': query_resolve, 'modules': query_modules, 'commands': query_commands,
           'module': query_module, 'graph': query_graph}


def main(argv=None):
    from _planbuild_cli import UsageError, parse_options, usage_error
    argv = list(sys.argv[1:] if argv is None else argv)
    project_dir = None  # None: PLAN_BASE_DIR, else the current directory
    while argv and argv[0].startswith('--project-dir'):
        flag, has_value, value = argv.pop(0).partition('=')
        if flag != '--project-dir' or (not has_value and not argv):
            return usage_error(PROG, USAGE, 'argument --project-dir: expected one argument')
        project_dir = value if has_value else argv.pop(0)
    if not argv or argv[0] in ('-h', '--help'):
        sys.stdout.write(f'usage: {PROG} {USAGE}\n')
        return 0 if argv else 2
    subcommand = argv.pop(0)
    if subcommand not in SUBCOMMANDS:
        choices = ', '.join(repr(name) for name in SUBCOMMANDS)
        return usage_error(PROG, USAGE, f"invalid choice: '{subcommand}' (choose from {choices})")
    options, required = SUBCOMMANDS[subcommand]
    if '--full' in argv:
        argv.remove('--full')
    try:
        parsed = parse_options(argv, dict(options, **{'--project-dir': ('project_dir', str)}), required)
    except UsageError as error:
        return usage_error(PROG, USAGE, str(error))
    try:
        lines = QUERIES[subcommand](parsed.__dict__.get('project_dir') or project_dir, parsed)
    except QueryError as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    sys.stdout.write('\n'.join(lines) + '\n')
    return 0


if __name__ == '__main__':
    from _planbuild_cli import guarded
    sys.exit(guarded(main))
