#!/usr/bin/env python3
"""Project architecture queries over .plan/project-architecture/derived-data.json.

CLI:  architecture.py [--project-dir D] resolve --command C [--name M]
          prints `module: M`, `command: C`, `executable: E` (libplanbuild's pb_resolve); exit 1 and the
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


def _resolve(project_dir, command, module=None):
    request = _planbuild.project(project_dir, command=command)
    if module:
        request['module'] = module
    return _planbuild.call('pb_resolve', request)


def _library_says_why(project_dir, module=None):
    """The library's explanation of a derived-data.json it cannot use, or of an unknown module."""
    reply = _resolve(project_dir, '\u2205', module)
    if reply.get('status') == 'error' and reply.get('error') != 'unknown_command':
        return reply.get('message') or reply.get('error')
    return None


def _load(project_dir):
    import json
    import os
    request = _planbuild.project(project_dir)
    path = os.path.join(request['project_dir'], request.get('plan_dir_name', '.plan'),
                        'project-architecture', 'derived-data.json')
    try:
        with open(path, 'rb') as handle:
            data = json.loads(handle.read())
        if isinstance(data, dict) and isinstance(data.get('modules'), dict):
            return data
    except (OSError, ValueError):
        pass
    raise QueryError(_library_says_why(project_dir) or f'{path} cannot be read')


def _module(project_dir, data, name):
    """``(name, module)``; the root module (paths.module '.' or empty, else the first) without a name."""
    modules = data['modules']
    if not name:
        for key, module in modules.items():
            paths = module.get('paths') if isinstance(module, dict) else None
            if isinstance(paths, dict) and paths.get('module', '') in ('.', ''):
                return key, module
        if not modules:
            raise QueryError('derived-data.json has no modules')
        name = next(iter(modules))
    if name not in modules or not isinstance(modules[name], dict):
        raise QueryError(_library_says_why(project_dir, name) or f"Module '{name}' not found")
    return name, modules[name]


def _toon_list(name, items):
    return [f'{name}[{len(items)}]:'] + [f'  - {item}' for item in items]


def query_resolve(project_dir, options):
    reply = _resolve(project_dir, options.command, options.__dict__.get('name'))
    if reply.get('status') != 'success':
        raise QueryError(reply.get('message') or reply.get('error'))
    return [f"module: {reply['module']}", f"command: {reply['command']}", f"executable: {reply['executable']}"]


def query_modules(project_dir, options):
    data = _load(project_dir)
    wanted = options.__dict__.get('command')
    names = [name for name, module in data['modules'].items()
             if not wanted or (isinstance(module, dict) and wanted in (module.get('commands') or {}))]
    return ([f'command: {wanted}', ''] if wanted else []) + _toon_list('modules', names)


def query_commands(project_dir, options):
    name, module = _module(project_dir, _load(project_dir), options.__dict__.get('name'))
    commands = module.get('commands') or {}
    lines = [f'module: {name}', '', f'commands[{len(commands)}]{{name,description}}:']
    for command, value in commands.items():
        description = value.get('description', '') if isinstance(value, dict) else ''
        lines.append(f'{command}\t{description}')
    return lines


def query_module(project_dir, options):
    name, module = _module(project_dir, _load(project_dir), options.__dict__.get('name'))
    paths = module.get('paths') if isinstance(module.get('paths'), dict) else {}
    lines = ['module:', f"  name: {module.get('name', name)}"]
    lines += [f'  {key}: {module[key]}' for key in ('responsibility', 'purpose') if module.get(key)]
    lines += [f"  path: {paths.get('module', '')}", '', 'paths:']
    for key in ('sources', 'tests'):
        if paths.get(key):
            lines += [f'  {key}[{len(paths[key])}]:'] + [f'    - {item}' for item in paths[key]]
    if paths.get('descriptor'):
        lines.append(f"  descriptor: {paths['descriptor']}")
    lines.append('')
    lines += _toon_list('internal_dependencies', module.get('internal_dependencies') or [])
    lines.append('')
    lines += _toon_list('commands', list((module.get('commands') or {}).keys()))
    return lines


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
    project_dir = '.'
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
