"""Build results and log files (plan-marshall's ``_build_result``, both generations).

Statuses: ``success``; ``error`` (the build ran and failed); ``timeout`` (PlanBuild's limit ended
it); ``killed`` (a signal nobody here sent ended it: no verdict on the build); ``indeterminate``
(how it ended cannot be established). The result shape (field order) is libplanbuild's; the
constructors here fill it. ``create_log_file`` goes through ``pb_create_log_file``.
"""

import os
from typing import Literal, TypedDict

import _planbuild

STATUS_SUCCESS = 'success'
STATUS_ERROR = 'error'
STATUS_TIMEOUT = 'timeout'
STATUS_KILLED = 'killed'
STATUS_INDETERMINATE = 'indeterminate'

ERROR_BUILD_FAILED = 'build_failed'
ERROR_TIMEOUT = 'timeout'
ERROR_KILLED = 'killed'
ERROR_INDETERMINATE = 'indeterminate'
ERROR_EXECUTION_FAILED = 'execution_failed'
ERROR_WRAPPER_NOT_FOUND = 'wrapper_not_found'
ERROR_LOG_FILE_FAILED = 'log_file_failed'

REQUIRED_FIELDS = {'status', 'exit_code', 'duration_seconds', 'log_file', 'command'}
"""Fields every result holds (the library's core fields)."""

LOG_BASE_DIR = f"{os.environ.get('PLAN_DIR_NAME') or '.plan'}/temp/build-output"
"""Where build logs go without a plan, relative to the project directory."""

TIMESTAMP_FORMAT = '%Y-%m-%d-%H%M%S'
"""UTC timestamp in log file names: ``{system}-{timestamp}.log``."""


def __getattr__(name):
    # KILLED_MESSAGE: the library's sentence for a killed result, asked when first read.
    if name == 'KILLED_MESSAGE':
        return _planbuild.defaults()['killed_message']
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


class DirectCommandResult(TypedDict, total=False):
    """What ``execute_direct`` returns: the pb_execute reply (see include/planbuild.h)."""

    status: Literal['success', 'error', 'timeout', 'killed', 'indeterminate', 'cached']
    exit_code: int
    duration_seconds: int
    log_file: str
    command: str
    error: str
    timeout_used_seconds: int
    wrapper: str
    command_type: str
    message: str
    tests_run: int
    tool_duration_seconds: float


class TruthfulStatusError(AssertionError):
    """A result claims success while holding a non-zero exit code."""


def assert_truthful_status(result):
    """Raise :class:`TruthfulStatusError` when ``result`` says success over a non-zero ``exit_code``
    (an absent or None exit code passes); inspects, never changes."""
    exit_code = result.get('exit_code')
    if result.get('status') == STATUS_SUCCESS and exit_code is not None and exit_code != 0:
        raise TruthfulStatusError(f"status 'success' with exit_code={exit_code!r}: command={result.get('command')!r}")


_UNSET = object()


def create_log_file(build_system, scope='default', project_dir=_UNSET, *, plan_id=_UNSET):
    """Create a new, empty log file for a build; its absolute path, or None when it cannot be created.

    The contract's generation: ``{project_dir}/.plan/temp/build-output/{scope}/{build_system}-{UTC}.log``.
    Today's: ``plan_id`` (keyword, required; ``NO_PLAN`` for a build of no plan) files it under
    ``{PLAN_BASE_DIR}/plans/{plan_id}/build-results/{scope}/``, and a scope that would leave that
    folder is refused (None). Two calls never return the same file.
    """
    if _planbuild.generation() == 'today':
        if plan_id is _UNSET:
            raise TypeError("create_log_file() missing 1 required keyword-only argument: 'plan_id'")
        if project_dir is not _UNSET:
            raise TypeError('create_log_file() takes 2 positional arguments but 3 were given')
    request = _planbuild.project('.' if project_dir is _UNSET else project_dir, system=build_system,
                                 scope=scope or 'default', plan_id=None if plan_id is _UNSET else plan_id)
    reply = _planbuild.call('pb_create_log_file', request)
    if reply.get('status') == 'success':
        return reply['log_file']
    if reply.get('error') == 'invalid_request':
        raise _planbuild.PlanBuildError(reply)
    return None


def _result(members, extra):
    """A result in the library's field order: its core fields first, then ``members`` and ``extra``."""
    fields = _planbuild.defaults()['result_fields']['core']
    result = {field: members[field] for field in fields if field in members}
    result.update({key: value for key, value in members.items() if key not in result})
    result.update(extra)
    return result


def success_result(duration_seconds, log_file, command, **extra):
    """``{status: success, exit_code: 0, duration_seconds, log_file, command, **extra}``."""
    return _result({'status': STATUS_SUCCESS, 'exit_code': 0, 'duration_seconds': duration_seconds,
                    'log_file': log_file, 'command': command}, extra)


def error_result(error, exit_code, duration_seconds, log_file, command, **extra):
    """``{status: error, error, exit_code, duration_seconds, log_file, command, **extra}``."""
    return _result({'status': STATUS_ERROR, 'error': error, 'exit_code': exit_code, 'duration_seconds': duration_seconds,
                    'log_file': log_file, 'command': command}, extra)


def timeout_result(timeout_used_seconds, duration_seconds, log_file, command, **extra):
    """``{status: timeout, error: timeout, exit_code: -1, timeout_used_seconds, …, **extra}``."""
    return _result({'status': STATUS_TIMEOUT, 'error': ERROR_TIMEOUT, 'exit_code': -1,
                    'timeout_used_seconds': timeout_used_seconds, 'duration_seconds': duration_seconds,
                    'log_file': log_file, 'command': command}, extra)


def killed_result(exit_code, duration_seconds, log_file, command, **extra):
    """A build a signal nobody here sent ended: ``exit_code`` is ``-signal`` (-1 when unknown); the
    message says not to retry blindly. Its duration is a truncation, never learned."""
    return _result({'status': STATUS_KILLED, 'error': ERROR_KILLED, 'message': _planbuild.defaults()['killed_message'],
                    'exit_code': exit_code, 'duration_seconds': duration_seconds, 'log_file': log_file,
                    'command': command}, extra)


def indeterminate_result(reason, duration_seconds, log_file, command, exit_code=-1, **extra):
    """A build whose outcome cannot be established; ``reason`` (the message) says why."""
    return _result({'status': STATUS_INDETERMINATE, 'error': ERROR_INDETERMINATE, 'message': reason,
                    'exit_code': exit_code, 'duration_seconds': duration_seconds, 'log_file': log_file,
                    'command': command}, extra)


def validate_result(result):
    """``(True, [])`` when every required field is present, else ``(False, sorted missing fields)``."""
    if not isinstance(result, dict):
        return False, sorted(REQUIRED_FIELDS)
    missing = sorted(field for field in REQUIRED_FIELDS if field not in result)
    return not missing, missing
