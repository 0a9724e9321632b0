"""The build scripts' subcommands besides ``run``: ``parse``, ``check-warnings``, ``search-markers``
(Maven, Gradle) and ``find-project`` (Gradle).

Shared by maven.py, gradle.py and npm.py (and any build script that wants them: call
:func:`dispatch` with its system). Each converts its arguments, calls libplanbuild (pb_parse,
pb_query "check_warnings" / "markers" / "gradle_project") and prints the reply as JSON, the
reference's output form, ending with the exit code the library chose. Bad input — a missing log,
malformed JSON — is one ``error: …`` line on stderr, a JSON error on stdout, exit 1.
"""

import json
import sys

import _planbuild
from _planbuild_cli import UsageError, parse_options, usage_error

PARSE_USAGE = 'parse --log FILE [--mode {default,errors,structured,no-openrewrite}]'
CHECK_USAGE = 'check-warnings --warnings JSON [--patterns JSON | --acceptable-warnings JSON]'
MARKERS_USAGE = 'search-markers [--source-dir DIR] [--extensions .java,.kt]'
FIND_USAGE = 'find-project (--project-name NAME | --project-path PATH) [--root DIR]'
USAGES = {'parse': PARSE_USAGE, 'check-warnings': CHECK_USAGE, 'search-markers': MARKERS_USAGE,
          'find-project': FIND_USAGE}
# Which build scripts have which subcommands (the reference's: markers only for JVM sources).
AVAILABLE = {'maven': ('parse', 'check-warnings', 'search-markers'),
             'gradle': ('parse', 'check-warnings', 'search-markers', 'find-project')}


def usages(system):
    """The usage lines of the subcommands ``system``'s script has, by name."""
    names = AVAILABLE.get(system, ('parse', 'check-warnings'))
    return {name: USAGES[name] for name in names}


def _fail(message):
    sys.stdout.write(json.dumps({'status': 'error', 'success': False, 'error': message}, indent=2) + '\n')
    sys.stderr.write(f'error: {message}\n')
    return 1


def _print(value):
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + '\n')


def cmd_parse(system, options):
    reply = _planbuild.call('pb_parse', {'log_file': options.log, 'system': system, 'mode': options.mode})
    if reply.get('status') != 'success':
        return _fail(reply.get('message', reply.get('error')))
    tests = reply.get('tests') or {}
    build_status = reply.get('build_status')
    # null: the log shows no outcome and no error (a -q success), which is not a failure.
    _print({'status': 'error' if build_status == 'FAILURE' else 'success',
            'data': {'build_status': build_status, 'issues': reply.get('issues', []), 'summary': reply.get('summary')},
            'metrics': {'tests_run': tests.get('total', 0), 'tests_failed': tests.get('failed', 0)}})
    return 0


def _answer(request):
    """Ask pb_query; print the output it answers and return its exit code."""
    reply = _planbuild.call('pb_query', request)
    if reply.get('status') != 'success':
        return _fail(reply.get('message', reply.get('error')))
    _print(reply['output'])
    return reply['exit_code']


def cmd_check_warnings(system, options):
    """Sorts warnings into acceptable, fixable and unknown (the rules live in the library)."""
    request = _planbuild.project('.', what='check_warnings', system=system, warnings_json=options.warnings)
    if getattr(options, 'patterns', None) is not None:
        request['patterns_json'] = options.patterns
    if getattr(options, 'acceptable_warnings', None) is not None:
        request['acceptable_warnings_json'] = options.acceptable_warnings
    return _answer(request)


def cmd_search_markers(system, options):
    """OpenRewrite TODO markers under --source-dir; exit 1 while any needs the user."""
    request = {'what': 'markers', 'system': system, 'source_dir': options.source_dir}
    if getattr(options, 'extensions', None) is not None:
        request['extensions'] = options.extensions
    return _answer(request)


def cmd_find_project(system, options):
    """The Gradle project a name or a folder means, from settings and build files."""
    request = {'what': 'gradle_project', 'root': options.root}
    for name in ('project_name', 'project_path'):
        if getattr(options, name, None) is not None:
            request[name] = getattr(options, name)
    return _answer(request)


SUBCOMMANDS = {
    'parse': (cmd_parse, {'--log': ('log', str),
                          '--mode': ('mode', ('default', 'errors', 'structured', 'no-openrewrite'))},
              ('--log',), {'mode': 'structured'}),
    'check-warnings': (cmd_check_warnings, {'--warnings': ('warnings', str), '--patterns': ('patterns', str),
                                            '--acceptable-warnings': ('acceptable_warnings', str)},
                       ('--warnings',), {}),
    'search-markers': (cmd_search_markers, {'--source-dir': ('source_dir', str), '--extensions': ('extensions', str)},
                       (), {'source_dir': 'src'}),
    'find-project': (cmd_find_project, {'--project-name': ('project_name', str), '--project-path': ('project_path', str),
                                        '--root': ('root', str)}, (), {'root': '.'}),
}


def _exclusive(parsed):
    """find-project takes exactly one of --project-name and --project-path, as argparse's group."""
    given = [flag for flag, name in (('--project-name', 'project_name'), ('--project-path', 'project_path'))
             if getattr(parsed, name, None) is not None]
    if not given:
        raise UsageError('one of the arguments --project-name --project-path is required')
    if len(given) > 1:
        raise UsageError('argument --project-path: not allowed with argument --project-name')


def dispatch(system, argv, prog):
    """Run ``argv`` (starting with the subcommand) when it names one of these; else None."""
    if not argv or argv[0] not in usages(system):
        return None
    name = argv[0]
    handler, options, required, defaults = SUBCOMMANDS[name]
    if '-h' in argv[1:] or '--help' in argv[1:]:
        sys.stdout.write(f'usage: {prog} {USAGES[name]}\n')
        return 0
    try:
        parsed = parse_options(argv[1:], options, required=required, defaults=defaults)
        if name == 'find-project':
            _exclusive(parsed)
    except UsageError as error:
        return usage_error(prog, USAGES[name], str(error))
    return handler(system, parsed)
