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


@pytest.mark.parametrize('command_args, shown, absent, note', [
    ('compile', ['tests_population: measured', 'tests_run: 0', 'analyses_examined: compile'], [],
     '[EXEC] green build: analyses examined: compile; 0 test(s) executed\n'),
    ('module-tests core', ['tests_population: unmeasured', 'analyses_examined: test'], ['tests_run'],
     'unknown test(s) executed — no pending finding cleared (tests_unmeasured)'),
    ('publish', ['tests_population: unmeasured', 'analyses_examined: unknown'], ['tests_run'],
     'no pending finding cleared (population_unknown)'),
])
def test_green_result_says_what_it_examined(command_args, shown, absent, note, capsys, monkeypatch):
    # cmd_run_common (a caller's own build, its own parser): today's green result publishes the
    # population the run examined; a count that was not measured is absent, never 0.
    import _build_shared
    result = {'status': 'success', 'exit_code': 0, 'duration_seconds': 3, 'log_file': '/nonexistent.log', 'command': './pw x'}
    monkeypatch.setenv('PLANBUILD_GENERATION', 'today')
    assert _build_shared.cmd_run_common(dict(result), lambda log: ([], None, 'SUCCESS'), 'python', command_args=command_args) == 0
    captured = capsys.readouterr()
    assert all(line in captured.out.splitlines() for line in shown), captured.out
    assert not any(field in captured.out for field in absent), captured.out
    assert note in captured.err
    # The contract's generation prints none of it.
    monkeypatch.setenv('PLANBUILD_GENERATION', 'spec')
    _build_shared.cmd_run_common(dict(result), lambda log: ([], None, 'SUCCESS'), 'python', command_args=command_args)
    captured = capsys.readouterr()
    assert 'tests_population' not in captured.out and 'green build' not in captured.err
