"""The single-build lifecycle with the real Maven on examples/maven-multi (offline, Debian's repository)."""
import json
import subprocess
from pathlib import Path

from conftest import run_script

MAVEN = "pm-dev-java:plan-marshall-plugin:maven"
TODAY_MAVEN = "plan-marshall:build-maven:maven"


def test_failing_build_then_fixed_build(maven_example: Path):
    resolved = run_script(maven_example, "plan-marshall:analyze-project-architecture:architecture",
                          "resolve", "--command", "verify")
    assert resolved.returncode == 0, resolved.stderr
    assert resolved.stdout.splitlines()[0] == "module: maven-multi"

    run = run_script(maven_example, MAVEN, "run", "--commandArgs", "verify -fae", "--format", "json")
    assert run.returncode == 1, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "error"
    assert result["error"] == "build_failed"
    assert result["wrapper"] == "mvn"

    compile_errors = [e for e in result["errors"] if e["category"] == "compilation_error"]
    assert len(compile_errors) == 1, result["errors"]
    assert compile_errors[0]["file"].endswith("service/src/main/java/com/example/service/OrderService.java")
    assert compile_errors[0]["line"] == 19
    assert "cannot find symbol" in compile_errors[0]["message"]
    assert "symbol:" in compile_errors[0]["message"]

    failures = [e for e in result["errors"] if e["category"] == "test_failure"]
    assert len(failures) == 1, result["errors"]
    assert failures[0]["file"].endswith("GreetingControllerTest.java")
    assert failures[0]["line"] == 18
    assert "greetsGuestWhenNameMissing" in failures[0]["message"]

    assert result["tests"] == {"passed": 5, "failed": 1, "skipped": 1, "total": 7}
    assert not any("[Help 1]" in e["message"] or "-X switch" in e["message"] for e in result["errors"])

    log = Path(result["log_file"])
    assert log.is_file()
    assert log.parent.parent == (maven_example / ".plan" / "temp" / "build-output").resolve()
    assert "BUILD FAILURE" in log.read_text(errors="replace")

    config = json.loads((maven_example / ".plan" / "run-configuration.json").read_text())
    learned = config["commands"]["maven:verify"]["timeout_seconds"]
    # The build learns its duration rounded up to a whole second (TimeoutPolicy.learnedSeconds);
    # the result shows the whole seconds it ran, rounded down.
    assert learned in (result["duration_seconds"], result["duration_seconds"] + 1)

    # The same project with both faults removed builds green.
    subprocess.run(["bash", "fix-faults.sh", str(maven_example)], cwd=maven_example, check=True, capture_output=True)
    fixed = run_script(maven_example, MAVEN, "run", "--commandArgs", "verify -fae")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    lines = dict(line.split("\t", 1) for line in fixed.stdout.splitlines() if "\t" in line)
    assert lines["status"] == "success"
    assert lines["exit_code"] == "0"
    assert Path(lines["log_file"]).is_file()
    assert lines["log_file"] != result["log_file"]
    # The second run updated the learned value by the weighted rule, not by overwriting.
    config = json.loads((maven_example / ".plan" / "run-configuration.json").read_text())
    assert "maven:verify" in config["commands"]


def test_module_build_logs_under_its_scope(maven_example: Path):
    run = run_script(maven_example, MAVEN, "run", "--commandArgs", "compile -pl core", "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "success"
    assert Path(result["log_file"]).parent.name == "core"
    config = json.loads((maven_example / ".plan" / "run-configuration.json").read_text())
    assert "maven:compile@core" in config["commands"]


def test_todays_notation_files_the_build_under_its_plan(maven_example: Path):
    """Today's notation: key: value TOON, the log (Maven's own, written with -l) in the plan's
    build-results, the timeout learned under today's key in .plan/local."""
    run = run_script(maven_example, TODAY_MAVEN, "run", "--command-args", "compile -pl core", "--plan-id", "plan-7")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("status: success\nexit_code: 0\n")
    fields = dict(line.split(": ", 1) for line in run.stdout.splitlines() if ": " in line and not line.startswith(" "))
    log = Path(fields["log_file"])
    assert log.parent == (maven_example / ".plan" / "local" / "plans" / "plan-7" / "build-results" / "core").resolve()
    assert "BUILD SUCCESS" in log.read_text(errors="replace")
    assert not list(log.parent.glob("*.maven")), "Maven's own log is merged into the build's log and removed"
    config = json.loads((maven_example / ".plan" / "local" / "run-configuration.json").read_text())
    assert "maven:compile__pl_core" in config["commands"]
    # A green run says what it examined: compile runs no tests, so its zero is a measurement.
    assert (fields["tests_population"], fields["tests_run"], fields["analyses_examined"]) == ("measured", "0", "compile")
    assert "[EXEC] green build: analyses examined: compile; 0 test(s) executed\n" in run.stderr
