"""Today's plan-marshall notations beside SPEC's, and the per-module architecture layout.

Both generations name the same script file, and each notation makes it speak its own generation
(output dialect, exit codes, where files are: README "Two generations of notations"); the same build
gives the same result (the e2e tests compare real builds). `_project.json` + `{module}/derived.json`
answer exactly as the derived-data.json they were split from.
"""

import json
import shutil
from pathlib import Path

import pytest

import planbuild_executor
from conftest import EXECUTE_SCRIPT, PYTHON_DIR, REPO, copy_tracked, run

TWINS = {
    'plan-marshall:build-maven:maven': 'pm-dev-java:plan-marshall-plugin:maven',
    'plan-marshall:build-gradle:gradle': 'pm-dev-java:plan-marshall-plugin:gradle',
    'plan-marshall:build-npm:npm': 'pm-dev-frontend:plan-marshall-plugin:npm',
    'plan-marshall:manage-architecture:architecture': 'plan-marshall:analyze-project-architecture:architecture',
    'plan-marshall:manage-run-config:run_config': 'plan-marshall:run-config:run_config',
}
EXAMPLES = ['maven-multi', 'npm-workspace', 'gradle-multi', 'python-project', 'polyglot']


def test_todays_notations_name_the_scripts_of_their_spec_twins():
    for today, spec in TWINS.items():
        assert planbuild_executor.NOTATIONS[today] == planbuild_executor.NOTATIONS[spec]
        assert planbuild_executor.notations()[today][1] == 'today'
        assert planbuild_executor.notations()[spec][1] == 'spec' 
    assert planbuild_executor.NOTATIONS['plan-marshall:build-pyproject:pyproject_build'] == 'pyproject_build.py'
    assert (PYTHON_DIR / 'pyproject_build.py').is_file()


def test_list_shows_both_generations(tmp_path):
    completed = run([EXECUTE_SCRIPT, '--list'], tmp_path)
    listed = completed.stdout.split()
    assert set(TWINS) | set(TWINS.values()) | {'plan-marshall:build-pyproject:pyproject_build'} <= set(listed)


def copy_example(name, tmp_path):
    return copy_tracked(REPO / 'examples' / name, tmp_path / name)


def split_into_module_files(project):
    """Rewrites derived-data.json as today's per-module layout and removes it."""
    folder = Path(project) / '.plan' / 'project-architecture'
    document = json.loads((folder / 'derived-data.json').read_text())
    meta = {'name': document['project']['name'], 'description': '', 'extensions_used': document['extensions_used'],
            'modules': {name: {} for name in document['modules']}}
    (folder / '_project.json').write_text(json.dumps(meta, indent=2))
    for name, module in document['modules'].items():
        (folder / name).mkdir()
        (folder / name / 'derived.json').write_text(json.dumps(module, indent=2))
    (folder / 'derived-data.json').unlink()


def architecture(project, notation, *args):
    completed = run([EXECUTE_SCRIPT, notation, *args], project)
    return completed.returncode, completed.stdout, completed.stderr


QUERIES = [('modules',), ('modules', '--command', 'verify'), ('commands',), ('module',)]


@pytest.mark.parametrize('example', EXAMPLES)
def test_module_files_answer_like_derived_data(tmp_path, example):
    whole = copy_example(example, tmp_path / 'whole')
    split = copy_example(example, tmp_path / 'split')
    split_into_module_files(split)
    modules = json.loads((whole / '.plan/project-architecture/derived-data.json').read_text())['modules']
    per_module = [query for name, module in modules.items()
                  for query in [('module', '--name', name), ('commands', '--name', name)]
                  + [('resolve', '--command', command, '--name', name) for command in module['commands']]]
    for query in QUERIES + per_module:
        expected = architecture(whole, 'plan-marshall:analyze-project-architecture:architecture', *query)
        assert expected[0] == 0, (query, expected)
        assert architecture(split, 'plan-marshall:manage-architecture:architecture', *query) == expected, query
    graph = [str(REPO / 'bin' / 'planbuild'), 'graph', '--format', 'json', '--project-dir']
    import subprocess
    assert subprocess.run(graph + [str(split)], capture_output=True, text=True).stdout == \
        subprocess.run(graph + [str(whole)], capture_output=True, text=True).stdout


def test_derived_data_wins_when_both_layouts_exist(tmp_path):
    project = copy_example('python-project', tmp_path)
    folder = project / '.plan' / 'project-architecture'
    (folder / '_project.json').write_text(json.dumps({'name': 'other', 'modules': {'ghost': {}}}))
    code, out, _ = architecture(project, 'plan-marshall:manage-architecture:architecture', 'modules')
    assert code == 0 and 'inventory' in out and 'ghost' not in out


def test_a_listed_module_without_derived_json_is_a_clear_error(tmp_path):
    project = copy_example('npm-workspace', tmp_path)
    split_into_module_files(project)
    shutil.rmtree(project / '.plan' / 'project-architecture' / 'web')
    code, out, err = architecture(project, 'plan-marshall:manage-architecture:architecture', 'modules')
    assert code == 1
    assert 'web/derived.json not found' in err + out


@pytest.mark.parametrize('name', ['../escape', '', 'a/b'])
def test_a_module_name_that_is_no_folder_name_is_refused(tmp_path, name):
    project = tmp_path / 'p'
    folder = project / '.plan' / 'project-architecture'
    folder.mkdir(parents=True)
    (folder / '_project.json').write_text(json.dumps({'name': 'p', 'modules': {name: {}}}))
    code, out, err = architecture(project, 'plan-marshall:manage-architecture:architecture', 'modules')
    assert code == 1 and 'is not a module folder name' in err + out


def test_run_config_generations_agree(tmp_path):
    today = run([EXECUTE_SCRIPT, 'plan-marshall:manage-run-config:run_config', 'timeout', 'set', '--command', 'npm:x',
                 '--duration', '45'], tmp_path)
    assert today.returncode == 0, today.stderr
    get = ['timeout', 'get', '--command', 'npm:x', '--default', '10']
    assert run([EXECUTE_SCRIPT, 'plan-marshall:run-config:run_config', *get], tmp_path).stdout == \
        run([EXECUTE_SCRIPT, 'plan-marshall:manage-run-config:run_config', *get], tmp_path).stdout == '120\n'


def test_each_notation_speaks_its_generation(tmp_path):
    """One script file, two interfaces: help, dialect, exit codes and file places follow the notation."""
    spec_help = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:maven', 'run', '--help'], tmp_path).stdout
    today_help = run([EXECUTE_SCRIPT, 'plan-marshall:build-maven:maven', 'run', '--help'], tmp_path).stdout
    assert '--commandArgs ARGS' in spec_help and '--plan-id' not in spec_help
    assert 'run [-h] --command-args ARGS' in today_help and '--plan-id ID' in today_help

    spec_init = run([EXECUTE_SCRIPT, 'plan-marshall:run-config:run_config', 'init'], tmp_path)
    assert json.loads(spec_init.stdout)['success'] is True
    assert (tmp_path / '.plan' / 'run-configuration.json').is_file()
    today_init = run([EXECUTE_SCRIPT, 'plan-marshall:manage-run-config:run_config', 'init'], tmp_path)
    assert today_init.stdout.startswith('status: success\naction: created\n')
    assert (tmp_path / '.plan' / 'local' / 'run-configuration.json').is_file()

    warnings = json.dumps([{'message': 'x', 'severity': 'WARNING'}])
    spec_check = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:gradle', 'check-warnings', '--warnings', warnings],
                     tmp_path)
    assert json.loads(spec_check.stdout)['unknown'] == 1 and spec_check.returncode == 1
    today_check = run([EXECUTE_SCRIPT, 'plan-marshall:build-gradle:gradle', 'check-warnings', '--warnings', warnings,
                       '--warning-baseline', '1'], tmp_path)
    assert 'unknown: 1\n' in today_check.stdout and 'over_baseline: 0' in today_check.stdout
    assert today_check.returncode == 0

    spec_key = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:maven', 'run-config-key', '--commandArgs',
                    'verify -pl core'], tmp_path)
    assert spec_key.stdout == 'status: success\ncommand_key: maven:verify@core\n'
    today_key = run([EXECUTE_SCRIPT, 'plan-marshall:build-maven:maven', 'run-config-key', '--command-args',
                     'verify -pl core'], tmp_path)
    assert today_key.stdout == ('status: success\nbuild_tool: maven\nkey_suffix: verify__pl_core\n'
                                'command_key: maven:verify__pl_core\n')


def test_a_module_speaks_the_generation_of_the_folder_it_is_installed_in(tmp_path):
    """plan-marshall's marketplace layout: the same file under a today's skill answers as today's."""
    import subprocess
    from conftest import PYTHON, subprocess_env
    for skill, generation in (('script-shared/scripts/build', 'today'), ('extension-api/scripts', 'spec')):
        folder = tmp_path / 'marketplace' / 'bundles' / 'plan-marshall' / 'skills' / skill
        shutil.copytree(PYTHON_DIR, folder, ignore=shutil.ignore_patterns('__pycache__'))
        code = 'import _planbuild, _build_format; print(_planbuild.generation()); print(_build_format.format_toon({"status": "success", "exit_code": 0}))'
        completed = subprocess.run([PYTHON, '-c', code], cwd=folder, env=subprocess_env(), capture_output=True, text=True)
        assert completed.returncode == 0, completed.stderr
        lines = completed.stdout.splitlines()
        assert lines[0] == generation
        assert lines[1] == ('status: success' if generation == 'today' else 'status\tsuccess')
