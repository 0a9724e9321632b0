"""scripts/make-fixtures: the committed corpus is what its cases say (no tool runs: the expectations
are made from the cases and the committed projects, and compared with the committed ones)."""

import json
import subprocess
import sys

from conftest import REPO

MAKE_FIXTURES = REPO / 'scripts' / 'make-fixtures'
FIXTURES = REPO / 'Tests' / 'Fixtures'


def test_committed_expectations_are_what_the_cases_say():
    completed = subprocess.run([sys.executable, MAKE_FIXTURES, '--check'], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert ' 0 expectations differ' in completed.stdout


def test_every_case_has_a_committed_project_and_log():
    listed = subprocess.run([sys.executable, MAKE_FIXTURES, '--list'], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    keys = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    assert len(keys) == len(set(keys)) > 100
    for key in keys:
        log = FIXTURES / 'logs' / f'{key}.log'
        assert log.is_file(), key
        assert json.loads(log.with_name(log.name.replace('.log', '.expected.json')).read_text())['tool'] == key.split('/')[0]

