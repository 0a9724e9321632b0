"""The shims' `execution_mode` (docs/server.md): passed to the library as the request member, checked
there, and `--execution-mode` on the build scripts' `run` and orchestrate.py. Without a build server
running, `auto` runs in process; the server's own behaviour is tested in Tests/e2e/test_server_*.py."""
import json

import pytest

import _maven_execute
import _planbuild
import orchestrate
from conftest import PYTHON_DIR, run, subprocess_env


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    """A runtime folder of the test's own: no user's server can answer there."""
    folder = tmp_path / 'xdg-run'
    folder.mkdir(mode=0o700)
    monkeypatch.setenv('XDG_RUNTIME_DIR', str(folder))
    return folder


def test_execute_direct_takes_the_execution_mode(maven_project, runtime):
    reply = _maven_execute.execute_direct('verify', 'maven:verify', project_dir=str(maven_project), execution_mode='auto')
    assert reply['status'] == 'success'
    assert 'job' not in reply, 'no server runs: auto runs in process'
    reply = _maven_execute.execute_direct('verify', 'maven:verify', project_dir=str(maven_project), execution_mode='in_process')
    assert reply['status'] == 'success'
    with pytest.raises(_planbuild.PlanBuildError) as refused:
        _maven_execute.execute_direct('verify', 'maven:verify', project_dir=str(maven_project), execution_mode='elsewhere')
    assert refused.value.error == 'invalid_request'
    assert 'execution_mode' in refused.value.message


def test_run_many_takes_the_execution_mode(maven_project, runtime):
    with pytest.raises(_planbuild.PlanBuildError) as refused:
        orchestrate.run_many('verify', project_dir=str(maven_project), execution_mode='elsewhere')
    assert refused.value.error == 'invalid_request'
    with pytest.raises(TypeError):
        orchestrate.run_many('verify', project_dir=str(maven_project), execution_mode=3)


def test_the_build_scripts_take_execution_mode_on_the_command_line(maven_project, runtime):
    env = subprocess_env(XDG_RUNTIME_DIR=str(runtime))
    done = run([PYTHON_DIR / 'maven.py', 'run', '--commandArgs', 'verify', '--execution-mode', 'in_process',
                '--project-dir', maven_project, '--format', 'json'], maven_project, env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)['status'] == 'success'
    refused = run([PYTHON_DIR / 'maven.py', 'run', '--commandArgs', 'verify', '--execution-mode', 'elsewhere'],
                  maven_project, env)
    assert refused.returncode == 2
    assert "invalid choice: 'elsewhere'" in refused.stderr
    usage = run([PYTHON_DIR / 'orchestrate.py', 'run', '--command', 'verify', '--execution-mode', 'nowhere'], maven_project, env)
    assert usage.returncode == 2
    assert '--execution-mode' in usage.stderr
