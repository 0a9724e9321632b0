"""Timeouts at the edges: above a year is a year, zero or less is refused — through
`planbuild run`, `planbuild orchestrate` and the Python shim's pb_execute, never "no time at all"."""
import json
import subprocess
from pathlib import Path

import pytest

from conftest import PLANBUILD, install_executor, run_script
from orchestration_support import make_project, orchestrate

YEAR = 31_536_000
HUGE = "10000000000000000"  # ≥ 9223372036854776 s overflowed into a deadline in the past


def fake_maven(project: Path) -> Path:
    """A project whose ./mvnw sleeps a little (a 0 s deadline would kill it) and succeeds."""
    (project / ".plan").mkdir(parents=True, exist_ok=True)
    wrapper = project / "mvnw"
    wrapper.write_text("#!/bin/sh\nsleep 1\necho '[INFO] BUILD SUCCESS'\n")
    wrapper.chmod(0o755)
    return project


def planbuild_run(project: Path, *args: str):
    return subprocess.run([str(PLANBUILD), "run", "--project-dir", str(project), "--system", "maven",
                           "--args", "verify", "--format", "json", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", [HUGE, "99999999999999999999999999"])
def test_cli_run_with_a_huge_timeout_runs_the_build(tmp_path: Path, value: str):
    project = fake_maven(tmp_path / "p")
    run = planbuild_run(project, "--timeout", value)
    result = json.loads(run.stdout)
    assert (run.returncode, result["status"]) == (0, "success"), run.stdout + run.stderr
    assert result["timeout_used_seconds"] == YEAR


@pytest.mark.parametrize("value", ["0", "-1"])
def test_cli_run_refuses_zero_and_negative(tmp_path: Path, value: str):
    project = fake_maven(tmp_path / "p")
    run = planbuild_run(project, f"--timeout={value}")
    assert run.returncode == 64  # the CLI's usage errors (ArgumentParser's EX_USAGE)
    assert "--timeout must be at least 1 second" in run.stderr
    assert not (project / ".plan" / "temp").exists()  # nothing ran, no log


def test_orchestrate_with_a_huge_timeout_runs_the_builds(tmp_path: Path):
    project = make_project(tmp_path / "o", {"a": {"sleep": 1}, "b": {"sleep": 1}})
    run, report = orchestrate(project, "--timeout", HUGE)
    assert run.returncode == 0, run.stdout + run.stderr
    assert report["status"] == "success"
    zero, _ = orchestrate(project, "--timeout=0")
    assert zero.returncode == 64 and "--timeout must be at least 1 second" in zero.stderr


def test_shim_pb_execute_with_a_huge_and_a_zero_timeout(tmp_path: Path):
    project = fake_maven(tmp_path / "p")
    install_executor(project)
    run = run_script(project, "pm-dev-java:plan-marshall-plugin:maven", "run", "--commandArgs", "verify",
                     "--timeout", HUGE, "--format", "json", timeout=120)
    result = json.loads(run.stdout)
    assert (run.returncode, result["status"]) == (0, "success"), run.stdout + run.stderr
    assert result["timeout_used_seconds"] == YEAR
    zero = run_script(project, "pm-dev-java:plan-marshall-plugin:maven", "run", "--commandArgs", "verify",
                      "--timeout", "0", timeout=120)
    assert zero.returncode == 2, zero.stdout + zero.stderr
    assert "timeout" in zero.stderr and "at least 1 second" in zero.stderr
    assert "Traceback" not in zero.stderr


def test_python_api_pb_execute_limits(tmp_path: Path):
    """execute_direct (pb_execute): a huge timeout is a year, zero raises at once."""
    project = fake_maven(tmp_path / "p")
    code = f"""
import sys
sys.path.insert(0, {str(Path(PLANBUILD).parents[1] / 'python')!r})
import _planbuild, _build_execute
result = _build_execute.execute_direct('maven', 'verify', 'maven:verify', default_timeout=10**30, project_dir={str(project)!r})
assert result['status'] == 'success', result
assert result['timeout_used_seconds'] == {YEAR}, result
try:
    _build_execute.execute_direct('maven', 'verify', 'maven:verify', default_timeout=0, project_dir={str(project)!r})
except _planbuild.PlanBuildError as error:
    assert error.error == 'invalid_request' and 'timeout' in error.message, error.reply
else:
    raise AssertionError('a zero timeout was accepted')
"""
    run = subprocess.run(["python3", "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
