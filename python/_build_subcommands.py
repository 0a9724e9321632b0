"""The build scripts' subcommands besides ``run``: ``parse`` and ``check-warnings``.

Shared by maven.py, gradle.py and npm.py (and any build script that wants them: call
:func:`dispatch` with its system). Each converts its arguments, calls libplanbuild (pb_parse,
pb_filter_warnings) and prints the reply as JSON, the reference's output form. Bad input — a
missing log, malformed JSON — is one ``error: …`` line on stderr, a JSON error on stdout, exit 1.
"""

import json
import sys

import _planbuild
from _planbuild_cli import UsageError, parse_options, usage_error

PARSE_USAGE = 'parse --log FILE [--mode {default,errors,structured,no-openrewrite}]'
CHECK_USAGE = 'check-warnings --warnings JSON [--patterns JSON | --acceptable-warnings JSON]'
USAGES = {'parse': PARSE_USAGE, 'check-warnings': CHECK_USAGE}


def _fail(message):
    sys.stdout.write(json.dumps({'status': 'error', 'success': False, 'error': message}, indent=2) + '\n')
    sys.stderr.write(f'error: {message}\n')
    return 1


def _print(value):
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + '\n')


def cmd_parse(system, options):
    reply = _planbuild.call('pb_parse', {'log_file': options.log, 'system': system})
    if reply.get('status') != 'success':
        return _fail(reply.get('message', reply.get('error')))
    issues = reply.get('issues', [])
    if options.mode == 'errors':
        issues = [issue for issue in issues if issue.get('severity') == 'error']
    tests = reply.get('tests') or {}
    build_status = reply.get('build_status')
    _print({'status': 'success' if build_status == 'SUCCESS' else 'error',
            'data': {'build_status': build_status, 'issues': issues},
            'metrics': {'tests_run': tests.get('total', 0), 'tests_failed': tests.get('failed', 0)}})
    return 0


def _json_argument(options, name, flag):
    text = getattr(options, name, None)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f'invalid JSON in {flag}: {error}') from None


def cmd_check_warnings(system, options):
    """Sorts warnings into acceptable (the patterns accept them), unknown (category ``other``)
    and fixable (the rest); exit 1 while any is fixable or unknown, as the reference does."""
    try:
        warnings = _json_argument(options, 'warnings', '--warnings')
        patterns = _json_argument(options, 'patterns', '--patterns')
        accepted = _json_argument(options, 'acceptable_warnings', '--acceptable-warnings')
    except ValueError as error:
        return _fail(str(error))
    if not isinstance(warnings, list) or not all(isinstance(item, dict) for item in warnings):
        return _fail('--warnings must be a JSON array of warning objects')
    request = {'warnings': [dict(item, category=item.get('category', item.get('type', 'other')),
                                 severity=str(item.get('severity', 'warning')).lower(),
                                 message=str(item.get('message', ''))) for item in warnings],
               'mode': 'structured', 'system': system}
    if patterns is None and isinstance(accepted, (list, dict)):
        patterns = accepted if isinstance(accepted, list) else [p for v in accepted.values() if isinstance(v, list) for p in v]
    if patterns is not None:
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            return _fail('--patterns must be a JSON array of strings')
        request['patterns'] = patterns
    reply = _planbuild.call('pb_filter_warnings', request)
    if reply.get('status') != 'success':
        return _fail(reply.get('message', reply.get('error')))
    items = [item for item in reply['warnings'] if item.get('severity') == 'warning']
    acceptable = [item for item in items if item.get('accepted')]
    unknown = [dict(item, requires_classification=True) for item in items
               if not item.get('accepted') and item.get('category') in ('other', 'other_warnings')]
    fixable = [item for item in items if not item.get('accepted') and item.get('category') not in ('other', 'other_warnings')]
    _print({'success': True, 'total': len(items), 'acceptable': len(acceptable), 'fixable': len(fixable),
            'unknown': len(unknown), 'categorized': {'acceptable': acceptable, 'fixable': fixable, 'unknown': unknown}})
    return 1 if fixable or unknown else 0


SUBCOMMANDS = {
    'parse': (cmd_parse, {'--log': ('log', str),
                          '--mode': ('mode', ('default', 'errors', 'structured', 'no-openrewrite'))},
              ('--log',), {'mode': 'structured'}),
    'check-warnings': (cmd_check_warnings, {'--warnings': ('warnings', str), '--patterns': ('patterns', str),
                                            '--acceptable-warnings': ('acceptable_warnings', str)},
                       ('--warnings',), {}),
}


def dispatch(system, argv, prog):
    """Run ``argv`` (starting with the subcommand) when it names one of these; else None."""
    if not argv or argv[0] not in SUBCOMMANDS:
        return None
    name = argv[0]
    handler, options, required, defaults = SUBCOMMANDS[name]
    if '-h' in argv[1:] or '--help' in argv[1:]:
        sys.stdout.write(f'usage: {prog} {USAGES[name]}\n')
        return 0
    try:
        parsed = parse_options(argv[1:], options, required=required, defaults=defaults)
    except UsageError as error:
        return usage_error(prog, USAGES[name], str(error))
    return handler(system, parsed)
