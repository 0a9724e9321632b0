"""A green build still reads its log, with the real Maven on the example's core (green, one
`[deprecation]` warning, 4 tests of which 1 skipped): its warnings and test counts are in the
result, and its SARIF and JUnit files are not empty; the JUnit has one testcase per test from
Surefire's report, with the tool's counts."""
import json
import subprocess
from pathlib import Path

from junitparser import JUnitXml, Skipped

from orchestration_support import PLANBUILD


def test_a_green_build_with_a_warning_and_tests(maven_example: Path, tmp_path: Path):
    sarif, junit = tmp_path / "s.json", tmp_path / "j.xml"
    # clean: javac compiles, so its deprecation warning is in this log.
    run = subprocess.run([str(PLANBUILD), "run", "--project-dir", str(maven_example), "--system", "maven",
                          "--args", "clean verify -pl core", "--mode", "structured", "--format", "json",
                          "--sarif", str(sarif), "--junit", str(junit)], capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "success" and result["errors"] == []
    assert [w["category"] for w in result["warnings"]] == ["deprecation_warning"], result["warnings"]
    assert "[deprecation]" in result["warnings"][0]["message"]
    assert result["tests"] == {"passed": 3, "failed": 0, "skipped": 1, "total": 4}

    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [(r["level"], r["ruleId"]) for r in results] == [("warning", "deprecation_warning")]
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == result["warnings"][0]["line"]

    suites = list(JUnitXml.fromfile(str(junit)))
    assert len(suites) == 1
    cases = list(suites[0])
    assert (suites[0].tests, suites[0].failures, suites[0].skipped) == (4, 0, 1)
    assert len(cases) == 4 and {case.classname for case in cases} == {"com.example.core.TextUtilsTest"}
    report = maven_example / "core" / "target" / "surefire-reports" / "TEST-com.example.core.TextUtilsTest.xml"
    assert sorted(case.name for case in cases) == sorted(case.name for suite in JUnitXml.fromfile(str(report)) for case in suite)
    assert sum(any(isinstance(r, Skipped) for r in case.result) for case in cases) == 1
