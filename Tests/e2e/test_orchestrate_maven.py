"""Real Maven over the example's modules, in parallel and in sequence: the aggregate agrees with
the single-build results, module by module."""
import json
import subprocess
from pathlib import Path

from orchestration_support import PLANBUILD, max_overlap, orchestrate

MODULES = ["core", "service", "web"]


def single_build(project: Path, module: str) -> dict:
    run = subprocess.run([str(PLANBUILD), "run", "--project-dir", str(project), "--system", "maven",
                          "--args", f"verify -pl {module}", "--format", "json"], capture_output=True, text=True,
                         timeout=600)
    return json.loads(run.stdout)


def summary_of_single(result: dict) -> tuple:
    return (result["status"], len(result.get("errors", [])), result.get("tests"))


def summary_of_build(build: dict) -> tuple:
    return (build["status"], build["errors"], build["tests"])


def test_parallel_and_sequential_match_single_builds(maven_example: Path):
    singles = {module: single_build(maven_example, module) for module in MODULES}
    assert singles["core"]["status"] == "success"
    assert singles["service"]["status"] == "error"
    assert singles["web"]["status"] == "error"

    # --no-cache: both runs must really build (the second would take core, which succeeded, from the cache).
    parallel_run, parallel = orchestrate(maven_example, "--jobs", "3", "--no-cache", timeout=900)
    sequential_run, sequential = orchestrate(maven_example, "--sequential", "--no-cache", timeout=900)
    for run, report in ((parallel_run, parallel), (sequential_run, sequential)):
        assert run.returncode == 1, run.stderr
        assert report["status"] == "partial"
        assert [b["module"] for b in report["builds"]] == MODULES  # the root aggregator is not run twice
        for build in report["builds"]:
            assert summary_of_build(build) == summary_of_single(singles[build["module"]]), build["module"]
            assert Path(build["log_file"]).is_file()
    assert max_overlap(sequential["builds"]) == 1
    assert max_overlap(parallel["builds"]) >= 2

    web = next(b for b in parallel["builds"] if b["module"] == "web")
    assert web["first_errors"][0]["category"] == "test_failure"
    assert web["tests"] == {"passed": 2, "failed": 1, "skipped": 0, "total": 3}
