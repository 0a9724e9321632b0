"""Remote execution's machinery under real orchestrations on BuildGrid, with stand-in Maven modules
(remote_cache_support.stand_in_project) whose build takes a moment: these tests are about the
client, the workers and the server, not the tool (test_remote_execution_maven.py runs Maven).
- A worker killed with kill -9 in the middle of an action: BuildGrid notices the silent session
  (its keep-alive), hands the action to the other worker, and every build ends a success on the
  cluster, the killed worker's on the survivor, its jar in place.
- The server stopped after the first build: the rest builds here, with one warning.
- `--remote-cache grpc://…`: the shared cache on BuildGrid's ActionCache and CAS, no worker."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from buildgrid_support import buildgrid
from orchestration_support import PLANBUILD
from remote_cache_support import MODULES, built, package, rows, stand_in_project

# The stand-in's build, slowed so that a worker can be killed while it runs.
SLOW_PACKAGE = """#!/bin/sh
set -e
module=$1
echo "[INFO] Building $module"
sleep {seconds}
mkdir -p "$module/target"
cat "$module"/src/main/java/*.java > "$module/target/$module-1.0.jar"
echo "$module" >> builds.txt
echo "[INFO] BUILD SUCCESS"
"""


def slow_project(root: Path, seconds: int) -> Path:
    """The stand-in modules, each build taking SECONDS; the script is a project-wide input, so it
    is in every action's input root."""
    project = stand_in_project(root)
    (project / "package.sh").write_text(SLOW_PACKAGE.format(seconds=seconds))
    (project / ".plan" / "run-configuration.json").write_text(json.dumps({"incremental": {"global_inputs": ["package.sh"]}}))
    return project


def start_worker(server, root: Path, name: str) -> subprocess.Popen:
    work = root / name
    work.mkdir()
    with open(root / f"{name}.log", "wb") as log:
        return subprocess.Popen([str(PLANBUILD), "worker", "--server", server.target, "--name", name,
                                 "--work-dir", str(work), "--platform", "tools=maven,jdk"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def test_a_worker_killed_during_an_action_leaves_the_build_to_the_other_worker(tmp_path: Path):
    project = slow_project(tmp_path / "project", 3)
    with buildgrid(tmp_path / "grid") as server:
        workers = {name: start_worker(server, tmp_path, name) for name in ("w1", "w2")}
        try:
            server.wait_for_bot_sessions(2)
            run = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                                    "--format", "json", "--remote-execution", server.target],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            # The first lease any worker starts: that worker dies at once, its command with it.
            deadline = time.monotonic() + 120
            victim = None
            while victim is None:
                assert run.poll() is None and time.monotonic() < deadline, run.communicate()
                victim = next((name for name in workers if ": started" in (tmp_path / f"{name}.log").read_text()), None)
                time.sleep(0.05)
            os.killpg(workers[victim].pid, signal.SIGKILL)
            workers[victim].wait()
            survivor = "w2" if victim == "w1" else "w1"

            out, err = run.communicate(timeout=300)
            assert run.returncode == 0, (out, err)
            report = json.loads(out)
            rows = {b["module"]: b for b in report["builds"]}
            assert {m: (r["status"], r.get("executed"), r.get("worker")) for m, r in rows.items()} == \
                {m: ("success", "remote", survivor) for m in MODULES}, (report, err)
            assert not [w for w in report.get("cache_warnings", []) if w.startswith("remote execution")]
            for module in MODULES:
                jar = project / module / "target" / f"{module}-1.0.jar"
                assert jar.read_bytes() == (project / module / "src" / "main" / "java" / f"{module.title()}.java").read_bytes()
                assert "BUILD SUCCESS" in Path(rows[module]["log_file"]).read_text()
        finally:
            for worker in workers.values():
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()


def test_a_server_stopped_during_the_run_leaves_the_rest_to_this_machine_with_one_warning(tmp_path: Path):
    project = slow_project(tmp_path / "project", 1)
    events = tmp_path / "events.jsonl"
    with buildgrid(tmp_path / "grid") as server:
        worker = start_worker(server, tmp_path, "w1")
        try:
            server.wait_for_bot_sessions(1)
            # One build at a time: the server goes away after the first one finished.
            run = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                                    "--format", "json", "--jobs", "1", "--events", str(events),
                                    "--remote-execution", server.target],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120
            while '"build_finished"' not in (events.read_text() if events.exists() else ""):
                assert run.poll() is None and time.monotonic() < deadline, run.communicate()
                time.sleep(0.05)
            server.stop()
            out, err = run.communicate(timeout=300)
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert run.returncode == 0, (out, err)
    report = json.loads(out)
    assert {b["status"] for b in report["builds"]} == {"success"}, report
    placed = {b["module"]: b.get("executed") for b in report["builds"]}
    assert placed["core"] == "remote" and "local" in placed.values(), placed
    # Built here: exactly the modules that ran locally (the remote one's builds.txt line was on the worker).
    assert sorted(built(project)) == sorted(m for m, where in placed.items() if where == "local")
    warnings = [w for w in report.get("cache_warnings", []) if w.startswith("remote execution")]
    assert len(warnings) == 1 and "built locally" in warnings[0], report.get("cache_warnings")


def test_the_remote_cache_works_over_reapi_as_over_http(tmp_path: Path):
    """A builds here and uploads, B (a clean copy elsewhere) takes every module from the server
    with A's very jars and logs, building nothing; B's next run is a local hit."""
    a = stand_in_project(tmp_path / "a" / "project")
    b = stand_in_project(tmp_path / "b" / "elsewhere" / "project")
    with buildgrid(tmp_path / "grid") as server:
        run, first = package(a, "--remote-cache", server.target, "--remote-cache-write")
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert {m: r["status"] for m, r in rows(first).items()} == {m: "success" for m in MODULES}
        assert [w for w in first.get("cache_warnings", []) if w.startswith("remote cache")] == []
        run, second = package(b, "--remote-cache", server.target)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert {m: (r["status"], r.get("cache")) for m, r in rows(second).items()} == {m: ("cached", "remote") for m in MODULES}
        assert built(b) == []
        for module in MODULES:
            jar = Path("target") / f"{module}-1.0.jar"
            assert (b / module / jar).read_bytes() == (a / module / jar).read_bytes()
            assert Path(rows(second)[module]["log_file"]).read_bytes() == Path(rows(first)[module]["log_file"]).read_bytes()
    run, third = package(b)
    assert {r.get("cache") for r in third["builds"]} == {"local"}
