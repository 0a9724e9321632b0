"""Shared set-up of the end-to-end tests: a copy of an example with this PlanBuild's executor."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# Builds run in the test's own process unless a test asks for the build server (the server tests
# start their own, each in its own runtime folder): a server the user runs must not serve the tests.
os.environ["PLANBUILD_EXECUTION_MODE"] = "in_process"

REPO = Path(__file__).resolve().parents[2]
PLANBUILD = REPO / "bin" / "planbuild"
sys.path.insert(0, str(REPO / "Tests" / "support"))

from checkout_copy import copy_tracked  # noqa: E402
from maven_example import chain  # noqa: E402,F401  (the tests import it from here)
from tool_jvm import use_quick_start  # noqa: E402

use_quick_start()

# The runners under test start with the signal dispositions a terminal gives them. A shell that
# starts the test session in the background (`cmd &` without job control) makes SIGINT and SIGQUIT
# ignored, every child inherits that across exec, and a runner rightly keeps an inherited "ignore"
# (as Python does): the tests that send SIGINT/SIGQUIT would then test the shell, not PlanBuild.
# A handler in this process is reset to the default in every child it starts.
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGQUIT, signal.SIG_DFL)


# The files whose tests run real tools for minutes, longest first: pytest-xdist hands tests out in
# collection order, and one of these started last would keep the whole session waiting for it.
LONGEST_FIRST = ("test_incremental_maven.py", "test_orchestrate_maven.py", "test_maven_example.py", "test_watch_maven.py",
                 "test_gradle_multi_example.py", "test_remote_cache_maven.py", "test_polyglot_example.py",
                 "test_run_exports_maven.py", "test_python_project_example.py", "test_npm_workspace_example.py",
                 "test_remote_cache_failures.py", "test_orchestrate_maven_graph.py", "test_parser_scores.py",
                 "test_wheel.py")


def pytest_configure(config):
    config.addinivalue_line("markers", "real_tool: runs a real build tool (Maven, npm, Gradle, pytest, mypy, ruff)")


def pytest_collection_modifyitems(items):
    rank = {name: position for position, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def install_executor(project: Path) -> None:
    subprocess.run([str(PLANBUILD), "install-executor", "--project-dir", str(project)],
                   check=True, capture_output=True, text=True)


def run_script(project: Path, notation: str, *args: str, timeout: float = 600, env=None):
    """Runs `python3 .plan/execute-script.py NOTATION ARGS…` from the project, as its commands do."""
    return subprocess.run([sys.executable, ".plan/execute-script.py", notation, *args], cwd=project,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The CLI tests' project: three modules of small shell scripts (cli_support.three_modules)."""
    from cli_support import three_modules
    return three_modules(tmp_path)


@pytest.fixture
def maven_example(tmp_path: Path) -> Path:
    return copy_example("maven-multi", tmp_path / "maven-multi")


def copy_example(name: str, target: Path, fixed: bool = False, npm_links: bool = False) -> Path:
    """A copy of examples/NAME at TARGET (the files git tracks: nothing an earlier run left there)
    with the executor installed; `fixed` removes its planted faults (its fix-faults.sh);
    `npm_links` links the workspace packages (offline npm install)."""
    copy_tracked(REPO / "examples" / name, target)
    install_executor(target)
    if fixed:
        fix_faults(target)
    if npm_links:
        subprocess.run(["npm", "install", "--offline", "--no-audit", "--no-fund"], cwd=target, check=True,
                       capture_output=True, timeout=300)
    return target


def fix_faults(project: Path) -> None:
    """Removes an example copy's planted faults (its fix-faults.sh)."""
    subprocess.run(["bash", str(project / "fix-faults.sh"), str(project)], check=True, capture_output=True)


def run_json(project: Path, notation: str, *args: str, timeout: float = 600) -> dict:
    """`run` of a build script with --format json; the result object (asserting the output is JSON)."""
    completed = run_script(project, notation, "run", *args, "--format", "json", timeout=timeout)
    assert completed.stdout.strip(), completed.stderr
    return json.loads(completed.stdout)


def orchestrate_json(project: Path, command: str, *args: str, timeout: float = 900) -> dict:
    """`planbuild orchestrate --format json` over PROJECT; the report."""
    completed = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", command,
                                "--format", "json", *args], capture_output=True, text=True, timeout=timeout)
    assert completed.stdout.strip(), completed.stderr
    return json.loads(completed.stdout)


def places(result: dict, key: str = "errors") -> set:
    """(file, line, category) of each issue of a result (warnings have no category: None)."""
    return {(issue["file"], issue["line"], issue.get("category")) for issue in result.get(key) or []}


def log_scope(result_or_build: dict, project: Path, plan: str | None = None) -> tuple:
    """(scope folder, file name prefix) of a build's log, checking where it lies: build-output/, or
    with `plan` (today's notations) the plan's build-results/ in .plan/local."""
    log = Path(result_or_build["log_file"])
    assert log.is_file(), log
    folder = project / ".plan" / "temp" / "build-output" if plan is None else \
        project / ".plan" / "local" / "plans" / plan / "build-results"
    assert log.parent.parent == folder.resolve()
    return log.parent.name, log.name.split("-")[0]
