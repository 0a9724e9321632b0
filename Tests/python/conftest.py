"""Shared fixtures of the Python shim tests.

The tests build nothing: they use the libplanbuild.so that `swift build` (or `swift build -c release`)
produced, or the one PLANBUILD_LIBRARY names. Without a library the whole session stops with the
loader's message — no test is skipped.
"""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Builds run in the test's own process unless a test asks for the build server (the server tests
# start their own, each in its own runtime folder): a server the user runs must not serve the tests.
os.environ["PLANBUILD_EXECUTION_MODE"] = "in_process"

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO / 'python'
EXECUTE_SCRIPT = REPO / '.plan' / 'execute-script.py'
EXAMPLE = REPO / 'examples' / 'maven-multi'
PYTHON = sys.executable

sys.path.insert(0, str(PYTHON_DIR))
sys.path.insert(0, str(REPO / 'Tests' / 'support'))

import _planbuild  # noqa: E402
from checkout_copy import copy_tracked  # noqa: E402,F401  (the tests import it from here)
from tool_jvm import use_quick_start  # noqa: E402

use_quick_start()

MAVEN_FAILURE_LOG = """\
[INFO] Scanning for projects...
[INFO] --------------------------< com.example:core >--------------------------
[WARNING] /p/core/src/main/java/com/example/core/TextUtils.java:[12,24] [deprecation] isSpace(char) in Character has been deprecated
[WARNING] /p/core/src/main/java/com/example/core/TextUtils.java:[20,5] [unchecked] unchecked call to add(E) as a member of the raw type List
[INFO]  T E S T S
[INFO] Results:
[WARNING] Tests run: 4, Failures: 0, Errors: 0, Skipped: 1
[INFO] --------------------------< com.example:service >-----------------------
[ERROR] COMPILATION ERROR : 
[ERROR] /p/service/src/main/java/com/example/service/OrderService.java:[19,22] cannot find symbol
  symbol:   method calculateTotl(int)
  location: class com.example.service.OrderService
[INFO] 1 error
[INFO] BUILD FAILURE
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project service: Compilation failure
[ERROR] /p/service/src/main/java/com/example/service/OrderService.java:[19,22] cannot find symbol
[ERROR]   symbol:   method calculateTotl(int)
[ERROR]   location: class com.example.service.OrderService
[ERROR] -> [Help 1]
[ERROR] Re-run Maven using the -X switch to enable full debug logging.
"""


def pytest_configure(config):
    config.addinivalue_line('markers', 'real_tool: runs a real build tool (Maven, npm, mypy, ruff, pytest); '
                                       '`bash scripts/test --quick` leaves these out')


def pytest_sessionstart(session):
    try:
        _planbuild.load()
    except _planbuild.LibraryUnavailable as error:
        pytest.exit(f'libplanbuild.so is required by these tests and could not be loaded: {error}', returncode=1)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """The tests decide themselves about the project conventions of the environment."""
    monkeypatch.delenv('PLAN_BASE_DIR', raising=False)
    monkeypatch.delenv('PLAN_DIR_NAME', raising=False)


def subprocess_env(**overrides):
    env = dict(os.environ)
    env.pop('PLAN_BASE_DIR', None)
    env.pop('PLAN_DIR_NAME', None)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(args, cwd, env=None, timeout=120, traceback_allowed=False):
    """Run ``python3 ARGS`` in ``cwd``; no run may print a traceback."""
    completed = subprocess.run([PYTHON, *map(str, args)], cwd=str(cwd), env=env or subprocess_env(),
                               capture_output=True, text=True, timeout=timeout)
    if not traceback_allowed:
        assert 'Traceback' not in completed.stderr, completed.stderr
        assert 'Traceback' not in completed.stdout, completed.stdout
    return completed


def execute_script(args, cwd, env=None, **kwargs):
    """``python3 .plan/execute-script.py ARGS`` (the repository's dispatcher) in ``cwd``."""
    return run([EXECUTE_SCRIPT, *args], cwd, env, **kwargs)


def write_tool(folder, name, body='', exit_code=0, executable=True):
    """A fake build tool: a shell script that prints ``body`` and exits with ``exit_code``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    (folder / f'{name}.out').write_text(body)
    path.write_text(f'#!/bin/sh\ncat "$(dirname "$0")/{name}.out"\necho "args: $*"\nexit {exit_code}\n')
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if executable
               else mode & ~(stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
    return path


def toon_fields(text):
    """The ``key\\tvalue`` lines before the first blank line of a TOON text."""
    fields = {}
    for line in text.split('\n'):
        if not line:
            break
        key, _, value = line.partition('\t')
        fields[key] = value
    return fields


def write_run_configuration(project, data):
    plan = Path(project) / '.plan'
    plan.mkdir(parents=True, exist_ok=True)
    path = plan / 'run-configuration.json'
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


@pytest.fixture
def project(tmp_path):
    """An empty project directory."""
    folder = tmp_path / 'project'
    folder.mkdir()
    return folder


@pytest.fixture
def maven_project(project):
    """A project whose ./mvnw prints a line and exits 0 at once."""
    write_tool(project, 'mvnw', '[INFO] BUILD SUCCESS\n', 0)
    return project


@pytest.fixture
def tool_free_path(tmp_path):
    """A PATH with python3 and the shell, but no mvn, gradle, npm or npx."""
    folder = tmp_path / 'bin'
    folder.mkdir()
    os.symlink(PYTHON, folder / 'python3')
    for tool in ('sh', 'cat', 'dirname', 'echo'):
        for prefix in ('/bin', '/usr/bin'):
            if os.path.exists(f'{prefix}/{tool}'):
                os.symlink(f'{prefix}/{tool}', folder / tool)
                break
    return str(folder)


class Namespace_like:
    """What argparse hands to cmd_run."""

    def __init__(self, **values):
        self.__dict__.update(values)
