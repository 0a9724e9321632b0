"""_build_parse and the parser modules: Issue, UnitTestSummary, warning filtering, parse_log."""

import dataclasses
import importlib

import pytest

import _build_parse as bp
from conftest import MAVEN_FAILURE_LOG, write_run_configuration

Issue = bp.Issue


def warning(message, file='A.java', line=1, category='other'):
    return Issue(file=file, line=line, message=message, severity=bp.SEVERITY_WARNING, category=category)


def test_constants():
    assert (bp.SEVERITY_ERROR, bp.SEVERITY_WARNING) == ('error', 'warning')
    assert (bp.MODE_ACTIONABLE, bp.MODE_STRUCTURED, bp.MODE_ERRORS) == ('actionable', 'structured', 'errors')
    assert hasattr(bp, 'BuildParser')


def test_issue_is_a_dataclass_with_to_dict():
    assert dataclasses.is_dataclass(Issue) and dataclasses.is_dataclass(bp.UnitTestSummary)
    issue = Issue('src/Main.java', 15, 'cannot find symbol', bp.SEVERITY_ERROR)
    assert (issue.category, issue.stack_trace, issue.accepted) == (None, None, False)
    assert issue.to_dict() == {'file': 'src/Main.java', 'line': 15, 'message': 'cannot find symbol',
                               'severity': 'error'}
    full = Issue(None, None, 'boom', 'error', category='test_failure', stack_trace='at X', accepted=True)
    assert full.to_dict() == {'file': None, 'line': None, 'message': 'boom', 'severity': 'error',
                              'category': 'test_failure', 'stack_trace': 'at X', 'accepted': True}


def test_unit_test_summary_to_dict():
    summary = bp.UnitTestSummary(passed=5, failed=1, skipped=1, total=7)
    assert summary.to_dict() == {'passed': 5, 'failed': 1, 'skipped': 1, 'total': 7}


def test_partition_issues():
    error = Issue(None, None, 'e', bp.SEVERITY_ERROR)
    first, second = warning('w1'), warning('w2')
    assert bp.partition_issues([first, error, second]) == ([error], [first, second])


def test_is_warning_accepted_substring_and_regex():
    item = warning('Uses unchecked or UNSAFE operations')
    assert bp.is_warning_accepted(item, ['unsafe'])
    assert bp.is_warning_accepted(item, ['^uses unchecked'])
    assert not bp.is_warning_accepted(item, ['^unchecked'])  # a regex matches at the start
    assert not bp.is_warning_accepted(item, ['deprecated'])
    assert not bp.is_warning_accepted(item, [])


def test_invalid_regex_is_skipped():
    item = warning('[deprecation] old API')
    assert not bp.is_warning_accepted(item, ['^[unclosed'])
    assert bp.is_warning_accepted(item, ['^[unclosed', 'old api'])


def test_filter_modes():
    kept, accepted = warning('real problem', line=1), warning('[deprecation] known', line=2)
    patterns = ['^\\[deprecation\\]']
    actionable = bp.filter_warnings([kept, accepted], patterns, bp.MODE_ACTIONABLE)
    assert [w.message for w in actionable] == ['real problem']
    assert all(isinstance(w, Issue) for w in actionable)
    structured = bp.filter_warnings([kept, accepted], patterns, bp.MODE_STRUCTURED)
    assert [(w.message, w.accepted) for w in structured] == [('real problem', False), ('[deprecation] known', True)]
    assert structured[1].to_dict()['accepted'] is True and structured[1].line == 2
    assert bp.filter_warnings([kept, accepted], patterns, bp.MODE_ERRORS) == []
    assert bp.filter_warnings([kept, accepted], patterns) == actionable
    assert bp.filter_warnings([], patterns) == []


def test_filter_accepts_dict_issues():
    rows = [{'file': 'a', 'line': 3, 'message': 'Deprecated thing', 'severity': 'warning'}]
    assert bp.filter_warnings(rows, ['deprecated'], 'actionable') == []


def test_load_acceptable_warnings_list(project):
    write_run_configuration(project, {'version': 1, 'maven': {'acceptable_warnings': ['^foo', 'bar']}})
    assert bp.load_acceptable_warnings(str(project), 'maven') == ['^foo', 'bar']
    assert bp.load_acceptable_warnings(str(project), 'npm') == []


def test_load_acceptable_warnings_category_object(project):
    write_run_configuration(project, {'version': 1, 'commands': {}, 'maven': {'acceptable_warnings': {
        'transitive_dependency': ['uses transitive dependency'],
        'plugin_compatibility': [],
        'platform_specific': ['^\\[WARNING\\] platform'],
    }}})
    patterns = bp.load_acceptable_warnings(str(project), 'maven')
    assert sorted(patterns) == sorted(['uses transitive dependency', '^\\[WARNING\\] platform'])
    accepted = warning('This uses transitive dependency x')
    assert bp.filter_warnings([accepted, warning('other')], patterns) == [warning('other')]


def test_load_acceptable_warnings_without_or_with_broken_file(project):
    assert bp.load_acceptable_warnings(str(project), 'maven') == []
    write_run_configuration(project, '{"maven": ')
    assert bp.load_acceptable_warnings(str(project), 'maven') == []


def test_load_acceptable_warnings_follows_plan_base_dir(project, tmp_path, monkeypatch):
    write_run_configuration(project, {'gradle': {'acceptable_warnings': ['x']}})
    monkeypatch.setenv('PLAN_BASE_DIR', str(project))
    assert bp.load_acceptable_warnings(str(tmp_path / 'elsewhere'), 'gradle') == ['x']


def test_maven_parse_log(tmp_path):
    import _maven_cmd_parse
    log = tmp_path / 'maven.log'
    log.write_text(MAVEN_FAILURE_LOG)
    issues, tests, status = _maven_cmd_parse.parse_log(str(log))
    assert status == 'FAILURE'
    assert tests == bp.UnitTestSummary(passed=3, failed=0, skipped=1, total=4)
    errors, warnings = bp.partition_issues(issues)
    assert len(errors) == 1  # printed twice in the log, reported once
    assert errors[0].file.endswith('OrderService.java') and errors[0].line == 19
    assert errors[0].category == 'compilation_error'
    assert 'calculateTotl' in errors[0].message
    assert {w.category for w in warnings} == {'deprecation_warning', 'unchecked_warning'}
    assert all(isinstance(i, Issue) for i in issues)
    same = _maven_cmd_parse.parse_log(log)  # a Path works too
    assert same == (issues, tests, status)


PARSER_MODULES = ['_maven_cmd_parse', '_gradle_cmd_parse', '_npm_parse_typescript', '_npm_parse_jest',
                  '_npm_parse_eslint', '_npm_parse_tap', '_npm_parse_errors', '_npm_cmd_parse']


@pytest.mark.parametrize('name', PARSER_MODULES)
def test_parse_log_missing_file(name, tmp_path):
    module = importlib.import_module(name)
    with pytest.raises(FileNotFoundError):
        module.parse_log(str(tmp_path / 'missing.log'))


@pytest.mark.parametrize('name', PARSER_MODULES)
def test_parse_log_directory(name, tmp_path):
    module = importlib.import_module(name)
    with pytest.raises(IsADirectoryError):
        module.parse_log(str(tmp_path))


@pytest.mark.parametrize('name', PARSER_MODULES)
def test_parse_log_shape(name, tmp_path):
    module = importlib.import_module(name)
    log = tmp_path / 'empty.log'
    log.write_text('')
    issues, tests, status = module.parse_log(str(log))
    # An empty Maven or Gradle log shows no outcome: its status is unknown.
    assert issues == [] and tests is None and status in ('SUCCESS', 'FAILURE', None)
    if name in ('_maven_cmd_parse', '_gradle_cmd_parse'):
        assert status is None


def test_npm_parse_with_detector(tmp_path):
    import npm
    log = tmp_path / 'npm.log'
    log.write_text('')
    assert npm.parse_with_detector(str(log), 'npm run test') == ([], None, npm.parse_with_detector(str(log), '')[2])
    with pytest.raises(FileNotFoundError):
        npm.parse_with_detector(str(tmp_path / 'none.log'), 'npm test')
