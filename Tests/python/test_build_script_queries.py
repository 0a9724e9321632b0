"""maven.py / gradle.py search-markers, gradle.py find-project, check-warnings' rules (pb_query
"markers", "gradle_project", "check_warnings"), in the reference's output shapes."""

import argparse
import json
import shutil
from types import SimpleNamespace

import pytest

from conftest import PYTHON_DIR, REPO, _planbuild, copy_tracked, run

PROJECTS = REPO / 'Tests' / 'Fixtures' / 'projects'
MAVEN_OFFLINE = '-o\n-B\n-Dmaven.repo.local=/usr/share/maven-repo\n'

SUPPRESSIBLE = '/*~~(TODO: CuiLogRecordPatternRecipe: use a LogRecord)>*/'
UNKNOWN = '/*~~(TODO: SomeOtherRecipe - decide)>*/'


def script(system):
    return PYTHON_DIR / f'{system}.py'


def marked_maven_project(tmp_path):
    """maven-hello with one suppressible and one unknown marker in Hello.java (line 5)."""
    project = tmp_path / 'hello'
    copy_tracked(PROJECTS / 'maven-hello', project)
    (project / '.mvn').mkdir()
    (project / '.mvn' / 'maven.config').write_text(MAVEN_OFFLINE)
    source = project / 'src' / 'main' / 'java' / 'demo' / 'Hello.java'
    lines = source.read_text().split('\n')
    lines[4] = f'        {SUPPRESSIBLE}return "Hello, " + who; {UNKNOWN}'
    source.write_text('\n'.join(lines))
    return project


@pytest.mark.real_tool
def test_search_markers_in_a_real_maven_project(tmp_path):
    project = marked_maven_project(tmp_path)
    # The markers are comments: the real Maven still compiles the marked source.
    built = run([script('maven'), 'run', '--commandArgs', 'compile', '--format', 'json'], project, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    completed = run([script('maven'), 'search-markers', '--source-dir', 'src'], project)
    assert completed.returncode == 1  # one marker needs the user
    reply = json.loads(completed.stdout)
    assert reply['status'] == 'success'
    data = reply['data']
    assert (data['total_markers'], data['files_affected'], data['auto_suppress_count'], data['ask_user_count']) == (2, 1, 1, 1)
    first, second = data['markers']
    assert first == {
        'file': 'src/main/java/demo/Hello.java', 'line': 5, 'column': 9,
        'message': 'CuiLogRecordPatternRecipe: use a LogRecord', 'recipe': 'CuiLogRecordPatternRecipe',
        'raw_marker': SUPPRESSIBLE, 'action': 'auto_suppress',
        'suppression_comment': '// cui-rewrite:disable CuiLogRecordPatternRecipe', 'category': 'logrecord',
        'reason': 'LogRecord warning - can be auto-suppressed for debug/trace logging'}
    assert (second['recipe'], second['action'], second['category'], second['message']) == \
        ('SomeOtherRecipe', 'ask_user', 'other', 'SomeOtherRecipe - decide')
    assert second['column'] == len(f'        {SUPPRESSIBLE}return "Hello, " + who; ') + 1
    assert data['by_category'] == {'auto_suppress': [first], 'ask_user': [second]}
    # Build output is not searched: Maven's target/ and Gradle's build/ hold copies, not sources.
    (project / 'src' / 'target').mkdir()
    (project / 'src' / 'target' / 'Copy.java').write_text(UNKNOWN)
    again = json.loads(run([script('gradle'), 'search-markers', '--source-dir', str(project / 'src')], project).stdout)
    assert again['data']['total_markers'] == 2
    assert again['data']['markers'][0]['file'] == str(project / 'src' / 'main' / 'java' / 'demo' / 'Hello.java')


def test_search_markers_clean_tree_and_extensions(tmp_path):
    java = tmp_path / 'src' / 'main' / 'java'
    java.mkdir(parents=True)
    (java / 'Clean.java').write_text('public class Clean {}\n')
    (java / 'Marked.kt').write_text(f'val x = 1 {SUPPRESSIBLE}\n')
    clean = run([script('maven'), 'search-markers'], tmp_path)  # default --source-dir src, .java only
    assert clean.returncode == 0
    assert json.loads(clean.stdout)['data']['total_markers'] == 0
    kotlin = run([script('gradle'), 'search-markers'], tmp_path)  # Gradle's default adds .kt
    assert kotlin.returncode == 0  # the only marker may be suppressed
    assert json.loads(kotlin.stdout)['data']['auto_suppress_count'] == 1
    only_kt = json.loads(run([script('maven'), 'search-markers', '--extensions', 'kt'], tmp_path).stdout)
    assert only_kt['data']['recipe_summary'] == {'CuiLogRecordPatternRecipe': 1}


def test_search_markers_missing_folder(tmp_path):
    completed = run([script('maven'), 'search-markers', '--source-dir', 'nowhere'], tmp_path)
    assert completed.returncode == 1
    assert json.loads(completed.stdout) == {'status': 'error', 'error': 'source_not_found',
                                            'message': 'Source directory not found: nowhere'}


def copied_gradle_multi(tmp_path):
    project = tmp_path / 'gradle-multi'
    copy_tracked(PROJECTS / 'gradle-multi', project)
    return project


def find(cwd, *args):
    completed = run([script('gradle'), 'find-project', *args], cwd)
    return completed.returncode, json.loads(completed.stdout)


def test_find_project_in_a_real_gradle_tree(tmp_path):
    # gradle-multi is the project make-fixtures builds with Debian's Gradle: settings.gradle names
    # rootProject 'multi' and includes 'api' and 'impl', configured by the root build.gradle.
    project = copied_gradle_multi(tmp_path)
    code, reply = find(project, '--project-name', 'multi')
    assert code == 0
    assert reply == {'status': 'success', 'data': {'project_name': 'multi', 'project_path': ':', 'build_file': 'build.gradle',
                                                   'parent_projects': [], 'gradle_p_argument': ''}}
    code, reply = find(tmp_path, '--project-name', 'api', '--root', str(project))
    assert code == 0
    assert reply['data'] == {'project_name': 'api', 'project_path': ':api', 'build_file': None,
                             'parent_projects': [], 'gradle_p_argument': '-p api'}
    code, reply = find(project, '--project-path', 'api')
    assert code == 1
    assert reply == {'status': 'error', 'error': 'no_build_file', 'message': 'No build.gradle(.kts) found in: api'}


def test_find_project_nested_and_ambiguous(tmp_path):
    project = copied_gradle_multi(tmp_path)
    for folder in ('services/auth-service', 'legacy/auth-service', 'impl'):
        (project / folder).mkdir(parents=True, exist_ok=True)
        (project / folder / 'build.gradle.kts').write_text('plugins { java }\n')
    code, reply = find(project, '--project-path', ':services:auth-service')
    assert code == 0
    assert reply['data'] == {'project_name': 'auth-service', 'project_path': ':services:auth-service',
                             'build_file': 'services/auth-service/build.gradle.kts',
                             'parent_projects': [':services'], 'gradle_p_argument': '-p services/auth-service'}
    code, reply = find(project, '--project-path', 'legacy/auth-service')
    assert code == 0 and reply['data']['project_path'] == ':legacy:auth-service'
    code, reply = find(project, '--project-name', 'impl')
    assert code == 0 and reply['data']['build_file'] == 'impl/build.gradle.kts'
    code, reply = find(project, '--project-name', 'auth-service')
    assert code == 1
    assert reply['error'] == 'ambiguous_project_name'
    assert reply['choices'] == [':legacy:auth-service', ':services:auth-service']


@pytest.mark.parametrize('args, error', [
    (['--project-name', 'nothing'], 'project_not_found'),
    (['--project-path', 'no/such/dir'], 'path_not_found'),
    (['--project-name', 'api', '--root', 'missing-root'], 'root_not_found'),
])
def test_find_project_errors(args, error, tmp_path):
    code, reply = find(copied_gradle_multi(tmp_path), *args)
    assert code == 1 and reply['status'] == 'error' and reply['error'] == error and reply['message']


@pytest.mark.parametrize('args', [[], ['--project-name', 'a', '--project-path', 'b'], ['--project-name']])
def test_find_project_usage(args, tmp_path):
    completed = run([script('gradle'), 'find-project', *args], tmp_path)
    assert completed.returncode == 2 and completed.stderr.startswith('usage: gradle.py find-project')


def test_find_project_handler_takes_a_namespace(tmp_path, capsys, monkeypatch):
    # cmd_find_project: an argparse-style namespace in, the script's own output and exit code out.
    import _gradle_cmd_find_project
    project = copied_gradle_multi(tmp_path)
    namespace = SimpleNamespace(root=str(project), project_name='api', project_path=None)
    monkeypatch.setenv('PLANBUILD_GENERATION', 'today')
    assert _gradle_cmd_find_project.cmd_find_project(namespace) == 0
    out = capsys.readouterr().out
    assert 'project_path: :api' in out and 'gradle_p_argument: -p api' in out
    # A refusal is an answer in today's generation (exit 0), a failure in the contract's (exit 1, JSON).
    assert _gradle_cmd_find_project.cmd_find_project(SimpleNamespace(root=str(tmp_path / 'nope'), project_name='api')) == 0
    assert 'error: root_not_found' in capsys.readouterr().out
    monkeypatch.setenv('PLANBUILD_GENERATION', 'spec')
    assert _gradle_cmd_find_project.cmd_find_project(SimpleNamespace(root=str(tmp_path / 'nope'), project_name='api')) == 1
    assert json.loads(capsys.readouterr().out)['error'] == 'root_not_found'


def test_build_main_over_the_find_project_registration(tmp_path, capsys, monkeypatch):
    # _build_cli.build_main with gradle's registration: an argparse parser over the library's option
    # table (defaults as argparse shows them), the parsed words answered by the library.
    import _build_cli
    import gradle
    project = copied_gradle_multi(tmp_path)
    monkeypatch.setenv('PLANBUILD_GENERATION', 'today')
    parser = argparse.ArgumentParser()
    gradle._register_find_project(parser.add_subparsers(dest='command', required=True))
    args = parser.parse_args(['find-project', '--project-name', 'api', '--plan-id', 'p-1'])
    assert (args.plan_id, args.project_dir, args.root, args.project_path, args.format) == ('p-1', '.', None, None, None)
    with pytest.raises(SystemExit) as refused:
        parser.parse_args(['find-project', '--format', 'xml'])
    assert refused.value.code == 2
    capsys.readouterr()
    # Without --root the project named by --project-dir is searched; an explicit --root wins over it.
    monkeypatch.setattr('sys.argv', ['gradle.py', 'find-project', '--project-name', 'api', '--project-dir', str(project)])
    assert _build_cli.build_main('Gradle build operations', [gradle._register_find_project]) == 0
    assert 'project_path: :api' in capsys.readouterr().out
    monkeypatch.setattr('sys.argv', ['gradle.py', 'find-project', '--project-name', 'api', '--root', str(project),
                                     '--project-dir', str(tmp_path)])
    assert _build_cli.build_main('Gradle build operations', [gradle._register_find_project]) == 0
    assert 'project_path: :api' in capsys.readouterr().out


def test_option_tables_come_from_the_library(monkeypatch):
    monkeypatch.setenv('PLANBUILD_GENERATION', 'today')
    table = _planbuild.command_options('gradle.py', ['find-project'])
    by_dest = {option['dest']: option for option in table['options']}
    assert by_dest['project_dir']['default'] == '.' and by_dest['root']['default'] is None
    assert by_dest['format']['kind'] == 'choice' and by_dest['format']['choices'] == ['toon', 'json']
    with pytest.raises(_planbuild.PlanBuildError) as missing:
        _planbuild.command_options('maven.py', ['find-project'])
    assert missing.value.error == 'not_found'


def test_subcommands_per_script(tmp_path):
    # find-project is Gradle's; npm has no markers (as the reference's scripts).
    for system, args in (('maven', ['find-project', '--project-name', 'x']), ('npm', ['search-markers'])):
        completed = run([script(system), *args], tmp_path)
        assert completed.returncode == 2 and 'invalid choice' in completed.stderr
    for system, name in (('maven', 'search-markers'), ('gradle', 'find-project')):
        listing = run([script(system), '--help'], tmp_path)
        assert listing.returncode == 0 and name in listing.stdout
        assert run([script(system), name, '--help'], tmp_path).returncode == 0


def test_check_warnings_rules_of_the_library(tmp_path):
    warnings = [
        {'message': 'javadoc: no comment', 'severity': 'WARNING', 'type': 'javadoc_warning'},  # always fixable
        {'message': 'rewrite note', 'severity': 'WARNING', 'type': 'openrewrite_info'},  # acceptable
        {'message': 'uses unchecked or unsafe operations', 'severity': 'warning', 'category': 'other'},
        {'message': 'not a warning', 'severity': 'INFO', 'type': 'other'},
    ]
    completed = run([script('maven'), 'check-warnings', '--warnings', json.dumps(warnings),
                     '--patterns', json.dumps(['[WARNING] javadoc', 'unsafe operations'])], tmp_path)
    reply = json.loads(completed.stdout)
    assert completed.returncode == 1
    assert (reply['total'], reply['acceptable'], reply['fixable'], reply['unknown']) == (3, 2, 1, 0)
    assert reply['categorized']['fixable'] == [warnings[0]]  # items are printed as given
    # Without patterns, those of run-configuration.json apply.
    plan = tmp_path / '.plan'
    plan.mkdir()
    (plan / 'run-configuration.json').write_text(json.dumps({'maven': {'acceptable_warnings': ['^uses']}}))
    configured = run([script('maven'), 'check-warnings', '--warnings', json.dumps(warnings[2:3])], tmp_path)
    assert configured.returncode == 0 and json.loads(configured.stdout)['acceptable'] == 1


@pytest.mark.parametrize('request_, message', [
    ({'what': 'markers', 'source_dir': 7}, '"source_dir" must be a string'),
    ({'what': 'gradle_project'}, 'exactly one of'),
    ({'what': 'check_warnings'}, '"warnings" is required'),
    ({'what': 'check_warnings', 'warnings': [1]}, 'warnings[0] must be a JSON object'),
    ({'what': 'check_warnings', 'warnings': [], 'patterns': [3]}, 'patterns must be a JSON array of strings'),
])
def test_bad_requests_are_clear_errors(request_, message):
    import _planbuild
    reply = _planbuild.call('pb_query', request_)
    assert reply['status'] == 'error' and message in reply['message'], reply


@pytest.mark.parametrize('system, log', [('maven', 'maven/compile-warnings.log'), ('gradle', 'gradle/compile-error.log')])
def test_parse_summary_counts_what_it_returns(system, log, tmp_path):
    path = REPO / 'Tests' / 'Fixtures' / 'logs' / log
    for mode in ('structured', 'errors'):
        data = json.loads(run([script(system), 'parse', '--log', path, '--mode', mode], tmp_path).stdout)['data']
        summary, issues = data['summary'], data['issues']
        assert summary['total_issues'] == len(issues)
        assert summary['compilation_errors'] == sum(issue['category'] == 'compilation_error' for issue in issues)
        assert summary['deprecation_warnings'] == sum(issue['category'] == 'deprecation_warning' for issue in issues)
        assert sum(value for key, value in summary.items() if key != 'total_issues') == len(issues)
        if mode == 'errors':
            assert all(issue['severity'] == 'error' for issue in issues)
            assert summary['deprecation_warnings'] == summary['other_warnings'] == 0
