"""Real Maven on a copy of examples/maven-multi whose derived-data.json says, in the Maven
coordinate form the discovery tools write, that service depends on core and web on service. (That
the fixed copy builds in that order is the first run of test_incremental_maven.py.)"""
from pathlib import Path

from conftest import chain
from orchestration_support import orchestrate


def by_module(report):
    return {build["module"]: build for build in report["builds"]}


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
