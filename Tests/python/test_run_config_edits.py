"""run_config beyond timeouts: warnings, profile mappings, extension defaults, init, validate —
the importable functions, the CLI's JSON answers (the contract's generation), bad input, and 16
concurrent writers."""

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


def answer(completed):
    assert completed.returncode == 0, completed.stderr
    reply = json.loads(completed.stdout)
    assert reply.pop('success') is True
    return reply


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
    first = answer(cli(project, 'init'))
    assert first['action'] == 'created'
    data = stored(project)
    assert data['version'] == 1 and data['commands'] == {} and data['profile_mappings'] == {}
    assert data['maven']['acceptable_warnings'] == {'transitive_dependency': [], 'plugin_compatibility': [],
                                                    'platform_specific': []}
    run_config.ext_defaults_set('k', 1, str(project))
    assert answer(cli(project, 'init'))['action'] == 'skipped'
    assert stored(project)['extension_defaults'] == {'k': 1}
    assert answer(cli(project, 'init', '--force'))['action'] == 'recreated'
    assert stored(project)['extension_defaults'] == {}


def test_validate(project):
    cli(project, 'init')
    checked = answer(cli(project, 'validate'))
    assert checked['valid'] is True
    assert checked['checks'][0] == {'check': 'json_syntax', 'passed': True, 'message': 'valid JSON'}
    write_run_configuration(project, {'version': 'one', 'commands': []})
    assert answer(cli(project, 'validate'))['valid'] is False
    write_run_configuration(project, '{"version": ')
    assert answer(cli(project, 'validate', '--file', '.plan/run-configuration.json'))['valid'] is False


def test_validate_missing_file(project):
    completed = cli(project, 'validate', '--file', 'nowhere.json')
    assert completed.returncode == 1
    assert json.loads(completed.stdout) == {'success': False, 'error': 'not_found', 'message': 'File not found: nowhere.json'}
    assert completed.stderr == 'error: File not found: nowhere.json\n'


def test_warning_add_list_remove(project):
    added = cli(project, 'warning', 'add', '--category', 'transitive_dependency', '--pattern', 'uses transitive')
    assert json.loads(added.stdout) == {'success': True, 'action': 'added', 'category': 'transitive_dependency',
                                        'pattern': 'uses transitive', 'build_system': 'maven'}
    again = answer(cli(project, 'warning', 'add', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert again['action'] == 'skipped' and again['reason'] == 'pattern already exists'
    answer(cli(project, 'warning', 'add', '--category', 'platform_specific', '--pattern', '^WARNING: sun',
             '--build-system', 'gradle'))
    listed = answer(cli(project, 'warning', 'list'))
    assert listed['categories'] == {'transitive_dependency': ['uses transitive'],
                                                'plugin_compatibility': [], 'platform_specific': []}
    one = answer(cli(project, 'warning', 'list', '--category', 'platform_specific', '--build-system', 'gradle'))
    assert one['patterns'] == ['^WARNING: sun']
    # the patterns the builds apply are the ones stored here
    assert _planbuild.checked('pb_query', {'what': 'patterns', 'system': 'gradle', 'project_dir': str(project)})[
        'patterns'] == ['^WARNING: sun']
    removed = answer(cli(project, 'warning', 'remove', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert removed['action'] == 'removed'
    missing = answer(cli(project, 'warning', 'remove', '--category', 'transitive_dependency', '--pattern', 'uses transitive'))
    assert missing['action'] == 'skipped' and missing['reason'] == 'pattern not found'
    assert stored(project)['maven']['acceptable_warnings']['transitive_dependency'] == []


def test_profile_mapping_cli(project):
    assert answer(cli(project, 'profile-mapping', 'set', '--profile-id', 'jfr', '--canonical', 'skip'))['action'] == 'added'
    updated = answer(cli(project, 'profile-mapping', 'set', '--profile-id', 'jfr', '--canonical', 'benchmark'))
    assert (updated['action'], updated['previous']) == ('updated', 'skip')
    assert answer(cli(project, 'profile-mapping', 'get', '--profile-id', 'jfr')) == {
        'profile_id': 'jfr', 'mapped': True, 'canonical': 'benchmark'}
    assert answer(cli(project, 'profile-mapping', 'get', '--profile-id', 'none'))['mapped'] is False
    batch = answer(cli(project, 'profile-mapping', 'batch-set', '--mappings-json', '{"jfr": "skip", "it": "integration-tests"}'))
    assert (batch['action'], batch['added'], batch['updated'], batch['total']) == ('batch_set', 1, 1, 2)
    listed = answer(cli(project, 'profile-mapping', 'list', '--canonical', 'skip'))
    assert (listed['filter'], listed['count'], listed['mappings']) == ('skip', 1, {'jfr': 'skip'})
    assert answer(cli(project, 'profile-mapping', 'remove', '--profile-id', 'jfr'))['previous'] == 'skip'
    assert answer(cli(project, 'profile-mapping', 'remove', '--profile-id', 'jfr'))['action'] == 'skipped'
    assert stored(project)['profile_mappings'] == {'it': 'integration-tests'}


def test_extension_defaults_cli(project):
    added = answer(cli(project, 'extension-defaults', 'set', '--key', 'k', '--value', '{"a": [1]}'))
    assert (added['action'], added['value']) == ('added', {'a': [1]})
    text = answer(cli(project, 'extension-defaults', 'set', '--key', 'k', '--value', 'plain words'))
    assert (text['action'], text['value']) == ('updated', 'plain words')
    skipped = answer(cli(project, 'extension-defaults', 'set-default', '--key', 'k', '--value', '3'))
    assert (skipped['action'], skipped['existing_value']) == ('skipped', 'plain words')
    assert answer(cli(project, 'extension-defaults', 'set-default', '--key', 'n', '--value', '3'))['action'] == 'added'
    assert answer(cli(project, 'extension-defaults', 'get', '--key', 'n')) == {
        'key': 'n', 'exists': True, 'value': 3}
    assert answer(cli(project, 'extension-defaults', 'get', '--key', 'zz'))['exists'] is False
    listed = answer(cli(project, 'extension-defaults', 'list'))
    assert (listed['count'], listed['keys']) == (2, ['k', 'n'])
    assert answer(cli(project, 'extension-defaults', 'remove', '--key', 'k'))['action'] == 'removed'
    assert answer(cli(project, 'extension-defaults', 'remove', '--key', 'k'))['action'] == 'skipped'
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
    reply = json.loads(completed.stdout)
    assert (reply['success'], reply['error']) == (False, code)
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
        assert answer(completed)['action'] == 'skipped'
    else:
        assert completed.returncode == 1
        assert json.loads(completed.stdout)['error'] == 'configuration_invalid'
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
                args = ['timeout', 'set', '--command', f'w{{number}}:{{index}}', '--duration', str(number * 100 + index + 1)]
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
    assert data['commands'] == {f'w{n}:{i}': {'timeout_seconds': n * 100 + i + 1} for n in range(0, 16, 2) for i in range(8)}


# --- limits of what is written ----------------------------------------------------------------

def test_a_value_past_the_read_limit_is_refused_and_nothing_changes(project):
    """A document larger than the 64 MiB PlanBuild reads would make every later build fail."""
    path = write_run_configuration(project, {'version': 1, 'commands': {'maven:verify': {'timeout_seconds': 60}}})
    before = path.read_bytes()
    with pytest.raises(_planbuild.PlanBuildError) as raised:
        run_config.ext_defaults_set('huge', 'x' * (64 << 20), str(project))
    assert raised.value.error == 'invalid_value'
    assert '64 MiB' in str(raised.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ['run-configuration.json']
    assert run_config.timeout_get('maven:verify', 10, str(project)) == 120
    run_config.ext_defaults_set('fits', 'y' * (1 << 20), str(project))
    assert len(run_config.ext_defaults_get('fits', str(project))) == 1 << 20


@pytest.mark.parametrize('minimum', [0, 0.5])
def test_validate_refuses_a_minimum_below_one_second(project, minimum):
    write_run_configuration(project, {'version': 1, 'commands': {'k': {'timeout_seconds': 0}},
                                      'timeout_policy': {'minimum_seconds': minimum}})
    checked = answer(cli(project, 'validate'))
    assert checked['valid'] is False
    checks = {check['check']: check for check in checked['checks']}
    assert checks['timeout_policy']['passed'] is False and 'minimum_seconds' in checks['timeout_policy']['message']
    assert checks['learned_timeouts']['passed'] is False
    # Not taken either: the default minimum applies, never a timeout of zero.
    assert run_config.timeout_get('k', 3, str(project)) == 120
