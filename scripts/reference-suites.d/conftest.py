"""Test set-up for running plan-marshall's own test files against PlanBuild's python/ folder.

Written for the reference-suite harness (scripts/reference-suites), not taken from plan-marshall:
it offers the names those test files import from their root conftest (run_script, get_script_path,
load_script_module, PlanContext, BuildContext, the plan_context fixture, …) with the behaviour their
documentation describes. The harness has copied python/ into a marketplace layout
(marketplace/bundles/<bundle>/skills/<skill>/scripts/) next to this test/ folder, so every script
runs from the place its notation names, as it would in a project.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

TEST_ROOT = Path(__file__).parent
PROJECT_ROOT = TEST_ROOT.parent
MARKETPLACE_ROOT = PROJECT_ROOT / 'marketplace' / 'bundles'
PLAN_DIR_NAME = '.plan'
GENERATION = os.environ.get('REFSUITE_GENERATION', 'today')


def _script_dirs():
    found = []
    for scripts in sorted(MARKETPLACE_ROOT.glob('*/skills/*/scripts')):
        found.append(str(scripts))
        found.extend(str(child) for child in sorted(scripts.iterdir())
                     if child.is_dir() and not child.name.startswith(('.', '__')))
    return found


_MARKETPLACE_SCRIPT_DIRS = _script_dirs()
for _folder in reversed(_MARKETPLACE_SCRIPT_DIRS + [str(TEST_ROOT / 'plan-marshall')]):
    if _folder not in sys.path:
        sys.path.insert(0, _folder)


class ScriptResult:
    """What a script run produced."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    @property
    def success(self):
        return self.returncode == 0

    def json(self):
        if not self.stdout.strip():
            raise ValueError(f'Empty stdout. stderr: {self.stderr}')
        return json.loads(self.stdout)

    def toon(self):
        from toon_parser import parse_toon
        if not self.stdout.strip():
            raise ValueError(f'Empty stdout. stderr: {self.stderr}')
        return parse_toon(self.stdout)

    def json_or_error(self):
        if self.stdout.strip():
            return json.loads(self.stdout)
        if self.stderr.strip():
            return json.loads(self.stderr)
        return {'error': 'No output'}

    def toon_or_error(self):
        from toon_parser import parse_toon
        if self.stdout.strip():
            return parse_toon(self.stdout)
        if self.stderr.strip():
            return parse_toon(self.stderr)
        return {'error': 'No output'}


def run_script(script_path, *args, input_data=None, cwd=None, timeout=30, env_overrides=None):
    """Run ``python3 script args…`` with the marketplace folders on PYTHONPATH."""
    env = os.environ.copy()
    path = os.pathsep.join(_MARKETPLACE_SCRIPT_DIRS)
    env['PYTHONPATH'] = path + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    env.update(env_overrides or {})
    completed = subprocess.run([sys.executable, str(script_path), *args], capture_output=True, text=True,
                               input=input_data, cwd=cwd, timeout=timeout, env=env)
    return ScriptResult(completed.returncode, completed.stdout, completed.stderr)


def get_scripts_dir(bundle, skill):
    folder = MARKETPLACE_ROOT / bundle / 'skills' / skill / 'scripts'
    if not folder.is_dir():
        raise FileNotFoundError(f'Scripts dir not found: {folder}')
    return folder


def get_script_path(bundle, skill, script):
    path = MARKETPLACE_ROOT / bundle / 'skills' / skill / 'scripts' / script
    if not path.exists():
        raise FileNotFoundError(f'Script not found: {path}')
    return path


def load_script_module(bundle, skill, script_file, module_name=None, register=True):
    path = get_scripts_dir(bundle, skill) / script_file
    if not path.is_file():
        raise FileNotFoundError(f'Script not found: {path}')
    name = module_name or path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f'Could not create import spec for {path}')
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def create_temp_file(content, suffix='.md', dir=None):
    handle, path = tempfile.mkstemp(suffix=suffix, dir=dir)
    with os.fdopen(handle, 'w') as stream:
        stream.write(content)
    return Path(path)


def create_temp_dir():
    return Path(tempfile.mkdtemp())


class _EnvironmentSwap:
    def __init__(self, **values):
        self.values = values
        self.saved = {}

    def apply(self):
        for name, value in self.values.items():
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value

    def restore(self):
        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class PlanContext:
    """A fresh fixture folder as PLAN_BASE_DIR, with plans/{plan_id}/ inside."""

    __test__ = False

    def __init__(self, plan_id='test-plan'):
        self.plan_id = plan_id
        self.fixture_dir = None
        self.plan_dir = None
        self._swap = None

    def __enter__(self):
        self.fixture_dir = Path(tempfile.mkdtemp(prefix='refsuite-plan-'))
        self.plan_dir = self.fixture_dir / 'plans' / self.plan_id
        self.plan_dir.mkdir(parents=True)
        self._swap = _EnvironmentSwap(PLAN_BASE_DIR=str(self.fixture_dir), PLAN_DIR_NAME=PLAN_DIR_NAME)
        self._swap.apply()
        return self

    def __exit__(self, *exc):
        self._swap.restore()
        shutil.rmtree(self.fixture_dir, ignore_errors=True)


class BuildContext:
    """A fresh project folder with .plan/marshal.json; today's generation also points PLAN_BASE_DIR
    at its .plan folder, as that generation's own harness does."""

    __test__ = False

    def __init__(self, modules=None, module_details=None):
        self.temp_dir = None
        self.plan_dir = None
        self._swap = None

    def __enter__(self):
        self.temp_dir = Path(tempfile.mkdtemp(prefix='refsuite-build-'))
        self.plan_dir = self.temp_dir / '.plan'
        self.plan_dir.mkdir()
        (self.plan_dir / 'marshal.json').write_text(json.dumps({'skill_domains': {'system': {}}}))
        if GENERATION == 'today':
            self._swap = _EnvironmentSwap(PLAN_BASE_DIR=str(self.plan_dir))
            self._swap.apply()
        return self

    def __exit__(self, *exc):
        if self._swap:
            self._swap.restore()
        shutil.rmtree(self.temp_dir, ignore_errors=True)


@pytest.fixture
def plan_context(tmp_path, monkeypatch):
    """PLAN_BASE_DIR = tmp_path, with plans/pytest-test/ made."""
    monkeypatch.setenv('PLAN_BASE_DIR', str(tmp_path))
    monkeypatch.setenv('PLAN_DIR_NAME', PLAN_DIR_NAME)
    plans = tmp_path / 'plans'
    (plans / 'pytest-test').mkdir(parents=True, exist_ok=True)

    class Context:
        fixture_dir = tmp_path
        plans_dir = plans
        plan_id = 'pytest-test'
        plan_dir = plans / 'pytest-test'

        def plan_dir_for(self, plan_id):
            folder = plans / plan_id
            folder.mkdir(parents=True, exist_ok=True)
            return folder

    return Context()


@pytest.fixture(autouse=True)
def _restore_cwd():
    cwd = os.getcwd()
    yield
    if os.getcwd() != cwd:
        os.chdir(cwd)


@pytest.fixture(autouse=True)
def _plan_base_dir_sandbox(tmp_path_factory, monkeypatch):
    """Today's generation runs every test with PLAN_BASE_DIR in a fresh sandbox (its own harness
    does the same); the SPEC generation's harness set nothing."""
    if GENERATION == 'today':
        monkeypatch.setenv('PLAN_BASE_DIR', str(tmp_path_factory.mktemp('plan-base-sandbox')))
        monkeypatch.setenv('PLAN_DIR_NAME', PLAN_DIR_NAME)
    yield
