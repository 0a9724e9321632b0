"""examples/gradle-multi with Debian's real Gradle 4.4.1 (offline, no daemon).

A Gradle start takes 30-50 s here: each build below runs once and serves several assertions.
"""
from pathlib import Path

import pytest

import json

from conftest import copy_example, log_scope, places, run_json, run_script

SPEC_GRADLE = "pm-dev-java:plan-marshall-plugin:gradle"
TODAY_GRADLE = "plan-marshall:build-gradle:gradle"


# The tests of the faulty copy run on one pytest-xdist worker: one copy serves them all.
ON_THE_FAULTY_COPY = pytest.mark.xdist_group("gradle-multi-faulty")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    return copy_example("gradle-multi", tmp_path_factory.mktemp("gradle") / "gradle-multi")


@ON_THE_FAULTY_COPY
def test_failing_test_of_app_in_the_app_scope(faulty: Path):
    # Today's notation: the failed build is in the output, the exit code is 0, the log is filed
    # under the plan (NO_PLAN without --plan-id).
    completed = run_script(faulty, TODAY_GRADLE, "run", "--command-args", ":app:test --offline", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["status"] == "error" and result["error"] == "build_failed"
    assert result["command"] == "gradle :app:test --offline" and result["wrapper"] == "gradle"
    assert ("app/src/test/java/com/example/app/ArticleTest.java", 15, "test_failure") in places(result)
    assert result["tests"] == {"passed": 2, "failed": 1, "skipped": 0, "total": 3} and result["tests_run"] == 3
    assert log_scope(result, faulty, plan="NO_PLAN") == ("app", "gradle")
    learned = json.loads((faulty / ".plan" / "local" / "run-configuration.json").read_text())["commands"]
    assert "gradle:app_test" in learned


@ON_THE_FAULTY_COPY
def test_compile_error_of_report_in_the_report_scope(faulty: Path):
    result = run_json(faulty, SPEC_GRADLE, "--commandArgs", ":report:compileJava --offline")
    assert result["status"] == "error"
    [error] = [issue for issue in result["errors"] if issue["category"] == "compilation_error"]
    assert (error["file"], error["line"]) == ("report/src/main/java/com/example/report/Summary.java", 12)
    assert "cannot find symbol" in error["message"]
    assert log_scope(result, faulty) == ("report", "gradle")


def test_fixed_copy_builds_green(tmp_path: Path):
    project = copy_example("gradle-multi", tmp_path / "gradle-multi", fixed=True)
    result = run_json(project, TODAY_GRADLE, "--command-args", "build --offline")
    assert result["status"] == "success", Path(result["log_file"]).read_text()
    assert "BUILD SUCCESSFUL" in Path(result["log_file"]).read_text()
    assert log_scope(result, project, plan="NO_PLAN") == ("default", "gradle")
