"""_build_result: constants, result builders, validate_result, create_log_file."""

import os
import re
from pathlib import Path

import _build_result as br


def test_constants():
    assert (br.STATUS_SUCCESS, br.STATUS_ERROR, br.STATUS_TIMEOUT) == ('success', 'error', 'timeout')
    assert br.ERROR_BUILD_FAILED == 'build_failed'
    assert br.ERROR_TIMEOUT == 'timeout'
    assert br.ERROR_EXECUTION_FAILED == 'execution_failed'
    assert br.ERROR_WRAPPER_NOT_FOUND == 'wrapper_not_found'
    assert br.ERROR_LOG_FILE_FAILED == 'log_file_failed'
    assert br.REQUIRED_FIELDS == {'status', 'exit_code', 'duration_seconds', 'log_file', 'command'}
    assert br.LOG_BASE_DIR == '.plan/temp/build-output'
    assert br.TIMESTAMP_FORMAT == '%Y-%m-%d-%H%M%S'
    assert 'status' in br.DirectCommandResult.__annotations__


def test_success_result():
    result = br.success_result(45, '/l.log', './mvnw verify', wrapper='./mvnw')
    assert result == {'status': 'success', 'exit_code': 0, 'duration_seconds': 45, 'log_file': '/l.log',
                      'command': './mvnw verify', 'wrapper': './mvnw'}


def test_error_result():
    result = br.error_result(br.ERROR_BUILD_FAILED, 1, 23, '/l.log', 'npm run test', command_type='npm')
    assert result == {'status': 'error', 'error': 'build_failed', 'exit_code': 1, 'duration_seconds': 23,
                      'log_file': '/l.log', 'command': 'npm run test', 'command_type': 'npm'}


def test_timeout_result():
    result = br.timeout_result(300, 301, '/l.log', './gradlew build')
    assert result == {'status': 'timeout', 'error': 'timeout', 'exit_code': -1, 'timeout_used_seconds': 300,
                      'duration_seconds': 301, 'log_file': '/l.log', 'command': './gradlew build'}


def test_validate_result():
    assert br.validate_result(br.success_result(1, 'l', 'c')) == (True, [])
    assert br.validate_result({'status': 'success'}) == (
        False, ['command', 'duration_seconds', 'exit_code', 'log_file'])
    assert br.validate_result('nope') == (False, sorted(br.REQUIRED_FIELDS))


def test_create_log_file_layout(project):
    path = br.create_log_file('maven', 'core', str(project))
    assert path is not None and os.path.isabs(path) and os.path.isfile(path)
    relative = Path(path).relative_to(project.resolve())
    assert relative.parts[:4] == ('.plan', 'temp', 'build-output', 'core')
    assert re.fullmatch(r'maven-\d{4}-\d{2}-\d{2}-\d{6}\.log', relative.name)
    assert os.path.getsize(path) == 0


def test_create_log_file_never_reuses_a_file(project):
    paths = {br.create_log_file('npm', 'default', str(project)) for _ in range(5)}
    assert len(paths) == 5 and None not in paths


def test_create_log_file_keeps_the_scope_inside_build_output(project):
    base = (project / '.plan' / 'temp' / 'build-output').resolve()
    for scope in ('../../escape', '/etc', '..', 'a/b'):
        path = br.create_log_file('maven', scope, str(project))
        assert path is not None
        assert Path(path).resolve().parent.parent == base, (scope, path)


def test_create_log_file_default_scope(project):
    path = br.create_log_file('gradle', project_dir=str(project))
    assert Path(path).parent.name == 'default'


def test_create_log_file_follows_plan_base_dir_and_plan_dir_name(project, tmp_path, monkeypatch):
    monkeypatch.setenv('PLAN_BASE_DIR', str(project))
    monkeypatch.setenv('PLAN_DIR_NAME', '.plan-x')
    path = br.create_log_file('maven', 'default', str(tmp_path / 'ignored'))
    assert Path(path).is_relative_to(project.resolve() / '.plan-x' / 'temp' / 'build-output')


def test_create_log_file_failure_is_none(project):
    (project / '.plan').write_text('a file where the plan folder should be')
    assert br.create_log_file('maven', 'default', str(project)) is None
