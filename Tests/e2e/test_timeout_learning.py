"""Learning a timeout never leads to a timeout of zero: a build shorter than a second learns 1 s
(durations round up), and a `timeout_policy.minimum_seconds` below 1 is not taken. Before, a 0.2 s
build learned 0 and, with a minimum of 0 (or 0.5, truncated to 0), the next 3 s build was killed
after 0.1 s. Through the real CLI (`bin/planbuild run`); the build is a ./mvnw script that sleeps
as long as a file says (the subject is PlanBuild's timing, not Maven)."""
import json
import subprocess
from pathlib import Path

import pytest

from orchestration_support import PLANBUILD

WRAPPER = """#!/bin/sh
sleep "$(cat "$(dirname "$0")/duration")"
echo "[INFO] BUILD SUCCESS"
"""


def maven_run(project: Path, seconds: str):
    (project / "duration").write_text(seconds)
    run = subprocess.run([str(PLANBUILD), "run", "--system", "maven", "--args", "verify", "--project-dir", str(project),
                          "--format", "json"], capture_output=True, text=True, timeout=60)
    return run, json.loads(run.stdout)


@pytest.mark.parametrize("minimum", [0, 0.5])
def test_a_sub_second_build_does_not_get_the_next_one_killed(tmp_path: Path, minimum):
    project = tmp_path / "p"
    (project / ".plan").mkdir(parents=True)
    (project / "pom.xml").write_text("<project/>\n")
    (project / "mvnw").write_text(WRAPPER)
    (project / "mvnw").chmod(0o755)
    config = project / ".plan" / "run-configuration.json"
    config.write_text(json.dumps({"version": 1, "timeout_policy": {"minimum_seconds": minimum}}))

    run, result = maven_run(project, "0.2")
    assert run.returncode == 0 and result["status"] == "success", run.stderr
    assert json.loads(config.read_text())["commands"]["maven:verify"]["timeout_seconds"] == 1

    run, result = maven_run(project, "3")
    assert run.returncode == 0, run.stdout + run.stderr
    assert result["status"] == "success"
    assert result["duration_seconds"] >= 3
