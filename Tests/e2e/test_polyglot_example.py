"""examples/polyglot: one orchestration over real Maven, npm (tsc + node --test) and pytest builds."""
from pathlib import Path

from conftest import copy_example, log_scope, orchestrate_json


def test_one_orchestration_builds_three_systems_in_dependency_order(tmp_path: Path):
    project = copy_example("polyglot", tmp_path / "polyglot", npm_links=True)
    report = orchestrate_json(project, "verify", "--jobs", "2", "--no-cache")
    builds = {build["module"]: build for build in report["builds"]}
    assert report["status"] == "success", report
    assert set(builds) == {"backend", "frontend", "analytics"}
    assert all(build["status"] == "success" for build in builds.values())
    # frontend and analytics declare backend: they start after it finished.
    for dependent in ("frontend", "analytics"):
        assert builds[dependent]["started_ms"] >= builds["backend"]["finished_ms"]
    assert {name: log_scope(build, project) for name, build in builds.items()} == {
        "backend": ("backend", "maven"), "frontend": ("frontend", "npm"), "analytics": ("analytics", "python")}
    assert "Tests run: 2, Failures: 0" in Path(builds["backend"]["log_file"]).read_text()
    assert "# pass 1" in Path(builds["frontend"]["log_file"]).read_text()
    assert "2 passed" in Path(builds["analytics"]["log_file"]).read_text()
    # One report over the three: totals and stats count every build.
    assert (report["total"], report["succeeded"], report["failed"]) == (3, 3, 0)
    assert report["stats"]["slowest"]["module"] in builds
