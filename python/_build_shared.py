"""What plan-marshall's build modules share (``_build_shared``): the outer timeout rule and the
end of a ``run`` or ``parse`` whose build or log the caller handled itself.

The rules — which status the log's evidence allows, which issues are shown, the output dialect
and the exit code — are libplanbuild's (pb_query "run_result"); this module calls the caller's
parser and converts its answer.
"""

import sys

import _planbuild
from _build_result import assert_truthful_status, success_result


def get_bash_timeout(timeout):
    """The outer (Bash tool) timeout for a build given ``timeout`` seconds: ``timeout + 30``."""
    return _planbuild.checked('pb_query', {'what': 'outer_timeout', 'timeout': int(timeout)})['timeout_seconds']


def _evidence(parser, log_file, command, parser_needs_command):
    """The parser's answer as the library reads it, or the reason it gave none."""
    try:
        issues, tests, build_status = parser(log_file, command) if parser_needs_command else parser(log_file)
    except Exception as error:  # the caller's parser: any failure is reported, never raised
        return {'evidence_error': f'{type(error).__name__}: {error}'}
    rows = [issue.to_dict() if hasattr(issue, 'to_dict') else dict(issue) for issue in issues or []]
    summary = tests.to_dict() if hasattr(tests, 'to_dict') else tests
    return {'evidence': {'issues': rows, 'tests': summary, 'build_status': build_status}}


def cmd_run_common(result, parser, system, output_format='toon', mode='actionable', parser_needs_command=False,
                   plan_id=None, command_args=None):
    """Print a build's result as ``run`` prints it and return ``run``'s exit code: the result settled
    against ``parser``'s reading of its log (an exit 0 with failed tests is no success; a timeout
    keeps green tests seen so far), its errors and warnings attached when it failed. ``command_args``
    (the run's ``--command-args``) is what today's green result says it examined; ``plan_id`` is
    accepted and unused: PlanBuild keeps no findings of a plan to settle."""
    if result.get('status') == 'success':
        extra = {key: value for key, value in result.items()
                 if key not in ('status', 'exit_code', 'duration_seconds', 'log_file', 'command')}
        result = success_result(result.get('duration_seconds'), result.get('log_file'), result.get('command'), **extra)
    request = {'what': 'run_result', 'result': result, 'mode': mode, 'format': output_format or 'toon', 'system': system,
               'command_args': command_args,
               **_planbuild.context(), **_evidence(parser, result.get('log_file'), result.get('command'), parser_needs_command)}
    reply = _planbuild.checked('pb_query', request)
    assert_truthful_status(reply['result'])
    assert_truthful_status(result)
    sys.stderr.write(reply['stderr'])
    sys.stdout.write(reply['stdout'])
    return reply['exit_code']


def cmd_parse_common(args, parser, parser_needs_command=False):
    """``parse --log FILE``: the log's reading printed as a result (``status`` from what the log
    shows); 0, or 1 when the log cannot be read."""
    log = getattr(args, 'log', None)
    evidence = _evidence(parser, log, 'parse', parser_needs_command)
    failed = evidence.get('evidence', {}).get('build_status') == 'FAILURE'
    result = {'status': 'error' if failed else 'success', 'exit_code': 1 if failed else 0, 'duration_seconds': 0,
              'log_file': log, 'command': 'parse'}
    request = {'what': 'run_result', 'result': result, 'mode': getattr(args, 'mode', None) or 'structured',
               'format': getattr(args, 'format', None) or 'toon', **_planbuild.context(), **evidence}
    reply = _planbuild.checked('pb_query', request)
    assert_truthful_status(reply['result'])
    sys.stdout.write(reply['stdout'])
    return 1 if 'evidence_error' in evidence else 0
