"""Shared set-up of the end-to-end tests: a copy of an example with this PlanBuild's executor."""
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLANBUILD = REPO / "bin" / "planbuild"

# The runners under test start with the signal dispositions a terminal gives them. A shell that
# starts the test session in the background (`cmd &` without job control) makes SIGINT and SIGQUIT
# ignored, every child inherits that across exec, and a runner rightly keeps an inherited "ignore"
# (as Python does): the tests that send SIGINT/SIGQUIT would then test the shell, not PlanBuild.
# A handler in this process is reset to the default in every child it starts.
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def install_executor(project: Path) -> None:
    subprocess.run([str(PLANBUILD), "install-executor", "--project-dir", str(project)],
                   check=True, capture_output=True, text=True)


def run_script(project: Path, notation: str, *args: str, timeout: float = 600, env=None):
    """Runs `python3 .plan/execute-script.py NOTATION ARGS…` from the project, as its commands do."""
    return subprocess.run([sys.executable, ".plan/execute-script.py", notation, *args], cwd=project,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def maven_example(tmp_path: Path) -> Path:
    project = tmp_path / "maven-multi"
    shutil.copytree(REPO / "examples" / "maven-multi", project,
                    ignore=shutil.ignore_patterns("target", "temp", "execute-script.py", "run-configuration.json"))
    install_executor(project)
    return project
