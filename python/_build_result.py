"""Build results and log files (drop-in for the reference ``_build_result``).

``create_log_file`` goes through libplanbuild (``pb_create_log_file``); the result builders are
plain dict constructors.
"""

import os
from typing import Literal, TypedDict

import _planbuild

STATUS_SUCCESS = 'success'
STATUS_ERROR = 'error'
STATUS_TIMEOUT = 'timeout'

ERROR_BUILD_FAILED = 'build_failed'
ERROR_TIMEOUT = 'timeout'
ERROR_EXECUTION_FAILED = 'execution_failed'
ERROR_WRAPPER_NOT_FOUND = 'wrapper_not_found'
ERROR_LOG_FILE_FAILED = 'log_file_failed'

REQUIRED_FIELDS = {'status', 'exit_code', 'duration_seconds', 'log_file', 'command'}
"""Fields every result holds."""

LOG_BASE_DIR = f"{os.environ.get('PLAN_DIR_NAME') or '.plan'}/temp/build-output"
"""Where build logs go, relative to the project directory."""

TIMESTAMP_FORMAT = '%Y-%m-%d-%H%M%S'
"""UTC timestamp in log file names: ``{system}-{timestamp}.log``."""


class DirectCommandResult(TypedDict, total=False):
    """What ``execute_direct`` returns: the pb_execute reply (see include/planbuild.h)."""

    status: Literal['success', 'error', 'timeout', 'cached', 'killed']
    exit_code: int
    duration_seconds: int
    log_file: str
    command: str
    error: str
    timeout_used_seconds: int
    wrapper: str
    command_type: str
    message: str


def create_log_file(build_system, scope='default', project_dir='.'):
    """Create a new, empty log file for a build; its absolute path, or None when it cannot be created.

    ``{project}/.plan/temp/build-output/{scope}/{build_system}-{UTC timestamp}.log``; two calls never
    return the same file and no scope can place it outside ``build-output/``.
    """
    reply = _planbuild.call('pb_create_log_file',
                            _planbuild.project(project_dir, system=build_system, scope=scope or 'default'))
    if reply.get('status') == 'success':
        return reply['log_file']
    if reply.get('error') == 'invalid_request':
        raise _planbuild.PlanBuildError(reply)
    return None


def success_result(duration_seconds, log_file, command, **extra):
    """``{status: success, exit_code: 0, duration_seconds, log_file, command, **extra}``."""
    result = {'status': STATUS_SUCCESS, 'exit_code': 0, 'duration_seconds': duration_seconds,
              'log_file': log_file, 'command': command}
    result.update(extra)
    return result


def error_result(error, exit_code, duration_seconds, log_file, command, **extra):
    """``{status: error, error, exit_code, duration_seconds, log_file, command, **extra}``."""
    result = {'status': STATUS_ERROR, 'error': error, 'exit_code': exit_code,
              'duration_seconds': duration_seconds, 'log_file': log_file, 'command': command}
    result.update(extra)
    return result


def timeout_result(timeout_used_seconds, duration_seconds, log_file, command, **extra):
    """``{status: timeout, error: timeout, exit_code: -1, timeout_used_seconds, …, **extra}``."""
    result = {'status': STATUS_TIMEOUT, 'error': ERROR_TIMEOUT, 'exit_code': -1,
              'timeout_used_seconds': timeout_used_seconds, 'duration_seconds': duration_seconds,
              'log_file': log_file, 'command': command}
    result.update(extra)
    return result


def validate_result(result):
    """``(True, [])`` when every required field is present, else ``(False, sorted missing fields)``."""
    if not isinstance(result, dict):
        return False, sorted(REQUIRED_FIELDS)
    missing = sorted(field for field in REQUIRED_FIELDS if field not in result)
    return not missing, missing
