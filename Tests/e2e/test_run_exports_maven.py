"""--junit and --sarif of a real Maven run over the example: the JUnit XML read back
with junitparser agrees with the run's report, module by module; the SARIF validates against the
SARIF 2.1.0 schema and its results are the run's errors and warnings, with paths relative to
%SRCROOT% (the project). The example has a compile error (service) and a failing test (web)."""
import json
from pathlib import Path

import jsonschema
from junitparser import Failure, JUnitXml

from conftest import run_script
from orchestration_support import orchestrate

SCHEMA = Path("/work/shared/schemas/sarif-2.1.0.json")
REPO_SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-2.1.0.json"


def test_junit_and_sarif_of_a_real_maven_run(maven_example: Path, tmp_path: Path):
    junit, sarif = tmp_path / "run.xml", tmp_path / "run.sarif"
    run, report = orchestrate(maven_example, "--jobs", "3", "--no-cache", "--mode", "structured",
                              "--junit", str(junit), "--sarif", str(sarif), timeout=900)
    assert run.returncode == 1, run.stderr
    builds = {build["module"]: build for build in report["builds"]}

    xml = JUnitXml.fromfile(str(junit))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == set(builds)
    for module, build in builds.items():
        suite = suites[module]
        cases = list(suite)
        failures = [case for case in cases if any(isinstance(r, Failure) for r in case.result)]
        assert suite.tests == len(cases) and suite.failures == len(failures)
        assert all("\n" not in case.name and "\n" not in case.classname for case in cases)
        properties = {p.name: p.value for p in suite.properties()}
        assert properties["status"] == build["status"] and properties["warnings"] == str(build["warnings"])
    # One testcase per test, from Surefire's reports: the tools' counts, the tests' own names.
    core, web, service = suites["core"], suites["web"], suites["service"]
    assert (core.tests, core.failures, core.skipped) == (4, 0, 1) == (builds["core"]["tests"]["total"], 0, 1)
    assert {case.classname for case in core} == {"com.example.core.TextUtilsTest"}
    assert (web.tests, web.failures) == (3, 1) == (builds["web"]["tests"]["total"], builds["web"]["tests"]["failed"])
    failed = next(case for case in web if any(isinstance(r, Failure) for r in case.result))
    assert failed.name == "greetsGuestWhenNameMissing" and failed.classname.endswith("GreetingControllerTest")
    assert {p.name: p.value for p in web.properties()}["tests_source"] == "reports"
    # No test tells why service failed (it did not compile): the build's case and its error's case.
    cases = list(service)
    assert [case.name for case in cases][0] == "verify" and len(cases) == 1 + builds["service"]["errors"]
    error = builds["service"]["first_errors"][0]
    assert cases[1]._elem.get("file") == error["file"] and cases[1]._elem.get("line") == str(error["line"])
    assert builds["web"]["first_errors"][0]["category"] == "test_failure"

    document = json.loads(sarif.read_text())
    schema = json.loads((SCHEMA if SCHEMA.exists() else REPO_SCHEMA).read_text())
    jsonschema.validate(document, schema)
    results = document["runs"][0]["results"]
    root = document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == maven_example.resolve().as_uri() + "/" or root == f"file://{maven_example}/"
    errors = [r for r in results if r["level"] == "error"]
    warnings = [r for r in results if r["level"] == "warning"]
    assert len(errors) == sum(build["errors"] for build in builds.values())
    assert len(warnings) == sum(build["warnings"] for build in builds.values())
    rules = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    for module, build in builds.items():
        mine = [r for r in errors if r["properties"]["module"] == module]
        for error, result in zip(build.get("first_errors", []), mine):
            assert result["message"]["text"] == error["message"]
            assert result["ruleId"] == error["category"] and rules[result["ruleIndex"]] == result["ruleId"]
            if error.get("file"):
                location = result["locations"][0]["physicalLocation"]
                uri = location["artifactLocation"]["uri"]
                assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
                assert not uri.startswith("/") and (maven_example / uri).is_file(), uri
                assert error["file"].endswith(uri)
                if error.get("line"):
                    assert location["region"]["startLine"] == error["line"]
    assert any(r["ruleId"] == "compilation_error" for r in errors)


def test_junit_and_sarif_of_a_single_script_run(maven_example: Path, tmp_path: Path):
    """`maven.py run --junit --sarif`: the build as one testsuite, its issues as SARIF results."""
    junit, sarif = tmp_path / "one.xml", tmp_path / "one.sarif"
    run = run_script(maven_example, "pm-dev-java:plan-marshall-plugin:maven", "run", "--commandArgs",
                     "verify -fae", "--format", "json", "--mode", "structured", "--junit", str(junit), "--sarif", str(sarif))
    assert run.returncode == 1, run.stderr
    result = json.loads(run.stdout)
    suites = list(JUnitXml.fromfile(str(junit)))
    assert len(suites) == 1 and suites[0].name == "default"
    cases = list(suites[0])
    # The tests of the modules that ran them, from their Surefire reports (the whole project was
    # built), then the build, which failed for more than its failed test, and each error that is no test.
    assert [case.classname for case in cases[:4]] == ["com.example.core.TextUtilsTest"] * 4
    build = next(index for index, case in enumerate(cases) if case.name == "verify")
    assert any(isinstance(r, Failure) for r in cases[build].result)
    failed_tests = [case for case in cases[:build] if any(isinstance(r, Failure) for r in case.result)]
    assert len(failed_tests) == result["tests"]["failed"] == 1 and build == result["tests"]["total"]
    # Every error of the build that is no failed test, not only those the printed result keeps.
    others = [e for e in result["errors"] if e["category"] != "test_failure"]
    errors = cases[build + 1:]
    assert len(errors) >= len(others) >= 1
    assert [case.name for case in errors[:len(others)]] == [e["message"].split("\n")[0] for e in others]
    document = json.loads(sarif.read_text())
    jsonschema.validate(document, json.loads((SCHEMA if SCHEMA.exists() else REPO_SCHEMA).read_text()))
    results = document["runs"][0]["results"]
    assert [r["message"]["text"] for r in results if r["level"] == "error"][:len(result["errors"])] \
        == [e["message"] for e in result["errors"]]
    assert len([r for r in results if r["level"] == "warning"]) >= len(result.get("warnings", []))
    compile_error = next(r for r in results if r["ruleId"] == "compilation_error")
    location = compile_error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "service/src/main/java/com/example/service/OrderService.java",
                                            "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 19
