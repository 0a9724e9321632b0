"""Cancellation from C (pb_cancel) and from Python (KeyboardInterrupt), and progress delivery to
a Python callable: result returned, builds cancelled, no process of theirs left."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from orchestration_support import REPO, alive, make_project

LIBRARY_DIR = Path(os.environ.get("PLANBUILD_LIBRARY", REPO / ".build" / "release" / "libplanbuild.so")).parent
PYTHON_SHIMS = REPO / "python"


def hanging_project(root: Path) -> Path:
    return make_project(root, {f"m{i}": {"sleep": 60, "grandchild": True} for i in range(4)})


def assert_no_process_left(project: Path, modules):
    for name in modules:
        for suffix in (".pid", ".grandchild.pid"):
            pid_file = project / f"{name}{suffix}"
            assert pid_file.exists(), pid_file
            pid = int(pid_file.read_text())
            deadline = time.monotonic() + 2
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not alive(pid), f"{pid_file.name} ({pid}) survived the cancellation"


def test_cancel_from_c(tmp_path: Path):
    binary = tmp_path / "orchestration_cancel_test"
    subprocess.run(["cc", "-Wall", "-Wextra", "-Werror", "-I", str(REPO / "include"),
                    str(REPO / "Tests" / "c" / "orchestration_cancel_test.c"), "-o", str(binary),
                    f"-L{LIBRARY_DIR}", "-lplanbuild", f"-Wl,-rpath,{LIBRARY_DIR}", "-lpthread"], check=True)
    project = hanging_project(tmp_path / "project")
    started = time.monotonic()
    run = subprocess.run([str(binary), str(project)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert time.monotonic() - started < 10
    report = json.loads(run.stdout.splitlines()[0])
    assert [b["status"] for b in report["builds"]] == ["cancelled"] * 4
    assert "unknown handle gives 0" in run.stdout
    assert_no_process_left(project, ["m0", "m1"])


DRIVER = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {shims!r})
    from orchestrate import run_many
    events = []
    report = run_many('verify', jobs=2, project_dir={project!r}, on_progress=events.append)
    print(json.dumps({{'report': report, 'events': events}}))
""")


def test_keyboard_interrupt_in_python_cancels(tmp_path: Path):
    project = hanging_project(tmp_path / "project")
    script = tmp_path / "driver.py"
    script.write_text(DRIVER.format(shims=str(PYTHON_SHIMS), project=str(project)))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while not (project / "m1.grandchild.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=20)
    assert time.monotonic() - sent < 3, "cancellation took too long"
    assert process.returncode == 0, stderr
    output = json.loads(stdout)
    report = output["report"]
    assert report["interrupted"] is True
    assert [b["status"] for b in report["builds"]] == ["cancelled"] * 4
    assert_no_process_left(project, ["m0", "m1"])
    assert not (project / "m2.pid").exists()


def test_progress_events_are_complete_and_ordered(tmp_path: Path):
    sys.path.insert(0, str(PYTHON_SHIMS))
    from orchestrate import run_many

    project = make_project(tmp_path, {"a": {"sleep": 0.2}, "b": {"sleep": 0.1, "exit": 1}, "c": {"deps": ["a"]},
                                      "d": {"deps": ["b"]}})
    events = []
    report = run_many("verify", jobs=2, project_dir=str(project), on_progress=events.append)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert events[0]["total"] == 4 and isinstance(events[0]["handle"], int)
    for module in ("a", "b", "c"):
        mine = [e["event"] for e in events if e.get("module") == module]
        assert mine == ["build_started", "build_finished"], (module, mine)
    assert [e["event"] for e in events if e.get("module") == "d"] == ["build_skipped"]
    finished = {e["module"]: e for e in events if e["event"] == "build_finished"}
    assert finished["b"]["status"] == "error" and finished["a"]["status"] == "success"
    progress = [e for e in events if e["event"] == "progress"]
    assert progress[-1]["percent"] == 100.0 and progress[-1]["completed"] == 4
    assert all(later["completed"] >= earlier["completed"] for earlier, later in zip(progress, progress[1:]))
    assert all({"running", "pending", "failed", "elapsed_seconds", "eta_seconds"} <= set(e) for e in progress)
    assert report["status"] == "partial"
    assert report["stats"]["fastest"] is not None and report["stats"]["slowest"] is not None


def test_a_raising_callback_does_not_break_the_run(tmp_path: Path, capsys):
    sys.path.insert(0, str(PYTHON_SHIMS))
    from orchestrate import run_many

    project = make_project(tmp_path, {f"m{i}": {"sleep": 0.05} for i in range(5)})
    calls = []

    def explode(event):
        calls.append(event["event"])
        if event["event"] == "build_started":
            time.sleep(0.05)  # blocks briefly, too
            raise RuntimeError("callback failure")

    report = run_many("verify", jobs=3, project_dir=str(project), on_progress=explode)
    assert report["status"] == "success" and report["succeeded"] == 5
    assert calls.count("build_finished") == 5 and calls[-1] == "run_finished"
    assert "callback failure" in capsys.readouterr().err


def test_python_script_through_the_executor(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}, "b": {"exit": 1}})
    run = subprocess.run([sys.executable, str(REPO / ".plan" / "execute-script.py"),
                          "plan-marshall:build-orchestrator:orchestrate", "run", "--command", "verify",
                          "--project-dir", str(project), "--format", "json", "--sequential"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert [b["status"] for b in report["builds"]] == ["success", "error"]
    assert "started  a" in run.stderr
