"""Command-line plumbing shared by the shim scripts (maven.py, gradle.py, npm.py, run_config.py, …).

A deliberately small option parser instead of argparse: these scripts run once per build command
and their start-up time is part of every build. Options are ``--name value`` or ``--name=value``.
"""

import json
import os
import sys

import _planbuild

RUN_OPTIONS = {
    '--commandArgs': ('command_args', str),
    '--command-args': ('command_args', str),
    '--format': ('format', ('toon', 'json')),
    '--mode': ('mode', ('actionable', 'structured', 'errors')),
    '--timeout': ('timeout', int),
    '--project-dir': ('project_dir', str),
    '--env': ('env', str),
    '--working-dir': ('working_dir', str),
    '--junit': ('junit', str),
    '--sarif': ('sarif', str),
    '--execution-mode': ('execution_mode', ('in_process', 'server', 'auto')),
}
"""The options of ``run`` (the reference spells --commandArgs as --command-args; both work).
``--env "K=V K2=V2"`` adds to the build's environment; ``--working-dir`` runs the tool in a folder
of the project (a nested frontend). ``--junit FILE`` / ``--sarif FILE`` also write the build as JUnit XML /
SARIF 2.1.0 (every error and warning, not only the ones printed). ``--execution-mode`` says where the build
runs: in this process, in the user's build server, or (auto, the default) in the server when one runs."""

NPM_RUN_OPTIONS = RUN_OPTIONS


class UsageError(Exception):
    """A command line the script does not understand."""


class Namespace:
    """Parsed options, read like an argparse namespace."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __repr__(self):
        return f'Namespace({self.__dict__!r})'


def parse_options(argv, options, required=(), defaults=None):
    """Parse ``argv`` against ``options`` into a Namespace.

    ``options`` maps a flag to ``(dest, kind)``: kind ``str``, ``int`` or a tuple of choices takes a
    value; ``bool`` is a flag without one (True when given); ``list`` takes a value each time it is
    given and collects them.
    """
    values = dict(defaults or {})
    index = 0
    while index < len(argv):
        word = argv[index]
        flag, has_value, inline = word.partition('=') if word.startswith('--') else (word, '', '')
        spec = options.get(flag)
        if spec is None or (spec[1] is bool and has_value):
            raise UsageError(f'unrecognized argument: {word}')
        dest, kind = spec
        if kind is bool:
            values[dest] = True
            index += 1
            continue
        if has_value:
            value = inline
        else:
            index += 1
            if index >= len(argv):
                raise UsageError(f'argument {flag}: expected one argument')
            value = argv[index]
        if kind is int:
            try:
                value = int(value)
            except ValueError:
                raise UsageError(f"argument {flag}: invalid int value: '{value}'") from None
        elif isinstance(kind, tuple) and value not in kind:
            choices = ', '.join(repr(choice) for choice in kind)
            raise UsageError(f"argument {flag}: invalid choice: '{value}' (choose from {choices})")
        if kind is list:
            values.setdefault(dest, []).append(value)
        else:
            values[dest] = value
        index += 1
    missing = [flag for flag in required if options[flag][0] not in values]
    if missing:
        raise UsageError(f'the following arguments are required: {", ".join(missing)}')
    return Namespace(**values)


def usage_error(prog, usage, message):
    """Report a usage error like argparse does; returns exit code 2."""
    sys.stderr.write(f'usage: {prog} {usage}\n{prog}: error: {message}\n')
    return 2


def report_failure(error):
    """Print a library or configuration failure on stderr (no traceback); returns exit code 1."""
    sys.stderr.write(f'error: {error.message if isinstance(error, _planbuild.PlanBuildError) else error}\n')
    return 1


def guarded(main, argv=None):
    """Run ``main(argv)`` turning the failures a user can fix into a message and exit code 1."""
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except _planbuild.LibraryUnavailable as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    except _planbuild.PlanBuildError as error:
        return report_failure(error)
    except _planbuild.Stopped as stopped:
        return 128 + stopped.signal
    except KeyboardInterrupt:
        return 130


def print_text(text):
    """Print a formatted reply (no extra blank line when it is empty)."""
    if text:
        sys.stdout.write(text if text.endswith('\n') else text + '\n')


def execute_request(system, options):
    """The pb_execute request of a ``run`` command line (or an argparse namespace)."""
    get = options.__dict__.get if isinstance(options, Namespace) else (lambda key: getattr(options, key, None))
    # "env": a --env text is split by the library like the build's arguments.
    request = _planbuild.project(option=get('project_dir'), system=system, args=get('command_args'),
                                 mode=get('mode'), timeout=get('timeout'), limits='run',
                                 env=get('env') if isinstance(get('env'), (str, type(None))) else dict(get('env')))
    if get('working_dir'):
        request['working_dir'] = get('working_dir')
    if get('execution_mode'):
        request['execution_mode'] = get('execution_mode')
    # JUnit XML / SARIF 2.1.0 of the build, written by the library (docs/events.md's neighbours in README).
    for export in ('junit', 'sarif'):
        if get(export):
            request[export] = get(export)
    return request


def run_build(system, options):
    """Execute one build, print its formatted result; 0 on success, else 1."""
    request = execute_request(system, options)
    fmt = getattr(options, 'format', None)
    try:
        result = _planbuild.execute(request)
    except _planbuild.Stopped as stopped:
        # The cancelled result is the report so far; the exit code says which signal stopped it.
        print_text(_planbuild.checked('pb_format', {'result': stopped.reply, 'format': fmt})['text'])
        return 128 + stopped.signal
    except _planbuild.PlanBuildError as error:
        # The library refused a value typed on the command line (a zero --timeout): a usage error.
        raise UsageError(error.message) from None
    formatted = _planbuild.checked('pb_format', {'result': result, 'format': fmt})
    # "[EXEC] command" and "error: message", rendered (and escaped) by the library.
    sys.stderr.write(formatted['notice'])
    print_text(formatted['text'])
    # 'cached': the build cache answered for an earlier success (incremental.enabled).
    return 0 if result.get('status') in ('success', 'cached') else 1


RUN_USAGE = ('run --commandArgs ARGS [--format {toon,json}] [--mode {actionable,structured,errors}] '
             '[--timeout N] [--project-dir DIR] [--env "NAME=value ..."] [--working-dir DIR] [--junit FILE] [--sarif FILE]'
             ' [--execution-mode {in_process,server,auto}]'
             ' | run-config-key --commandArgs ARGS [--format {toon,json}]')

KEY_OPTIONS = {
    '--commandArgs': ('command_args', str),
    '--command-args': ('command_args', str),
    '--format': ('format', ('toon', 'json')),
    '--project-dir': ('project_dir', str),
}
"""The options of ``run-config-key``."""


def run_config_key(system, options):
    """Print the key ``run`` would learn the timeout under (``command_key: maven:verify@core``)."""
    request = _planbuild.project(option=options.__dict__.get('project_dir'), what='wrapper', system=system,
                                 args=options.command_args)
    answer = _planbuild.call('pb_query', request)
    key = answer.get('command_key')
    if key is None:
        raise UsageError(f"argument --command-args: no command key for '{options.command_args}'")
    if options.__dict__.get('format') == 'json':
        print_text(json.dumps({'status': 'success', 'command_key': key}))
    else:
        print_text(answer['command_key_text'])
    return 0


def run_main(system, argv, prog, options=RUN_OPTIONS, usage=RUN_USAGE):
    """``{prog} run --commandArgs "…" …`` — the whole CLI of maven.py / gradle.py / npm.py."""
    if not argv:
        return usage_error(prog, usage, 'the following arguments are required: run')
    import _build_subcommands
    if argv[0] in ('-h', '--help'):
        others = ''.join(f'\n       {prog} {text}' for text in _build_subcommands.usages(system).values())
        sys.stdout.write(f'usage: {prog} {usage}{others}\n')
        return 0
    if argv[0] not in ('run', 'run-config-key'):
        handled = _build_subcommands.dispatch(system, argv, prog)
        if handled is not None:
            return handled
        choices = ', '.join(repr(name) for name in ['run', 'run-config-key', *_build_subcommands.usages(system)])
        return usage_error(prog, usage, f"invalid choice: '{argv[0]}' (choose from {choices})")
    if '-h' in argv[1:] or '--help' in argv[1:]:
        sys.stdout.write(f'usage: {prog} {usage}\n')
        return 0
    try:
        if argv[0] == 'run-config-key':
            return run_config_key(system, parse_options(argv[1:], KEY_OPTIONS, required=('--commandArgs',)))
        parsed = parse_options(argv[1:], options, required=('--commandArgs',))
        return run_build(system, parsed)
    except UsageError as error:
        return usage_error(prog, usage, str(error))


# --- the execute API shared by _maven_execute, _gradle_execute and _npm_execute -------------------

def dry_run(system, args, field, project_dir='.'):
    """What pb_execute would run for ``args`` (wrapper, command_type, command), starting nothing.

    ``field`` of the reply, which the library reports even when the build could not start.
    """
    reply = _planbuild.call('pb_query', _planbuild.project(project_dir, what='wrapper', system=system, args=args))
    if field not in reply:
        raise _planbuild.PlanBuildError(reply)
    return reply[field]


def execute_direct(system, args, command_key, default_timeout=None, project_dir='.', env_vars=None, working_dir=None, *,
                   execution_mode=None):
    """One build through pb_execute without parsing: the DirectCommandResult dict.

    ``default_timeout`` None: the library's default (``pb_query`` "defaults"). ``env_vars`` is a dict
    or the reference's ``"NAME=value NAME2=value2"`` text (split by the library); ``working_dir``
    (relative to the project) is where the tool runs. ``execution_mode`` ('in_process', 'server', 'auto';
    None: the library's default) says where the build runs (docs/server.md).
    """
    request = _planbuild.project(project_dir, system=system, args=args, parse=False,
                                 timeout=None if default_timeout is None else int(default_timeout),
                                 command_key=command_key or None,
                                 env=(env_vars if isinstance(env_vars, str) else dict(env_vars)) if env_vars else None,
                                 working_dir=os.fspath(working_dir) if working_dir else None,
                                 execution_mode=execution_mode)
    return _planbuild.execute(request)


BASH_TIMEOUT_BUFFER_SECONDS = 30
"""What the Bash tool's own timeout adds to the inner build timeout, so the build times out first."""


def get_bash_timeout(timeout):
    """The outer (Bash tool) timeout for a build given ``timeout`` seconds: ``timeout + 30``."""
    return int(timeout) + BASH_TIMEOUT_BUFFER_SECONDS


def cmd_run(system, args):
    """The ``run`` handler for an argparse namespace (command_args, timeout, format, mode, project_dir)."""
    try:
        return run_build(system, args)
    except UsageError as error:
        sys.stderr.write(f'error: {error}\n')
        return 2
