"""Real Maven on a copy of examples/maven-multi whose derived-data.json says, in the Maven
coordinate form the discovery tools write, that service depends on core and web on service."""
from pathlib import Path

from conftest import chain, fix_faults
from orchestration_support import orchestrate


def by_module(report):
    return {build["module"]: build for build in report["builds"]}


def test_fixed_copy_builds_in_dependency_order(maven_example: Path):
    chain(maven_example)
    fix_faults(maven_example)
    run, report = orchestrate(maven_example, "--jobs", "3", timeout=900)
    assert run.returncode == 0, run.stderr
    builds = by_module(report)
    assert [b["status"] for b in builds.values()] == ["success"] * 3
    assert builds["service"]["started_ms"] >= builds["core"]["finished_ms"]
    assert builds["web"]["started_ms"] >= builds["service"]["finished_ms"]


def test_dependents_of_a_failed_build_are_skipped(maven_example: Path):
    # The unfixed copy: service does not compile, so web (which depends on it) never starts.
    chain(maven_example)
    for mode in ([], ["--stop-on-failure"]):
        run, report = orchestrate(maven_example, "--jobs", "3", "--no-cache", *mode, timeout=900)
        assert run.returncode == 1
        builds = by_module(report)
        assert builds["core"]["status"] == "success"
        assert builds["service"]["status"] == "error"
        assert builds["web"]["status"] == "skipped"
        assert "service" in builds["web"]["reason"]
        assert builds["web"]["started_ms"] is None
