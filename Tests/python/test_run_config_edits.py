"""run_config beyond timeouts: warnings, profile mappings, extension defaults, init, validate —
the importable functions, the CLI's TOON lines, bad input, and 16 concurrent writers."""

import json
import subprocess
import textwrap

import pytest

import _planbuild
import run_config
from conftest import PYTHON, PYTHON_DIR, run, subprocess_env, write_run_configuration

SCRIPT = PYTHON_DIR / 'run_config.py'


def stored(project):
    return json.loads((project / '.plan' / 'run-configuration.json').read_text())


def cli(project, *args):
    return run([SCRIPT, *args], project)


def toon(completed):
    assert completed.returncode == 0, completed.stderr
    return dict(line.split('\t', 1) for line in completed.stdout.splitlines())


# --- importable functions -------------------------------------------------------------------

def test_ext_defaults_functions(project):
    assert run_config.ext_defaults_get('build.tool', str(project)) is None
    assert run_config.ext_defaults_list(str(project)) == {}
    assert run_config.ext_defaults_set_default('build.tool', {'name': 'maven', 'jobs': 2}, str(project)) is True
    assert run_config.ext_defaults_set_default('build.tool', 'other', str(project)) is False
    assert run_config.ext_defaults_get('build.tool', str(project)) == {'name': 'maven', 'jobs': 2}
    run_config.ext_defaults_set('build.tool', [1, 'a'], str(project))
    run_config.ext_defaults_set('flag', True, str(project))
    assert run_config.ext_defaults_list(str(project)) == {'build.tool': [1, 'a'], 'flag': True}


def test_profile_mapping_functions(project):
    assert run_config.profile_mapping_get('jfr', str(project)) is None
    assert run_config.profile_mapping_get_all(str(project)) == {}
    run_config.profile_mapping_set('jfr', 'skip', str(project))
    run_config.profile_mapping_set('it', 'integration-tests', str(project))
    assert run_config.profile_mapping_get('jfr', str(project)) == 'skip'
    assert run_config.profile_mapping_get_all(str(project)) == {'jfr': 'skip', 'it': 'integration-tests'}
    with pytest.raises(ValueError, match="Invalid canonical 'deploy'"):
        run_config.profile_mapping_set('x', 'deploy', str(project))
    assert run_config.profile_mapping_get('x', str(project)) is None


def test_functions_keep_unknown_keys(project):
    write_run_configuration(project, {'version': 1, 'commands': {'a': {'timeout_seconds': 9}}, 'custom': {'z': [1]},
                                      'extension_defaults': {'old': 1}})
    run_config.ext_defaults_set('new', 2, str(project))
    run_config.profile_mapping_set('p', 'coverage', str(project))
    data = stored(project)
    assert data['custom'] == {'z': [1]} and data['commands'] == {'a': {'timeout_seconds': 9}}
    assert data['extension_defaults'] == {'old': 1, 'new': 2} and data['profile_mappings'] == {'p': 'coverage'}


def test_functions_refuse_a_malformed_file(project):
    path = write_run_configuration(project, '{"extension_defaults": ')
    before = path.read_bytes()
    with pytest.raises(_planbuild.PlanBuildError, match='not valid JSON'):
        run_config.ext_defaults_set('k', 1, str(project))
    with pytest.raises(_planbuild.PlanBuildError):
        run_config.profile_mapping_get('k', str(project))
    assert path.read_bytes() == before


# --- CLI --------------------------------------------------------------------------------------

def test_init_and_force(project):
    first = toon(cli(project, 'init'))
    assert first['action'] == 'created'
    data = stored(project)
    assert data['version'] == 1 and data['commands'] == {} and data['profile_mappings'] == {}
    assert data['maven']['acceptable_warnings'] == {'transitive_dependency': [], 'plugin_compatibility': [],
                                                    'platform_specific': []}
    run_config.ext_defaults_set('k', 1, str(project))
    assert toon(cli(project, 'init'))['action'] == 'skipped'
    assert stored(project)['extension_defaults'] == {'k': 1}
    assert toon(cli(project, 'init', '--force'))['action'] == 'recreated'
    assert stored(project)['extension_defaults'] == {}


def test_validate(project):
    cli(project, 'init')
    answer = toon(cli(project, 'validate'))
    assert answer['valid'] == 'true'
    assert json.loads(answer['checks'])[0] == {'check': 'json_syntax', 'passed': True, 'message': 'valid JSON'}
    write_run_configuration(project, {'version': 'one', 'commands': []})
    assert toon(cli(project, 'validate'))['valid'] == 'false'
    write_run_configuration(project, '{"version": ')
    assert toon(cli(project, 'validate', '--file', '.plan/run-configuration.json'))['valid'] == 'false'


def test_validate_missing_file(project):
    completed = cli(project, 'validate', '--file', 'nowhere.json')
    assert completed.returncode == 1
    assert completed.stdout == 'status\terror\nerror\tnot_found\n'
    assert completed.stderr == 'error: file not found: nowhere.json\n'


def test_warning_add_list_remove(project):
    added = cli(project, 'warning', 'add', '--category', 'transitive_dependency', '--pattern', 'uses transitive')
    assert added.stdout == ('status\tsuccess\naction\tadded\ncategory\ttransitive_dependency\n'
                            'pattern\tuses transitive\nbuild_system\tmaven\n')
    again = toon(cli(project, 'warning', 'add', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert again['action'] == 'skipped' and again['reason'] == 'pattern already exists'
    toon(cli(project, 'warning', 'add', '--category', 'platform_specific', '--pattern', '^WARNING: sun',
             '--build-system', 'gradle'))
    listed = toon(cli(project, 'warning', 'list'))
    assert json.loads(listed['categories']) == {'transitive_dependency': ['uses transitive'],
                                                'plugin_compatibility': [], 'platform_specific': []}
    one = toon(cli(project, 'warning', 'list', '--category', 'platform_specific', '--build-system', 'gradle'))
    assert json.loads(one['patterns']) == ['^WARNING: sun']
    # the patterns the builds apply are the ones stored here
    assert _planbuild.checked('pb_query', {'what': 'patterns', 'system': 'gradle', 'project_dir': str(project)})[
        'patterns'] == ['^WARNING: sun']
    removed = toon(cli(project, 'warning', 'remove', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert removed['action'] == 'removed'
    missing = toon(cli(project, 'warning', 'remove', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert missing['action'] == 'skipped' and missing['reason'] == 'pattern not found'
    assert stored(project)['maven']['acceptable_warnings']['transitive_dependency'] == []


def test_profile_mapping_cli(project):
    assert toon(cli(project, 'profile-mapping', 'set', '--profile-id', 'jfr', '--canonical', 'skip'))['action'] == 'added'
    updated = toon(cli(project, 'profile-mapping', 'set', '--profile-id', 'jfr', '--canonical', 'benchmark'))
    assert (updated['action'], updated['previous']) == ('updated', 'skip')
    assert toon(cli(project, 'profile-mapping', 'get', '--profile-id', 'jfr')) == {
        'status': 'success', 'profile_id': 'jfr', 'mapped': 'true', 'canonical': 'benchmark'}
    assert toon(cli(project, 'profile-mapping', 'get', '--profile-id', 'none'))['mapped'] == 'false'
    batch = toon(cli(project, 'profile-mapping', 'batch-set', '--mappings-json', '{"jfr": "skip", "it": "integration-tests"}'))
    assert (batch['action'], batch['added'], batch['updated'], batch['total']) == ('batch_set', '1', '1', '2')
    listed = toon(cli(project, 'profile-mapping', 'list', '--canonical', 'skip'))
    assert (listed['filter'], listed['count'], json.loads(listed['mappings'])) == ('skip', '1', {'jfr': 'skip'})
    assert toon(cli(project, 'profile-mapping', 'remove', '--profile-id', 'jfr'))['previous'] == 'skip'
    assert toon(cli(project, 'profile-mapping', 'remove', '--profile-id', 'jfr'))['action'] == 'skipped'
    assert stored(project)['profile_mappings'] == {'it': 'integration-tests'}


def test_extension_defaults_cli(project):
    added = toon(cli(project, 'extension-defaults', 'set', '--key', 'k', '--value', '{"a": [1]}'))
    assert (added['action'], json.loads(added['value'])) == ('added', {'a': [1]})
    text = toon(cli(project, 'extension-defaults', 'set', '--key', 'k', '--value', 'plain words'))
    assert (text['action'], text['value']) == ('updated', 'plain words')
    skipped = toon(cli(project, 'extension-defaults', 'set-default', '--key', 'k', '--value', '3'))
    assert (skipped['action'], skipped['existing_value']) == ('skipped', 'plain words')
    assert toon(cli(project, 'extension-defaults', 'set-default', '--key', 'n', '--value', '3'))['action'] == 'added'
    assert toon(cli(project, 'extension-defaults', 'get', '--key', 'n')) == {
        'status': 'success', 'key': 'n', 'exists': 'true', 'value': '3'}
    assert toon(cli(project, 'extension-defaults', 'get', '--key', 'zz'))['exists'] == 'false'
    listed = toon(cli(project, 'extension-defaults', 'list'))
    assert (listed['count'], json.loads(listed['keys'])) == ('2', ['k', 'n'])
    assert toon(cli(project, 'extension-defaults', 'remove', '--key', 'k'))['action'] == 'removed'
    assert toon(cli(project, 'extension-defaults', 'remove', '--key', 'k'))['action'] == 'skipped'
    assert stored(project)['extension_defaults'] == {'n': 3}


@pytest.mark.parametrize('args', [
    ['--help'], ['-h'], ['init', '--help'], ['validate', '--help'], ['timeout', '--help'], ['timeout', 'get', '--help'],
    ['warning', '--help'], ['warning', 'add', '--help'], ['profile-mapping', '--help'],
    ['profile-mapping', 'batch-set', '-h'], ['extension-defaults', '--help'], ['extension-defaults', 'set', '--help'],
])
def test_help_everywhere(project, args):
    completed = cli(project, *args)
    assert completed.returncode == 0 and completed.stdout.startswith('usage: run_config.py'), completed.stderr


@pytest.mark.parametrize('args, code', [
    (['warning', 'add', '--category', 'bogus', '--pattern', 'p'], 'invalid_category'),
    (['warning', 'list', '--category', 'bogus'], 'invalid_category'),
    (['warning', 'remove', '--category', 'nope', '--pattern', 'p'], 'invalid_category'),
    (['profile-mapping', 'set', '--profile-id', 'p', '--canonical', 'deploy'], 'invalid_value'),
    (['profile-mapping', 'batch-set', '--mappings-json', '{"a": "skip"'], 'invalid_value'),
    (['profile-mapping', 'batch-set', '--mappings-json', '["skip"]'], 'invalid_value'),
    (['profile-mapping', 'batch-set', '--mappings-json', '{"a": "skip", "b": "deploy"}'], 'invalid_value'),
])
def test_bad_arguments_leave_the_file_alone(project, args, code):
    path = write_run_configuration(project, {'version': 1, 'commands': {}, 'profile_mappings': {'a': 'coverage'}})
    before = path.read_bytes()
    completed = cli(project, *args)
    assert completed.returncode == 1
    assert completed.stdout == f'status\terror\nerror\t{code}\n'
    assert completed.stderr.startswith('error: ') and completed.stderr.count('\n') == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize('args', [
    ['warning', 'add', '--category', 'platform_specific', '--pattern', 'p'], ['warning', 'list'],
    ['profile-mapping', 'set', '--profile-id', 'p', '--canonical', 'skip'], ['extension-defaults', 'list'],
    ['extension-defaults', 'set', '--key', 'k', '--value', '1'], ['init'],
])
def test_malformed_file_is_reported_and_kept(project, args):
    path = write_run_configuration(project, '{"maven": {')
    before = path.read_bytes()
    completed = cli(project, *args)
    if args == ['init']:  # an existing file, even a broken one, is only replaced with --force
        assert toon(completed)['action'] == 'skipped'
    else:
        assert completed.returncode == 1
        assert completed.stdout == 'status\terror\nerror\tconfiguration_invalid\n'
        assert 'not valid JSON' in completed.stderr
    assert path.read_bytes() == before


def test_a_list_of_accepted_warnings_is_not_rewritten(project):
    path = write_run_configuration(project, {'maven': {'acceptable_warnings': ['old form']}})
    before = path.read_bytes()
    completed = cli(project, 'warning', 'add', '--category', 'platform_specific', '--pattern', 'p')
    assert completed.returncode == 1 and 'acceptable_warnings' in completed.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize('args', [
    ['warning'], ['warning', 'purge'], ['warning', 'add', '--pattern', 'p'], ['profile-mapping', 'get'],
    ['extension-defaults', 'set', '--key', 'k'], ['validate', '--bogus', 'x'], ['nothing'],
])
def test_usage_errors(project, args):
    completed = cli(project, *args)
    assert completed.returncode == 2 and completed.stderr.startswith('usage: run_config.py')


def test_sixteen_processes_warning_add_and_timeout_set(project):
    write_run_configuration(project, {'version': 1, 'custom': {'kept': True}})
    worker = textwrap.dedent(f"""
        import subprocess, sys
        number = int(sys.argv[1])
        for index in range(8):
            if number % 2:
                args = ['warning', 'add', '--category', 'platform_specific', '--pattern', f'p{{number}}-{{index}}']
            else:
                args = ['timeout', 'set', '--command', f'w{{number}}:{{index}}', '--duration', str(number * 100 + index)]
            completed = subprocess.run([sys.executable, {str(SCRIPT)!r}, *args], capture_output=True, text=True)
            if completed.returncode != 0:
                sys.exit(completed.stderr)
    """)
    processes = [subprocess.Popen([PYTHON, '-c', worker, str(number)], cwd=str(project), env=subprocess_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for number in range(16)]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    data = stored(project)
    assert data['custom'] == {'kept': True}
    patterns = data['maven']['acceptable_warnings']['platform_specific']
    assert sorted(patterns) == sorted(f'p{n}-{i}' for n in range(1, 16, 2) for i in range(8))
    assert data['commands'] == {f'w{n}:{i}': {'timeout_seconds': n * 100 + i} for n in range(0, 16, 2) for i in range(8)}
