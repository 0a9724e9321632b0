"""Shared set-up of the end-to-end tests: a copy of an example with this PlanBuild's executor."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLANBUILD = REPO / "bin" / "planbuild"


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
