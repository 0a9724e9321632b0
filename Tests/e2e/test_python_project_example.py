"""examples/python-project with the real mypy 1.13, ruff 0.8.4 and pytest 8.3.4 behind its ./pw."""
from pathlib import Path

from junitparser import JUnitXml

from conftest import copy_example, log_scope, orchestrate_json, places, run_json

PYPROJECT = "plan-marshall:build-pyproject:pyproject_build"


def test_verify_reports_mypy_ruff_and_pytest_from_one_log(tmp_path: Path):
    project = copy_example("python-project", tmp_path / "python-project")
    result = run_json(project, PYPROJECT, "--command-args", "verify")
    assert result["status"] == "error" and result["error"] == "build_failed"
    assert result["wrapper"] == "./pw" and result["command"] == "./pw verify"
    assert places(result) == {("src/inventory/report.py", 14, "type_error"),
                              ("src/inventory/report.py", 3, "lint_error"),
                              ("tests/test_report.py", 11, "test_failure")}
    assert result["tests"].pop("duration_seconds") > 0  # pytest's own "in N s"
    assert result["tests"] == {"passed": 4, "failed": 1, "skipped": 0, "total": 5}
    assert log_scope(result, project, plan="NO_PLAN") == ("default", "python")
    text = Path(result["log_file"]).read_text()
    assert "[return-value]" in text and "F401" in text and "1 failed, 4 passed" in text

    # The same through orchestration (derived-data.json names today's notation).
    report = orchestrate_json(project, "verify", "--no-cache")
    [build] = report["builds"]
    assert build["module"] == "inventory" and build["status"] == "error" and build["errors"] == 3
    assert log_scope(build, project) == ("inventory", "python")  # an orchestrated build logs under its module


def test_fixed_copy_verifies_green(tmp_path: Path):
    project = copy_example("python-project", tmp_path / "python-project", fixed=True)
    junit = tmp_path / "green.xml"
    result = run_json(project, PYPROJECT, "--command-args", "verify", "--junit", str(junit))
    assert result["status"] == "success", Path(result["log_file"]).read_text()
    assert "5 passed" in Path(result["log_file"]).read_text()
    # A green build's log is read: its test counts are in the result, and the JUnit file has one
    # case per test pytest counted (its log names none of the passed ones: pytest wrote no report).
    assert result["tests"].pop("duration_seconds") >= 0  # pytest's own "in N s"
    assert result["tests"] == {"passed": 5, "failed": 0, "skipped": 0, "total": 5}
    # What the green verify examined, as today's notation publishes it: pytest's count is the measurement.
    assert (result["tests_population"], result["tests_run"], result["analyses_examined"]) == ("measured", 5, "compile, lint, test")
    [suite] = list(JUnitXml.fromfile(str(junit)))
    assert suite.tests == 5 and suite.failures == 0 and len(list(suite)) == 5


def test_per_module_architecture_layout_orchestrates_like_derived_data(tmp_path: Path):
    """Today's `_project.json` + `{module}/derived.json` instead of derived-data.json: the same build."""
    import json
    project = copy_example("python-project", tmp_path / "python-project")
    folder = project / ".plan" / "project-architecture"
    document = json.loads((folder / "derived-data.json").read_text())
    (folder / "_project.json").write_text(json.dumps({"name": "inventory", "modules": {"inventory": {}}}))
    (folder / "inventory").mkdir()
    (folder / "inventory" / "derived.json").write_text(json.dumps(document["modules"]["inventory"]))
    (folder / "derived-data.json").unlink()
    report = orchestrate_json(project, "verify", "--no-cache")
    [build] = report["builds"]
    assert (build["module"], build["status"], build["errors"]) == ("inventory", "error", 3)
    assert build["tests"].pop("duration_seconds") > 0  # pytest's own "in N s"
    assert build["tests"] == {"passed": 4, "failed": 1, "skipped": 0, "total": 5}
