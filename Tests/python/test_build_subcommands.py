"""maven.py / gradle.py / npm.py parse and check-warnings, answered by the library (pb_script)."""

import json

import pytest

from conftest import PYTHON_DIR, REPO, run

LOGS = REPO / 'Tests' / 'Fixtures' / 'logs'


def script(system):
    return PYTHON_DIR / f'{system}.py'


@pytest.mark.parametrize('system, log', [('maven', 'maven/compile-warnings.log'), ('gradle', 'gradle/compile-error.log')])
def test_parse_matches_the_library(system, log, tmp_path):
    completed = run([script(system), 'parse', '--log', LOGS / log], tmp_path)
    assert completed.returncode == 0, completed.stderr
    reply = json.loads(completed.stdout)
    expected = json.loads((LOGS / log.replace('.log', '.expected.json')).read_text())
    assert reply['data']['build_status'] == expected['build_status']
    assert reply['status'] == ('success' if expected['build_status'] == 'SUCCESS' else 'error')
    assert len(reply['data']['issues']) == len(expected['issues'])
    errors_only = json.loads(run([script(system), 'parse', '--log', LOGS / log, '--mode', 'errors'], tmp_path).stdout)
    assert all(issue['severity'] == 'error' for issue in errors_only['data']['issues'])
    assert len(errors_only['data']['issues']) == sum(issue['severity'] == 'error' for issue in expected['issues'])


def test_parse_missing_log(tmp_path):
    completed = run([script('maven'), 'parse', '--log', tmp_path / 'none.log'], tmp_path)
    assert completed.returncode == 1
    assert json.loads(completed.stdout)['status'] == 'error'
    assert completed.stderr.startswith('error: ') and completed.stderr.count('\n') == 1


WARNINGS = [
    {'message': 'uses transitive dependency foo', 'severity': 'WARNING', 'type': 'other'},
    {'message': 'isSpace(char) has been deprecated', 'severity': 'warning', 'category': 'deprecation_warning'},
    {'message': 'something nobody classified', 'severity': 'WARNING', 'type': 'other'},
    {'message': 'an error is not a warning', 'severity': 'ERROR', 'type': 'compilation_error'},
]


def test_check_warnings_sorts(tmp_path):
    completed = run([script('maven'), 'check-warnings', '--warnings', json.dumps(WARNINGS),
                     '--acceptable-warnings', json.dumps({'transitive_dependency': ['uses transitive']})], tmp_path)
    reply = json.loads(completed.stdout)
    assert completed.returncode == 1  # a fixable and an unknown warning remain
    assert (reply['total'], reply['acceptable'], reply['fixable'], reply['unknown']) == (3, 1, 1, 1)
    assert reply['categorized']['acceptable'][0]['message'] == 'uses transitive dependency foo'
    assert reply['categorized']['unknown'][0]['requires_classification'] is True
    clean = run([script('gradle'), 'check-warnings', '--warnings', json.dumps(WARNINGS[:1]), '--patterns', '["^uses"]'],
                tmp_path)
    assert clean.returncode == 0 and json.loads(clean.stdout)['acceptable'] == 1


@pytest.mark.parametrize('args', [
    ['--warnings', '[{"message": '], ['--warnings', '{"a": 1}'], ['--warnings', '[]', '--patterns', '[1'],
    ['--warnings', '[]', '--acceptable-warnings', 'nope'],
])
def test_check_warnings_bad_json(args, tmp_path):
    completed = run([script('npm'), 'check-warnings', *args], tmp_path)
    assert completed.returncode == 1
    assert json.loads(completed.stdout)['success'] is False
    assert completed.stderr.startswith('error: ') and completed.stderr.count('\n') == 1


@pytest.mark.parametrize('args', [['--help'], ['parse', '--help'], ['check-warnings', '-h'], ['run', '--help']])
def test_help(args, tmp_path):
    completed = run([script('maven'), *args], tmp_path)
    assert completed.returncode == 0 and completed.stdout.startswith('usage: maven.py')


@pytest.mark.parametrize('args', [['parse'], ['parse', '--log', 'x', '--mode', 'loud'], ['check-warnings'], ['deploy']])
def test_usage_errors(args, tmp_path):
    completed = run([script('gradle'), *args], tmp_path)
    assert completed.returncode == 2 and completed.stderr.startswith('usage: gradle.py')
