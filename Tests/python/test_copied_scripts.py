"""python/ copied next to a project's own scripts (plan-marshall's marketplace layout), with the
library beside it and no PLANBUILD_LIBRARY, no checkout: every module imports and works."""

import json
import shutil

import _planbuild
from conftest import PYTHON_DIR, REPO, copy_tracked, run, subprocess_env


def test_copied_folder_works(tmp_path):
    scripts = tmp_path / 'marketplace' / 'scripts'
    copy_tracked(PYTHON_DIR, scripts)
    shutil.copy(_planbuild.load()._name, scripts / _planbuild.LIBRARY_NAME)
    project = tmp_path / 'project'
    project.mkdir()
    env = subprocess_env(PLANBUILD_LIBRARY=None)
    added = run([scripts / 'run_config.py', 'warning', 'add', '--category', 'platform_specific', '--pattern', 'p'],
                project, env)
    assert added.returncode == 0, added.stderr
    assert json.loads((project / '.plan' / 'run-configuration.json').read_text())['maven']['acceptable_warnings'][
        'platform_specific'] == ['p']
    parsed = run([scripts / 'maven.py', 'parse', '--log', REPO / 'Tests/Fixtures/logs/maven/compile-warnings.log'],
                 project, env)
    assert parsed.returncode == 0 and json.loads(parsed.stdout)['data']['build_status'] == 'SUCCESS'
    imports = run(['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import run_config, npm, _maven_execute, '
                   '_gradle_execute, _build_format, _build_parse, _build_result, orchestrate, architecture; '
                   'print(run_config.ext_defaults_list(sys.argv[2]), npm.get_bash_timeout(10))',
                   scripts, project], project, env)
    assert imports.returncode == 0 and imports.stdout == '{} 40\n', imports.stderr
