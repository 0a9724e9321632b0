"""examples/npm-workspace with the real npm 10, tsc 4.8, ESLint 6.4 and node --test (offline).

One faulty copy serves every assertion on the planted faults; one fixed copy shows the green builds.
"""
import json
from pathlib import Path

import pytest

from conftest import REPO, copy_example, log_scope, orchestrate_json, places, run_json

SPEC_NPM = "pm-dev-frontend:plan-marshall-plugin:npm"
TODAY_NPM = "plan-marshall:build-npm:npm"
ESLINT_ENV = "NODE_PATH=/usr/share/nodejs"
API_TYPE_ERROR = ("packages/api/src/index.ts", 13, "compilation_error")
WEB_TEST_FAILURE = ("packages/web/test/index.test.js", 16, "test_failure")
LINT_WARNING = ("packages/web/test/index.test.js", 15, "lint_warning")


# The tests of the faulty copy run on one pytest-xdist worker: one npm install serves them all.
ON_THE_FAULTY_COPY = pytest.mark.xdist_group("npm-workspace-faulty")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    project = copy_example("npm-workspace", tmp_path_factory.mktemp("npm") / "npm-workspace", npm_links=True)
    # api and web compile against core's declarations: core is built first, as orchestration does.
    core = run_json(project, TODAY_NPM, "--command-args", "run build --workspace=core")
    assert core["status"] == "success", core
    return project


@pytest.fixture(scope="module")
def fixed(tmp_path_factory) -> Path:
    return copy_example("npm-workspace", tmp_path_factory.mktemp("npm-fixed") / "npm-workspace", fixed=True,
                        npm_links=True)


@ON_THE_FAULTY_COPY
def test_type_error_of_api_at_its_file_and_line_in_the_api_scope(faulty: Path):
    # tsc runs in packages/api and prints src/index.ts: the result names the file from the project.
    result = run_json(faulty, TODAY_NPM, "--command-args", "run build --workspace=api")
    assert result["status"] == "error" and result["error"] == "build_failed"
    assert result["command"] == "npm run build --workspace=api" and result["command_type"] == "npm"
    assert API_TYPE_ERROR in places(result)
    # The failed lifecycle script is explained by tsc's error: it is not one more error.
    assert len(result["errors"]) == 1, result["errors"]
    assert log_scope(result, faulty, plan="NO_PLAN") == ("api", "npm")


@ON_THE_FAULTY_COPY
def test_failing_test_of_web_with_counts_in_the_web_scope(faulty: Path):
    result = run_json(faulty, TODAY_NPM, "--command-args", "run test --workspace=web")
    assert result["status"] == "error"
    assert WEB_TEST_FAILURE in places(result)
    assert result["tests"] == {"passed": 2, "failed": 1, "skipped": 0, "total": 3}
    assert log_scope(result, faulty, plan="NO_PLAN") == ("web", "npm")


@ON_THE_FAULTY_COPY
def test_eslint_goes_through_npx_and_reports_the_warning(faulty: Path):
    result = run_json(faulty, SPEC_NPM, "--commandArgs", "eslint --max-warnings 0 packages", "--env", ESLINT_ENV)
    assert result["status"] == "error"
    assert result["command"] == "npx eslint --max-warnings 0 packages" and result["command_type"] == "npx"
    assert LINT_WARNING in places(result, "warnings")
    assert log_scope(result, faulty) == ("default", "npm")


@ON_THE_FAULTY_COPY
def test_tsc_and_jest_go_through_npx(faulty: Path):
    tsc = run_json(faulty, TODAY_NPM, "--command-args", "tsc -p packages/api")
    assert tsc["command_type"] == "npx" and tsc["command"] == "npx tsc -p packages/api"
    assert API_TYPE_ERROR in places(tsc)
    shim = REPO / "Tests" / "Fixtures" / "tools" / "debian-node-shim.js"
    jest = run_json(faulty, TODAY_NPM, "--command-args", "jest --version",
                    "--env", f"NODE_PATH=/usr/share/nodejs NODE_OPTIONS=--require={shim}")
    assert jest["command_type"] == "npx" and jest["command"] == "npx jest --version"
    assert jest["status"] == "success", Path(jest["log_file"]).read_text()
    assert "29." in Path(jest["log_file"]).read_text()


@ON_THE_FAULTY_COPY
def test_both_notation_generations_give_the_same_result(faulty: Path):
    spec = run_json(faulty, SPEC_NPM, "--commandArgs", "run build --workspace=api")
    today = run_json(faulty, TODAY_NPM, "--command-args", "run build --workspace=api")
    # Each generation learns its timeouts in its own file under its own key (README, "Two
    # generations"), so the timeout each started from may differ; the build's result may not.
    for result in (spec, today):
        del result["log_file"], result["duration_seconds"], result["timeout_used_seconds"]
    assert spec == today


@ON_THE_FAULTY_COPY
def test_orchestrated_verify_builds_core_first_and_reports_every_package(faulty: Path):
    report = orchestrate_json(faulty, "verify", "--jobs", "2", "--no-cache")
    builds = {build["module"]: build for build in report["builds"]}
    assert set(builds) == {"core", "api", "web"}
    assert builds["core"]["status"] == "success"
    assert builds["api"]["status"] == "error" and builds["web"]["status"] == "error"
    assert builds["api"]["errors"] == 1 and builds["web"]["errors"] == 1, (builds["api"], builds["web"])
    assert builds["api"]["started_ms"] >= builds["core"]["finished_ms"]
    assert builds["web"]["started_ms"] >= builds["core"]["finished_ms"]
    assert builds["web"]["tests"] == {"passed": 2, "failed": 1, "skipped": 0, "total": 3}
    assert [log_scope(builds[name], faulty) for name in ("core", "api", "web")] == [
        ("core", "npm"), ("api", "npm"), ("web", "npm")]
    # The quality gate's --env (NODE_PATH for Debian's ESLint) reaches the tool inside an orchestration too.
    gate = orchestrate_json(faulty, "quality-gate", "--module", "npm-workspace", "--no-cache")
    assert gate["builds"][0]["warnings"] == 1


def test_fixed_copy_builds_tests_and_lints_green(fixed: Path):
    report = orchestrate_json(fixed, "verify", "--jobs", "2", "--no-cache")
    assert report["status"] == "success", json.dumps(report, indent=1)
    assert {build["module"]: build["status"] for build in report["builds"]} == {
        "core": "success", "api": "success", "web": "success"}
    lint = run_json(fixed, SPEC_NPM, "--commandArgs", "eslint --max-warnings 0 packages", "--env", ESLINT_ENV)
    assert lint["status"] == "success"
