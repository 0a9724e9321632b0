"""architecture.py: resolve on examples/maven-multi and its errors; the read-only queries."""

import json

import pytest

from conftest import EXAMPLE, EXECUTE_SCRIPT, PYTHON_DIR, run, subprocess_env

ARCHITECTURE = 'plan-marshall:analyze-project-architecture:architecture'
MAVEN = 'python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs'


def architecture(args, cwd=EXAMPLE, env=None):
    return run([EXECUTE_SCRIPT, ARCHITECTURE, *args], cwd, env)


def test_resolve_root_module():
    completed = architecture(['resolve', '--command', 'verify'])
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f'module: maven-multi\ncommand: verify\nexecutable: {MAVEN} "verify -fae"\n'


def test_resolve_named_module():
    completed = architecture(['resolve', '--command', 'module-tests', '--name', 'core'])
    assert completed.returncode == 0
    assert completed.stdout.split('\n') == ['module: core', 'command: module-tests',
                                            f'executable: {MAVEN} "test -pl core"', '']


def test_resolve_with_project_dir_option(tmp_path):
    completed = run([PYTHON_DIR / 'architecture.py', '--project-dir', EXAMPLE, 'resolve', '--command', 'verify',
                     '--name', 'web'], tmp_path)
    assert completed.returncode == 0
    assert completed.stdout.splitlines()[2] == f'executable: {MAVEN} "verify -pl web"'


def test_resolve_unknown_module():
    completed = architecture(['resolve', '--command', 'verify', '--name', 'cor'])
    assert completed.returncode == 1 and completed.stdout == ''
    assert "Module 'cor' not found" in completed.stderr
    assert 'core' in completed.stderr and 'service' in completed.stderr


def test_resolve_unknown_command():
    completed = architecture(['resolve', '--command', 'verfy', '--name', 'core'])
    assert completed.returncode == 1 and completed.stdout == ''
    assert "Command 'verfy' not found" in completed.stderr and "'verify'" in completed.stderr


def test_resolve_missing_derived_data(project):
    completed = architecture(['resolve', '--command', 'verify'], cwd=project)
    assert completed.returncode == 1 and completed.stdout == ''
    assert 'derived-data.json not found' in completed.stderr


@pytest.mark.parametrize('content', ['{"modules": ', '[]', '{"project": {}}', ''])
def test_resolve_malformed_derived_data(project, content):
    folder = project / '.plan' / 'project-architecture'
    folder.mkdir(parents=True)
    (folder / 'derived-data.json').write_text(content)
    completed = architecture(['resolve', '--command', 'verify'], cwd=project)
    assert completed.returncode == 1 and completed.stdout == ''
    assert 'derived-data.json' in completed.stderr
    for query in (['modules'], ['commands'], ['module']):
        queried = architecture(query, cwd=project)
        assert queried.returncode == 1 and 'derived-data.json' in queried.stderr


def test_resolve_command_object_and_plan_dir_name(project):
    folder = project / '.plan-alt' / 'project-architecture'
    folder.mkdir(parents=True)
    (folder / 'derived-data.json').write_text(json.dumps({'modules': {
        'app': {'name': 'app', 'paths': {'module': ''}, 'commands': {'verify': {'executable': 'make check'}}}}}))
    completed = architecture(['resolve', '--command', 'verify'], cwd=project,
                             env=subprocess_env(PLAN_DIR_NAME='.plan-alt'))
    assert completed.stdout == 'module: app\ncommand: verify\nexecutable: make check\n'


def test_resolve_usage_error():
    completed = architecture(['resolve'])
    assert completed.returncode == 2 and '--command' in completed.stderr


def test_modules():
    completed = architecture(['modules'])
    assert completed.stdout == 'modules[4]:\n  - maven-multi\n  - core\n  - service\n  - web\n'
    filtered = architecture(['modules', '--command', 'coverage'])
    assert filtered.stdout == 'command: coverage\n\nmodules[0]:\n'


def test_commands():
    completed = architecture(['commands', '--name', 'core'])
    lines = completed.stdout.splitlines()
    assert lines[:3] == ['module: core', '', 'commands[8]{name,description}:']
    assert [line.split('\t')[0] for line in lines[3:]] == [
        'clean', 'compile', 'test-compile', 'module-tests', 'verify', 'install', 'clean-install', 'package']
    assert architecture(['commands']).stdout.startswith('module: maven-multi\n')


def test_module():
    completed = architecture(['module', '--name', 'service'])
    assert completed.returncode == 0
    text = completed.stdout
    assert text.startswith('module:\n  name: service\n  path: service\n')
    assert '  sources[1]:\n    - service/src/main/java\n' in text
    assert '  descriptor: service/pom.xml\n' in text
    assert 'commands[8]:\n  - clean\n' in text


def test_queries_unknown_module():
    for query in (['commands', '--name', 'wbe'], ['module', '--name', 'wbe']):
        completed = architecture(query)
        assert completed.returncode == 1 and completed.stdout == ''
        assert "Module 'wbe' not found" in completed.stderr and "'web'" in completed.stderr


def test_example_is_untouched():
    before = (EXAMPLE / '.plan' / 'project-architecture' / 'derived-data.json').read_bytes()
    architecture(['module'])
    assert (EXAMPLE / '.plan' / 'project-architecture' / 'derived-data.json').read_bytes() == before


def test_project_dir_option_wins_over_plan_base_dir(tmp_path):
    # Like bin/planbuild --project-dir: the option names the project even when PLAN_BASE_DIR is set.
    completed = run([PYTHON_DIR / 'architecture.py', '--project-dir', EXAMPLE, 'resolve', '--command', 'verify',
                     '--name', 'web'], tmp_path, subprocess_env(PLAN_BASE_DIR=str(tmp_path)))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[2] == f'executable: {MAVEN} "verify -pl web"'
