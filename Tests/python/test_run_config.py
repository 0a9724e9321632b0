"""run_config: timeout_get/timeout_set/compute_weighted_timeout, the CLI, PLAN_BASE_DIR, concurrency."""

import json
import subprocess
import textwrap

import pytest

import _planbuild
import run_config
from conftest import EXECUTE_SCRIPT, PYTHON, PYTHON_DIR, run, subprocess_env, write_run_configuration

RUN_CONFIG = 'plan-marshall:run-config:run_config'


def stored(project):
    return json.loads((project / '.plan' / 'run-configuration.json').read_text())


def test_constants():
    assert run_config.SAFETY_MARGIN == 1.25
    assert run_config.HIGHER_WEIGHT == 0.80
    assert run_config.MINIMUM_TIMEOUT_SECONDS == 120


def test_compute_weighted_timeout():
    assert run_config.compute_weighted_timeout(45, 50) == 49
    assert run_config.compute_weighted_timeout(50, 45) == 49
    assert run_config.compute_weighted_timeout(100, 100) == 100
    assert run_config.compute_weighted_timeout(0, 10) == 8


def test_get_without_learned_value(project):
    assert run_config.timeout_get('maven:verify', 300, str(project)) == 300
    assert run_config.timeout_get('maven:verify', 30, str(project)) == 120


def test_set_then_get(project):
    assert run_config.timeout_set('maven:verify', 45, str(project)) is None
    assert stored(project)['commands']['maven:verify']['timeout_seconds'] == 45
    run_config.timeout_set('maven:verify', 50, str(project))
    assert stored(project)['commands']['maven:verify']['timeout_seconds'] == 49
    assert run_config.timeout_get('maven:verify', 300, str(project)) == 120  # max(120, int(49 × 1.25))
    run_config.timeout_set('slow', 400, str(project))
    assert run_config.timeout_get('slow', 10, str(project)) == 500


def test_set_keeps_unrelated_keys(project):
    write_run_configuration(project, {'version': 1, 'commands': {'other': {'timeout_seconds': 7, 'note': 'x'}},
                                      'maven': {'acceptable_warnings': ['a']}, 'custom': [1, 2]})
    run_config.timeout_set('maven:verify', 60, str(project))
    data = stored(project)
    assert data['commands']['other'] == {'timeout_seconds': 7, 'note': 'x'}
    assert data['maven'] == {'acceptable_warnings': ['a']} and data['custom'] == [1, 2]
    assert data['commands']['maven:verify']['timeout_seconds'] == 60


def test_plan_base_dir_wins(project, tmp_path, monkeypatch):
    monkeypatch.setenv('PLAN_BASE_DIR', str(project))
    other = tmp_path / 'other'
    other.mkdir()
    run_config.timeout_set('k', 200, str(other))
    assert not (other / '.plan').exists()
    assert stored(project)['commands']['k']['timeout_seconds'] == 200
    assert run_config.timeout_get('k', 1, str(other)) == 250


def test_plan_dir_name(project, monkeypatch):
    monkeypatch.setenv('PLAN_DIR_NAME', '.plan-alt')
    run_config.timeout_set('k', 130, str(project))
    assert json.loads((project / '.plan-alt' / 'run-configuration.json').read_text())['commands']['k'] == {
        'timeout_seconds': 130}


def test_malformed_file_raises_and_is_left_alone(project):
    path = write_run_configuration(project, '{"version": 1, "commands": {')
    before = path.read_bytes()
    with pytest.raises(_planbuild.PlanBuildError) as raised:
        run_config.timeout_set('k', 5, str(project))
    assert raised.value.error == 'configuration_invalid'
    with pytest.raises(ValueError):
        run_config.timeout_get('k', 5, str(project))
    assert path.read_bytes() == before


def test_cli_get_prints_the_number_alone(project):
    completed = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', 'get', '--command', 'ci:pr', '--default', '300'],
                    project)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, '300\n', '')
    completed = run([PYTHON_DIR / 'run_config.py', 'timeout', 'get', '--command', 'ci:pr', '--default', '5'],
                    project)
    assert completed.stdout == '120\n'


def test_cli_set_prints_toon(project):
    first = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', 'set', '--command', 'ci:pr', '--duration', '45'], project)
    assert first.returncode == 0
    assert first.stdout == 'status\tsuccess\ntimeout_seconds\t45\nsource\tinitial\n'
    second = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', 'set', '--command', 'ci:pr', '--duration', '50'], project)
    assert second.stdout == 'status\tsuccess\ntimeout_seconds\t49\nprevious_seconds\t45\nsource\tcomputed\n'
    third = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', 'get', '--command', 'ci:pr', '--default', '1'], project)
    assert third.stdout == '120\n'


def test_cli_follows_plan_base_dir(project, tmp_path):
    env = subprocess_env(PLAN_BASE_DIR=str(project))
    completed = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', 'set', '--command', 'x', '--duration', '200'],
                    tmp_path, env)
    assert completed.returncode == 0
    assert stored(project)['commands']['x'] == {'timeout_seconds': 200}


def test_cli_malformed_file(project):
    path = write_run_configuration(project, '{"commands": [')
    before = path.read_bytes()
    for args in (['get', '--command', 'k', '--default', '5'], ['set', '--command', 'k', '--duration', '5']):
        completed = run([EXECUTE_SCRIPT, RUN_CONFIG, 'timeout', *args], project)
        assert completed.returncode == 1
        assert 'run-configuration.json' in completed.stderr and 'not valid JSON' in completed.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize('args', [
    [], ['timeout'], ['timeout', 'get'], ['timeout', 'get', '--command', 'k'],
    ['timeout', 'set', '--command', 'k', '--duration', 'soon'], ['timeout', 'set', '--bogus', '1'],
])
def test_cli_usage_errors(project, args):
    completed = run([EXECUTE_SCRIPT, RUN_CONFIG, *args], project)
    assert completed.returncode == 2
    assert completed.stderr.startswith('usage: run_config.py')


def test_concurrent_setters_lose_nothing(project):
    write_run_configuration(project, {'version': 1, 'commands': {'keep:me': {'timeout_seconds': 11}},
                                      'maven': {'acceptable_warnings': {'platform_specific': ['x']}},
                                      'profile_mappings': {'jfr': 'skip'}})
    worker = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PYTHON_DIR)!r})
        import run_config
        worker = int(sys.argv[1])
        for index in range(50):
            run_config.timeout_set(f'worker{{worker}}:key{{index}}', worker * 100 + index + 1, {str(project)!r})
    """)
    processes = [subprocess.Popen([PYTHON, '-c', worker, str(number)], env=subprocess_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for number in range(16)]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    data = stored(project)
    commands = data['commands']
    for number in range(16):
        for index in range(50):
            assert commands[f'worker{number}:key{index}'] == {'timeout_seconds': number * 100 + index + 1}
    assert len(commands) == 801
    assert commands['keep:me'] == {'timeout_seconds': 11}
    assert data['maven'] == {'acceptable_warnings': {'platform_specific': ['x']}}
    assert data['profile_mappings'] == {'jfr': 'skip'} and data['version'] == 1
    leftovers = [p.name for p in (project / '.plan').iterdir() if p.name not in ('run-configuration.json', 'temp')]
    assert leftovers == []


def test_a_build_shorter_than_a_second_learns_one_second(project):
    write_run_configuration(project, {'version': 1, 'timeout_policy': {'minimum_seconds': 1}})
    run_config.timeout_set('fast', 0, str(project))
    assert stored(project)['commands']['fast']['timeout_seconds'] == 1
    assert run_config.timeout_get('fast', 0, str(project)) == 1


def test_out_of_range_learned_values_do_not_crash(project):
    write_run_configuration(project, {'version': 1, 'commands': {
        'huge': {'timeout_seconds': 9223372036854775807}, 'negative': {'timeout_seconds': -9223372036854775808},
        'float': {'timeout_seconds': 1e300}}})
    assert run_config.timeout_get('huge', 10, str(project)) == 31_536_000  # a year at most
    assert run_config.timeout_get('negative', 10, str(project)) == 120     # nothing learned
    assert run_config.timeout_get('float', 10, str(project)) == 120
    run_config.timeout_set('huge', 5, str(project))
    run_config.timeout_set('negative', 5, str(project))
    assert stored(project)['commands']['negative']['timeout_seconds'] == 5
