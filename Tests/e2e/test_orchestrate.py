"""Orchestration through the CLI: jobs limit, dependency order, stop/continue on failure,
per-build timeout, cycles, and cancellation by SIGINT with no process left behind."""
import json
import signal
import subprocess
import time
from pathlib import Path

from orchestration_support import PLANBUILD, REPO, alive, make_project, max_overlap, orchestrate


def by_module(report):
    return {build["module"]: build for build in report["builds"]}


def test_jobs_limit_is_never_exceeded(tmp_path: Path):
    project = make_project(tmp_path, {f"m{i}": {"sleep": 0.4} for i in range(8)})
    run, report = orchestrate(project, "--jobs", "3")
    assert run.returncode == 0, run.stderr
    assert report["status"] == "success"
    assert report["succeeded"] == 8
    assert max_overlap(report["builds"]) == 3


def test_sequential_runs_one_at_a_time(tmp_path: Path):
    project = make_project(tmp_path, {f"m{i}": {"sleep": 0.1} for i in range(4)})
    run, report = orchestrate(project, "--sequential")
    assert run.returncode == 0, run.stderr
    assert max_overlap(report["builds"]) == 1


def test_dependency_order(tmp_path: Path):
    project = make_project(tmp_path, {
        "app": {"sleep": 0.1, "deps": ["lib"]},
        "lib": {"sleep": 0.3, "deps": ["base"]},
        "base": {"sleep": 0.3},
        "tool": {"sleep": 0.3},
    })
    run, report = orchestrate(project, "--jobs", "4")
    assert run.returncode == 0, run.stderr
    builds = by_module(report)
    assert builds["lib"]["started_ms"] >= builds["base"]["finished_ms"]
    assert builds["app"]["started_ms"] >= builds["lib"]["finished_ms"]
    # Independent modules do not wait.
    assert builds["tool"]["started_ms"] < builds["base"]["finished_ms"]


def test_failed_dependency_skips_its_dependents(tmp_path: Path):
    project = make_project(tmp_path, {"base": {"exit": 1}, "lib": {"deps": ["base"]}, "app": {"deps": ["lib"]},
                                      "tool": {}})
    run, report = orchestrate(project, "--jobs", "2")
    assert run.returncode == 1
    builds = by_module(report)
    assert builds["base"]["status"] == "error"
    assert builds["lib"]["status"] == "skipped" and "base" in builds["lib"]["reason"]
    assert builds["app"]["status"] == "skipped"
    assert builds["tool"]["status"] == "success"
    assert report["status"] == "partial"


def test_stop_on_failure_skips_the_rest(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}, "b": {"exit": 2}, "c": {}, "d": {}})
    run, report = orchestrate(project, "--sequential", "--stop-on-failure")
    assert run.returncode == 1
    statuses = [(b["module"], b["status"]) for b in report["builds"]]
    assert statuses == [("a", "success"), ("b", "error"), ("c", "skipped"), ("d", "skipped")]
    assert not (project / ".plan" / "temp" / "build-output" / "c").exists()


def test_continue_on_failure_runs_everything(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}, "b": {"exit": 2}, "c": {}, "d": {}})
    run, report = orchestrate(project, "--sequential")
    assert run.returncode == 1
    assert [b["status"] for b in report["builds"]] == ["success", "error", "success", "success"]
    assert report["builds"][1]["exit_code"] == 2
    assert "TOON" not in run.stdout


def test_per_build_timeout(tmp_path: Path):
    project = make_project(tmp_path, {"slow": {"sleep": 60, "grandchild": True}, "fast": {}})
    started = time.monotonic()
    run, report = orchestrate(project, "--timeout", "1", "--jobs", "2")
    assert time.monotonic() - started < 10
    builds = by_module(report)
    assert builds["slow"]["status"] == "timeout"
    assert builds["fast"]["status"] == "success"
    for name in ("slow.pid", "slow.grandchild.pid"):
        assert not alive(int((project / name).read_text()))


def test_cycle_is_an_error_before_anything_runs(tmp_path: Path):
    project = make_project(tmp_path, {"a": {"deps": ["c"]}, "b": {"deps": ["a"]}, "c": {"deps": ["b"]}, "d": {}})
    run, report = orchestrate(project)
    assert run.returncode == 1
    assert report is None
    assert "Dependency cycle" in run.stderr
    assert not (project / ".plan" / "temp").exists()


def test_unknown_module_is_an_error(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}})
    run, report = orchestrate(project, "--module", "nope")
    assert run.returncode == 1 and report is None
    assert "nope" in run.stderr and "a" in run.stderr


def test_jobs_and_sequential_are_a_usage_error_everywhere(tmp_path: Path):
    """One rule in the core (OrchestrationOptions.validate), the same answer from the CLI, the
    Python script and pb_run: nothing starts."""
    import sys
    project = make_project(tmp_path, {"a": {}})
    run, report = orchestrate(project, "--jobs", "2", "--sequential")
    assert run.returncode == 64 and report is None, run.stderr
    assert "jobs and sequential exclude each other" in run.stderr
    shim = subprocess.run([sys.executable, str(REPO / "python" / "orchestrate.py"), "run", "--command", "verify",
                           "--project-dir", str(project), "--jobs", "2", "--sequential"],
                          capture_output=True, text=True, timeout=60)
    assert shim.returncode == 2 and "jobs and sequential exclude each other" in shim.stderr, shim.stderr
    assert not (project / ".plan" / "temp").exists()


def test_sigint_cancels_running_builds_and_leaves_no_process(tmp_path: Path):
    project = make_project(tmp_path, {f"m{i}": {"sleep": 60, "grandchild": True} for i in range(4)})
    process = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                                "--jobs", "2", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    # Each build writes its grandchild's pid file, then its own (a loaded machine may start m1 first).
    started = [project / f"{name}{suffix}" for name in ("m0", "m1") for suffix in (".grandchild.pid", ".pid")]
    deadline = time.monotonic() + 30
    while not all(path.exists() and path.read_text().strip() for path in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(path.exists() for path in started)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert time.monotonic() - sent < 2.5, "cancellation took too long"
    report = json.loads(stdout)
    assert process.returncode == 130
    statuses = {b["module"]: b["status"] for b in report["builds"]}
    assert statuses == {"m0": "cancelled", "m1": "cancelled", "m2": "cancelled", "m3": "cancelled"}
    assert not (project / "m2.pid").exists(), "a build started after the cancellation"
    for name in ("m0", "m1"):
        for suffix in (".pid", ".grandchild.pid"):
            assert not alive(int((project / f"{name}{suffix}").read_text())), f"{name}{suffix} survived"


def test_critical_path_starts_the_long_chain_before_short_leaves(tmp_path: Path):
    # One lane: the chain a → b → c is the longest remaining path, so a starts first although
    # derived-data.json lists the leaves first; the leaves fill in after.
    project = make_project(tmp_path, {
        "leaf1": {"sleep": 0.2}, "leaf2": {"sleep": 0.2},
        "a": {"sleep": 0.2}, "b": {"sleep": 0.2, "deps": ["a"]}, "c": {"sleep": 0.2, "deps": ["b"]},
    })
    run, report = orchestrate(project, "--jobs", "1")
    assert run.returncode == 0, run.stderr
    order = [b["module"] for b in sorted(report["builds"], key=lambda b: b["started_ms"])]
    assert order[:2] == ["a", "b"]


def test_critical_path_uses_learned_durations(tmp_path: Path):
    # A leaf learned as long (60 s) outranks a chain of two builds of unknown length (1 s each).
    project = make_project(tmp_path, {
        "a": {"sleep": 0.1}, "b": {"sleep": 0.1, "deps": ["a"]}, "slow": {"sleep": 0.1},
    })
    (project / ".plan" / "run-configuration.json").write_text(json.dumps(
        {"version": 1, "commands": {"command:verify@slow": {"timeout_seconds": 60}}}))
    run, report = orchestrate(project, "--jobs", "1")
    assert run.returncode == 0, run.stderr
    order = [b["module"] for b in sorted(report["builds"], key=lambda b: b["started_ms"])]
    assert order == ["slow", "a", "b"]


def test_dependencies_in_gradle_and_npm_forms_order_builds(tmp_path: Path):
    project = make_project(tmp_path, {
        "app": {"sleep": 0.1, "deps": ["project::lib:implementation", "@acme/ui:runtime", "react:runtime"]},
        "lib": {"sleep": 0.3},
        "ui": {"sleep": 0.3, "exit": 1},
    })
    path = project / ".plan" / "project-architecture" / "derived-data.json"
    data = json.loads(path.read_text())
    data["modules"]["ui"]["metadata"] = {"package_name": "@acme/ui"}
    path.write_text(json.dumps(data))
    run, report = orchestrate(project, "--jobs", "3")
    builds = by_module(report)
    assert builds["lib"]["status"] == "success"
    assert builds["app"]["status"] == "skipped" and "ui" in builds["app"]["reason"]
