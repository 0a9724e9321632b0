"""_build_format: TOON and JSON of success, error and timeout results."""

import json

import _build_format as bf
import _build_result as br
from _build_parse import Issue, UnitTestSummary


def test_constants():
    assert bf.CORE_FIELDS == ['status', 'exit_code', 'duration_seconds', 'log_file', 'command']
    assert bf.EXTRA_FIELDS == ['error', 'timeout_used_seconds', 'wrapper', 'command_type']
    assert bf.STRUCTURED_FIELDS == {'errors', 'warnings', 'tests'}


def test_toon_success():
    result = br.success_result(45, '/p/.plan/temp/build-output/default/maven-1.log', './mvnw clean verify',
                               wrapper='./mvnw')
    assert bf.format_toon(result) == ('status\tsuccess\nexit_code\t0\nduration_seconds\t45\n'
                                      'log_file\t/p/.plan/temp/build-output/default/maven-1.log\n'
                                      'command\t./mvnw clean verify\nwrapper\t./mvnw')


def test_toon_error_with_sections():
    result = br.error_result(
        br.ERROR_BUILD_FAILED, 1, 23, '/l.log', './mvnw verify',
        errors=[Issue('src/Main.java', 15, 'cannot find symbol', 'error', category='compilation_error'),
                {'file': None, 'line': None, 'message': 'tab\there\nand newline', 'category': 'build_error'}],
        warnings=[Issue('pom.xml', None, 'deprecated version', 'warning', category='deprecation_warning')],
        tests=UnitTestSummary(passed=10, failed=2, skipped=1, total=13))
    lines = bf.format_toon(result).split('\n')
    assert lines[:6] == ['status\terror', 'exit_code\t1', 'duration_seconds\t23', 'log_file\t/l.log',
                         'command\t./mvnw verify', 'error\tbuild_failed']
    assert lines[6:] == [
        '', 'errors[2]{file,line,message,category}:',
        'src/Main.java\t15\tcannot find symbol\tcompilation_error',
        lines[9],
        '', 'warnings[1]{file,line,message}:', 'pom.xml\t-\tdeprecated version',
        '', 'tests:', '  passed: 10', '  failed: 2', '  skipped: 1']
    row = lines[9].split('\t')
    assert row[:2] == ['-', '-'] and row[3] == 'build_error' and len(row) == 4  # no raw tab or newline


def test_toon_structured_warnings_mark_accepted():
    result = br.error_result('build_failed', 1, 1, 'l', 'c', warnings=[
        Issue('a', 1, 'known', 'warning', accepted=True), Issue('b', 2, 'new', 'warning')])
    text = bf.format_toon(result)
    assert 'warnings[2]{file,line,message,accepted}:\na\t1\tknown\t[accepted]\nb\t2\tnew\t' in text


def test_toon_timeout():
    result = br.timeout_result(300, 300, '/l.log', './gradlew build', wrapper='./gradlew')
    assert bf.format_toon(result).split('\n') == [
        'status\ttimeout', 'exit_code\t-1', 'duration_seconds\t300', 'log_file\t/l.log',
        'command\t./gradlew build', 'error\ttimeout', 'timeout_used_seconds\t300', 'wrapper\t./gradlew']


def test_json():
    result = br.error_result('build_failed', 1, 2, '/l', 'c',
                             errors=[Issue(None, None, 'boom', 'error', category='other')],
                             tests=UnitTestSummary(1, 0, 0, 1))
    text = bf.format_json(result)
    assert text.startswith('{\n  "status": "error"')
    data = json.loads(text)
    assert list(data)[:6] == ['status', 'exit_code', 'duration_seconds', 'log_file', 'command', 'error']
    assert data['errors'][0]['file'] is None and data['errors'][0]['line'] is None
    assert data['tests'] == {'passed': 1, 'failed': 0, 'skipped': 0, 'total': 1}
    assert json.loads(bf.format_json(result, indent=4)) == data
    assert '\n    "status"' in bf.format_json(result, indent=4)
