"""pyproject_build (plan-marshall's build-pyproject) with the real pytest, mypy and ruff.

The projects are the fixture projects of the corpus (Tests/Fixtures/projects/python-faults with its
planted faults, python-clean without); each test builds a copy.
"""

import json
import os
import shutil
import stat

import pytest

from conftest import PYTHON_DIR, REPO, copy_tracked, run

SCRIPT = PYTHON_DIR / 'pyproject_build.py'
FAULTS = REPO / 'Tests' / 'Fixtures' / 'projects' / 'python-faults'
CLEAN = REPO / 'Tests' / 'Fixtures' / 'projects' / 'python-clean'

# The project's own verify task, as a pyprojectx `pw` script would run it: mypy, ruff, pytest
# into one output, failing when any of them fails.
PW = """#!/bin/sh
case "$1" in
  verify) rc=0; python3 -m mypy || rc=1; python3 -m ruff check --no-cache || rc=1; python3 -m pytest -q || rc=1; exit $rc ;;
  *) exec python3 -m "$@" ;;
esac
"""


def copy(project, tmp_path, wrapper=False):
    target = tmp_path / project.name
    copy_tracked(project, target)
    if wrapper:
        pw = target / 'pw'
        pw.write_text(PW)
        pw.chmod(pw.stat().st_mode | stat.S_IXUSR)
    return target


def build(project, *args):
    return run([SCRIPT, *args, '--format', 'json'], project)


def places(result):
    return {(issue['file'], issue['line'], issue['category']) for issue in result['errors']}


@pytest.mark.real_tool
def test_pytest_failures_at_the_test_lines_with_counts(tmp_path):
    project = copy(FAULTS, tmp_path)
    completed = build(project, 'run', '--command-args', 'pytest -q')
    assert completed.returncode == 1, completed.stderr
    result = json.loads(completed.stdout)
    assert result['status'] == 'error' and result['error'] == 'build_failed'
    assert places(result) == {('tests/test_ops.py', 11, 'test_failure'), ('tests/test_ops.py', 15, 'test_failure'),
                              ('tests/test_more.py', 6, 'test_failure'), ('tests/test_more.py', 10, 'test_collection_error')}
    # pytest's own account of the time its tests took comes with the counts
    assert result['tests'].pop('duration_seconds') > 0
    # 3 failed and 1 error at set-up: pytest counts the error apart, and so do we
    assert result['tests'] == {'passed': 2, 'failed': 3, 'skipped': 1, 'total': 6}
    assert result['wrapper'] == 'pytest'
    log = result['log_file']
    assert os.path.dirname(log).endswith('.plan/temp/build-output/default') and os.path.basename(log).startswith('python-')


@pytest.mark.real_tool
def test_verify_through_pw_yields_mypy_ruff_and_pytest_from_one_log(tmp_path):
    project = copy(FAULTS, tmp_path, wrapper=True)
    completed = build(project, 'run', '--commandArgs', 'verify')
    result = json.loads(completed.stdout)
    assert result['wrapper'] == './pw'
    assert result['command'] == './pw verify'
    categories = {issue['category'] for issue in result['errors']}
    assert categories == {'type_error', 'lint_error', 'test_failure', 'test_collection_error'}
    assert ('src/calc/ops.py', 9, 'type_error') in places(result)
    assert ('src/calc/report.py', 18, 'type_error') in places(result)
    assert ('src/calc/ops.py', 1, 'lint_error') in places(result)
    assert result['tests']['failed'] == 3


@pytest.mark.real_tool
def test_fixed_copy_succeeds(tmp_path):
    project = copy(CLEAN, tmp_path, wrapper=True)
    completed = build(project, 'run', '--command-args', 'verify')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert json.loads(completed.stdout)['status'] == 'success'


def test_env_and_working_dir_reach_the_tool(tmp_path):
    project = copy(CLEAN, tmp_path)
    (project / 'nested').mkdir()
    completed = build(project, 'run', '--command-args', 'sh -c "echo $GREETING; pwd"', '--env', 'GREETING=hello',
                      '--working-dir', 'nested')
    assert completed.returncode == 0, completed.stderr
    text = open(json.loads(completed.stdout)['log_file']).read()
    assert text.split() == ['hello', str(project / 'nested')]


@pytest.mark.parametrize('flag', ['--command-args', '--commandArgs'])
def test_run_config_key_names_the_learning_key(tmp_path, flag):
    completed = build(tmp_path, 'run-config-key', flag, 'verify')
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {'status': 'success', 'command_key': 'python:verify'}


def test_parse_reads_a_log_without_running(tmp_path):
    log = REPO / 'Tests' / 'Fixtures' / 'logs' / 'python' / 'verify.log'
    completed = build(tmp_path, 'parse', '--log', str(log))
    assert completed.returncode == 1
    result = json.loads(completed.stdout)
    assert {issue['category'] for issue in result['errors']} == {'type_error', 'lint_error', 'test_failure', 'test_collection_error'}
    # pytest's own account of the time its tests took comes with the counts
    assert result['tests'].pop('duration_seconds') > 0
    # 3 failed and 1 error at set-up: pytest counts the error apart, and so do we
    assert result['tests'] == {'passed': 2, 'failed': 3, 'skipped': 1, 'total': 6}


def test_parse_log_module_api():
    import _pyproject_cmd_parse
    issues, tests, status = _pyproject_cmd_parse.parse_log(str(REPO / 'Tests' / 'Fixtures' / 'logs' / 'mypy' / 'import-error.log'))
    assert status == 'FAILURE' and tests is None
    assert [(issue.file, issue.line, issue.category) for issue in issues] == [('src/calc/config.py', 1, 'import_error')]


def test_missing_log_is_a_clear_error(tmp_path):
    completed = build(tmp_path, 'parse', '--log', str(tmp_path / 'nope.log'))
    assert completed.returncode == 1
    assert 'nope.log' in completed.stderr
