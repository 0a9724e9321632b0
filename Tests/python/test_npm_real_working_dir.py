"""npm.execute_direct and `npm.py run --working-dir` with the real npm: the script runs in the
workspace folder with the environment given as "K=V K2=V2" text or as a dict."""

import json
from pathlib import Path

import pytest

from conftest import PYTHON_DIR, run

import npm

pytestmark = pytest.mark.real_tool  # the real npm

# The script prints where it runs and two variables; npm itself needs no registry for `run`.
REPORT = "node -e \"console.log('cwd=' + process.cwd() + ' MODE=' + process.env.MODE + ' LEVEL=' + process.env.LEVEL)\""


def workspace(tmp_path):
    project = tmp_path / 'mono'
    package = project / 'packages' / 'web'
    package.mkdir(parents=True)
    (project / 'package.json').write_text(json.dumps({'name': 'mono', 'version': '1.0.0', 'private': True}))
    (package / 'package.json').write_text(json.dumps({'name': 'web', 'version': '1.0.0', 'scripts': {'report': REPORT}}))
    return project, package.resolve()


def test_execute_direct_runs_real_npm_in_the_working_dir(tmp_path):
    project, package = workspace(tmp_path)
    # Positional order of the reference: args, command_key, default_timeout, project_dir, working_dir, env_vars.
    result = npm.execute_direct('run report', 'npm:report', 120, str(project), 'packages/web', 'MODE=text LEVEL=2')
    assert result['status'] == 'success', result
    log = Path(result['log_file']).read_text()
    assert f'cwd={package} MODE=text LEVEL=2' in log
    as_dict = npm.execute_direct('run report', 'npm:report', project_dir=str(project), working_dir='packages/web',
                                 env_vars={'MODE': 'dict', 'LEVEL': '3'})
    assert as_dict['status'] == 'success'
    assert f'cwd={package} MODE=dict LEVEL=3' in Path(as_dict['log_file']).read_text()
    # Without working_dir npm runs at the project root, where the script does not exist.
    root = npm.execute_direct('run report', 'npm:report', 120, str(project))
    assert root['status'] == 'error' and root['exit_code'] != 0


def test_npm_py_run_working_dir_with_real_npm(tmp_path):
    project, package = workspace(tmp_path)
    completed = run([PYTHON_DIR / 'npm.py', 'run', '--commandArgs', 'run report', '--working-dir', 'packages/web',
                     '--env', 'MODE=cli LEVEL=4', '--format', 'json'], project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(completed.stdout)
    assert f'cwd={package} MODE=cli LEVEL=4' in Path(result['log_file']).read_text()
