"""maven.py / gradle.py / npm.py and the execute modules, with fake tools (never the network)."""

import json
import subprocess
import os
import time
from pathlib import Path

import pytest

import _gradle_execute
import _maven_execute
import _planbuild
import npm
from conftest import (EXECUTE_SCRIPT, MAVEN_FAILURE_LOG, PYTHON_DIR, REPO, Namespace_like, run, subprocess_env,
                      toon_fields, write_run_configuration, write_tool)

MAVEN = 'pm-dev-java:plan-marshall-plugin:maven'
GRADLE = 'pm-dev-java:plan-marshall-plugin:gradle'
NPM = 'pm-dev-frontend:plan-marshall-plugin:npm'


def maven_run(project, *args, env=None):
    return run([EXECUTE_SCRIPT, MAVEN, 'run', *args], project, env)


def test_maven_success(maven_project):
    completed = maven_run(maven_project, '--commandArgs', 'verify -pl core')
    assert completed.returncode == 0, completed.stderr
    fields = toon_fields(completed.stdout)
    assert fields['status'] == 'success' and fields['exit_code'] == '0'
    assert fields['command'] == './mvnw verify -pl core' and fields['wrapper'] == './mvnw'
    assert int(fields['duration_seconds']) >= 0 and fields['timeout_used_seconds'] == '300'
    log = Path(fields['log_file'])
    assert log.parent == maven_project.resolve() / '.plan' / 'temp' / 'build-output' / 'core'
    assert 'BUILD SUCCESS' in log.read_text()  # the tool's output is in the log ...
    assert 'BUILD SUCCESS' not in completed.stdout  # ... and nowhere else
    assert completed.stdout.count('\n\n') == 0  # no sections on success


def test_maven_failure_is_parsed(project):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    completed = maven_run(project, '--commandArgs', 'verify -fae')
    assert completed.returncode == 1
    text = completed.stdout
    fields = toon_fields(text)
    assert fields['status'] == 'error' and fields['exit_code'] == '1' and fields['error'] == 'build_failed'
    assert 'errors[1]{file,line,message,category}:\n/p/service/src/main/java/com/example/service/OrderService.java' \
           '\t19\t' in text
    assert 'warnings[2]{file,line,message}:' in text
    assert '\ntests:\n  passed: 3\n  failed: 0\n  skipped: 1' in text


def test_maven_failure_json(project):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    completed = maven_run(project, '--commandArgs', 'verify', '--format', 'json')
    data = json.loads(completed.stdout)
    assert completed.returncode == 1
    assert list(data)[:5] == ['status', 'exit_code', 'duration_seconds', 'log_file', 'command']
    assert data['errors'][0]['category'] == 'compilation_error'
    assert data['tests'] == {'passed': 3, 'failed': 0, 'skipped': 1, 'total': 4}


def test_at_most_20_errors_and_10_warnings(project):
    lines = [f'[WARNING] /p/W{i}.java:[{i + 1},1] [deprecation] old{i}() has been deprecated' for i in range(15)]
    lines += [f'[ERROR] /p/E{i}.java:[{i + 1},1] cannot find symbol' for i in range(30)]
    write_tool(project, 'mvnw', '\n'.join(lines) + '\n[INFO] BUILD FAILURE\n', 1)
    completed = maven_run(project, '--commandArgs', 'compile')
    assert 'errors[20]{' in completed.stdout and 'warnings[10]{' in completed.stdout


def test_modes_and_accepted_warnings(project):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    write_run_configuration(project, {'version': 1, 'maven': {'acceptable_warnings': {
        'platform_specific': ['^\\[deprecation\\] isSpace'], 'plugin_compatibility': []}}})
    actionable = maven_run(project, '--commandArgs', 'verify')
    assert 'warnings[1]{file,line,message}:' in actionable.stdout and 'isSpace' not in actionable.stdout
    structured = maven_run(project, '--commandArgs', 'verify', '--mode', 'structured')
    assert 'warnings[2]{file,line,message,accepted}:' in structured.stdout
    assert '[accepted]' in structured.stdout
    errors_only = maven_run(project, '--commandArgs', 'verify', '--mode', 'errors')
    assert 'warnings[' not in errors_only.stdout and 'errors[1]' in errors_only.stdout


def test_acceptable_warnings_list_shape(project):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    write_run_configuration(project, {'maven': {'acceptable_warnings': ['unchecked call', 'ISSPACE']}})
    completed = maven_run(project, '--commandArgs', 'verify')
    assert 'warnings[' not in completed.stdout


def test_timeout_option_and_learning(maven_project):
    completed = maven_run(maven_project, '--commandArgs', 'verify', '--timeout', '600')
    assert toon_fields(completed.stdout)['timeout_used_seconds'] == '600'
    data = json.loads((maven_project / '.plan' / 'run-configuration.json').read_text())
    assert any(key.startswith('maven:') for key in data['commands'])


def test_timeout_kills_the_build(project):
    write_run_configuration(project, {'timeout_policy': {'minimum_seconds': 1}})
    (project / 'mvnw').write_text('#!/bin/sh\necho started\nsleep 30\n')
    (project / 'mvnw').chmod(0o755)
    started = time.monotonic()
    completed = maven_run(project, '--commandArgs', 'verify', '--timeout', '1')
    assert time.monotonic() - started < 25
    fields = toon_fields(completed.stdout)
    assert completed.returncode == 1
    assert (fields['status'], fields['exit_code'], fields['error']) == ('timeout', '-1', 'timeout')
    assert fields['timeout_used_seconds'] == '1'


def test_malformed_run_configuration_is_reported_and_left_alone(maven_project):
    path = write_run_configuration(maven_project, '{"version": 1, "commands": {"maven:verify": ')
    before = path.read_bytes()
    completed = maven_run(maven_project, '--commandArgs', 'verify')
    assert completed.returncode == 1
    assert toon_fields(completed.stdout)['status'] == 'error'
    assert 'run-configuration.json is not valid JSON' in completed.stderr
    assert path.read_bytes() == before


def test_wrapper_not_executable(project):
    write_tool(project, 'mvnw', '', 0, executable=False)
    completed = maven_run(project, '--commandArgs', 'verify')
    assert completed.returncode == 1
    fields = toon_fields(completed.stdout)
    assert (fields['status'], fields['exit_code'], fields['error']) == ('error', '-1', 'wrapper_not_found')
    assert 'not executable' in completed.stderr


@pytest.mark.parametrize('notation,tool', [(GRADLE, 'gradle'), (NPM, 'npm'), (MAVEN, 'mvn')])
def test_tool_not_installed(project, tool_free_path, notation, tool):
    env = subprocess_env(PATH=tool_free_path)
    completed = run([EXECUTE_SCRIPT, notation, 'run', '--commandArgs', 'build'], project, env)
    assert completed.returncode == 1
    fields = toon_fields(completed.stdout)
    assert (fields['status'], fields['exit_code'], fields['error']) == ('error', '-1', 'execution_failed')
    assert f'{tool}: command not found' in completed.stderr


def test_gradle_wrapper_and_scope(project):
    write_tool(project, 'gradlew', 'BUILD SUCCESSFUL\n', 0)
    completed = run([EXECUTE_SCRIPT, GRADLE, 'run', '--commandArgs', ':core:build'], project)
    fields = toon_fields(completed.stdout)
    assert completed.returncode == 0 and fields['wrapper'] == './gradlew'
    assert Path(fields['log_file']).parent.name == 'core'


def test_npm_command_types(project, tmp_path):
    tools = tmp_path / 'tools'
    write_tool(tools, 'npm', 'ok\n', 0)
    write_tool(tools, 'npx', 'ok\n', 0)
    env = subprocess_env(PATH=f"{tools}{os.pathsep}{os.environ['PATH']}")
    plain = run([EXECUTE_SCRIPT, NPM, 'run', '--commandArgs', 'run test --workspace=web'], project, env)
    fields = toon_fields(plain.stdout)
    assert plain.returncode == 0 and fields['command_type'] == 'npm'
    assert fields['command'] == 'npm run test --workspace=web'
    assert Path(fields['log_file']).parent.name == 'web'
    direct = run([EXECUTE_SCRIPT, NPM, 'run', '--commandArgs', 'tsc --noEmit', '--env', 'CI=true'], project, env)
    assert toon_fields(direct.stdout)['command_type'] == 'npx'


@pytest.mark.parametrize('args,message', [
    (['run', '--commandArgs', 'verify', '--timeout', 'soon'], "invalid int value: 'soon'"),
    (['run', '--commandArgs', 'verify', '--format', 'xml'], "invalid choice: 'xml'"),
    (['run', '--commandArgs', 'verify', '--mode', 'all'], "invalid choice: 'all'"),
    (['run', '--bogus'], 'unrecognized arguments: --bogus'),
    (['run', '--commandArgs'], 'expected one argument'),
    (['build'], "invalid choice: 'build'"),
    ([], 'usage:'),
])
def test_usage_errors(maven_project, args, message):
    completed = run([EXECUTE_SCRIPT, MAVEN, *args], maven_project)
    assert completed.returncode == 2 and message in completed.stdout + completed.stderr


def test_invalid_value_reported_by_the_library(maven_project):
    # The library's rule (TimeoutLimits) refuses it; on a command line that is a usage error.
    completed = maven_run(maven_project, '--commandArgs', 'verify', '--timeout', '-5')
    assert completed.returncode == 2 and 'argument --timeout must be at least 1 second' in completed.stderr


def test_scripts_run_directly(maven_project):
    completed = run([PYTHON_DIR / 'maven.py', 'run', '--command-args', 'verify', '--format', 'json'], maven_project)
    assert completed.returncode == 0 and json.loads(completed.stdout)['status'] == 'success'
    helped = run([PYTHON_DIR / 'gradle.py', '--help'], maven_project)
    assert helped.returncode == 0 and helped.stdout.startswith('usage: gradle.py [-h] {run,')


# --- module API --------------------------------------------------------------------------------------

def test_detect_wrapper(project):
    assert _maven_execute.detect_wrapper(str(project)) == 'mvn'
    assert _gradle_execute.detect_wrapper(str(project)) == 'gradle'
    write_tool(project, 'mvnw', '', 0)
    write_tool(project, 'gradlew', '', 0)
    assert _maven_execute.detect_wrapper(str(project)) == './mvnw'
    assert _gradle_execute.detect_wrapper(str(project)) == './gradlew'
    assert not (project / '.plan' / 'temp').exists()  # detection starts nothing and logs nothing


def test_execute_direct_does_not_parse(project):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    result = _maven_execute.execute_direct('verify -pl service', 'maven:custom', 200, str(project))
    assert (result['status'], result['exit_code'], result['error']) == ('error', 1, 'build_failed')
    assert 'errors' not in result and 'tests' not in result
    assert result['timeout_used_seconds'] == 200 and result['wrapper'] == './mvnw'
    assert Path(result['log_file']).read_text().startswith('[INFO] Scanning')
    learned = json.loads((project / '.plan' / 'run-configuration.json').read_text())['commands']
    assert 'maven:custom' in learned
    listed = _maven_execute.execute_direct(['verify', '-Dx=a b'], 'maven:list', project_dir=str(project))
    assert listed['command'] == "./mvnw verify '-Dx=a b'"
    quoted = _maven_execute.execute_direct('verify "-Dx=a b"', 'maven:list', project_dir=str(project))
    assert quoted['command'] == listed['command']


def test_execute_direct_reports_invalid_arguments(project):
    with pytest.raises(_planbuild.PlanBuildError):
        _gradle_execute.execute_direct('build', 'gradle:build', -1, str(project))


def test_cmd_run_with_a_namespace(project, capsys):
    write_tool(project, 'mvnw', MAVEN_FAILURE_LOG, 1)
    args = Namespace_like(command_args='verify', timeout=300, format='toon', mode='actionable',
                          project_dir=str(project))
    assert _maven_execute.cmd_run(args) == 1
    out = capsys.readouterr().out
    assert out.startswith('status\terror\n') and 'errors[1]' in out


def test_npm_module_api(project, tmp_path, monkeypatch):
    assert npm.detect_command_type('tsc --noEmit') == 'npx'
    assert npm.detect_command_type('jest --ci') == 'npx'
    assert npm.detect_command_type('run test') == 'npm'
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'npm').write_text('#!/bin/sh\necho "NODE_ENV=$NODE_ENV args=$*"\n')
    (tools / 'npm').chmod(0o755)
    monkeypatch.setenv('PATH', f"{tools}{os.pathsep}{os.environ['PATH']}")
    result = npm.execute_direct('run build', 'npm:build', 120, str(project), env_vars={'NODE_ENV': 'test'})
    assert result['status'] == 'success' and result['command_type'] == 'npm'
    assert 'NODE_ENV=test args=run build' in Path(result['log_file']).read_text()
    # the reference's positional order, env_vars as "K=V K2=V2" text, working_dir honoured
    package = project / 'packages' / 'web'
    package.mkdir(parents=True)
    (tools / 'npm').write_text('#!/bin/sh\necho "NODE_ENV=$NODE_ENV CI=$CI pwd=$(pwd)"\n')
    result = npm.execute_direct('run build', 'npm:build', 120, str(project), 'packages/web', 'NODE_ENV=prod CI=1')
    assert result['status'] == 'success'
    assert f'NODE_ENV=prod CI=1 pwd={package.resolve()}' in Path(result['log_file']).read_text()
    missing = npm.execute_direct('run build', 'npm:build', working_dir='packages/none', project_dir=str(project))
    assert missing['status'] == 'error' and 'packages/none' in missing['message']
    completed = run([PYTHON_DIR / 'npm.py', 'run', '--commandArgs', 'run build', '--working-dir', 'packages/web'],
                    project, subprocess_env(PATH=f"{tools}{os.pathsep}{os.environ['PATH']}"))
    assert completed.returncode == 0, completed.stderr
    assert 'status\tsuccess' in completed.stdout


def test_get_bash_timeout():
    for module in (npm, _maven_execute, _gradle_execute):
        assert module.get_bash_timeout(300) == 330
        assert module.get_bash_timeout(0) == 30


def test_the_cli_run_takes_the_scripts_run_options(tmp_path):
    """`planbuild run` reads the same option table as the scripts' `run` (--env, --working-dir, …)."""
    (tmp_path / 'sub').mkdir()
    tool = tmp_path / 'mvnw'
    tool.write_text('#!/bin/sh\necho "FOO=$FOO in $(basename "$PWD")"\necho "[INFO] BUILD SUCCESS"\n')
    tool.chmod(0o755)
    completed = subprocess.run([str(REPO / 'bin' / 'planbuild'), 'run', '--system', 'maven', '--command-args', 'verify',
                                '--env', 'FOO=bar', '--working-dir', 'sub', '--project-dir', str(tmp_path), '--format', 'json'],
                               capture_output=True, text=True, timeout=120, env=subprocess_env())
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert 'FOO=bar in sub' in Path(result['log_file']).read_text()
    usage = subprocess.run([str(REPO / 'bin' / 'planbuild'), 'run', '--system', 'maven'], capture_output=True, text=True,
                           timeout=60, env=subprocess_env())
    assert usage.returncode != 0 and 'the following arguments are required: --args/--command-args/--commandArgs' in usage.stderr
