"""`planbuild watch` through the build server (a fake-module project: the subject is the rounds'
way to the server): each round is a job of the server, a change during a round cancels that job,
and SIGINT ends the command with nothing of the project running."""
import json
import signal
import subprocess
import time
from pathlib import Path

from orchestration_support import PLANBUILD, make_project
from server_support import Server, wait_for


def events(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def finished(path: Path, number: int) -> bool:
    return any(e["event"] == "run_finished" and e.get("run") == number for e in events(path))


def test_rounds_run_as_jobs_of_the_build_server(tmp_path: Path):
    project = make_project(tmp_path / "project", {"base": {"sleep": 0.2}, "app": {"sleep": 3, "deps": ["base"]}})
    for name in ["base", "app"]:
        (project / name / "src").mkdir(parents=True)
        (project / name / "src" / "Main.java").write_text(f"class {name} {{}}\n")
    server = Server(tmp_path / "server").start()
    log = tmp_path / "events.jsonl"
    watch = subprocess.Popen([str(PLANBUILD), "watch", "--project-dir", str(project), "--command", "verify",
                              "--execution-mode", "server", "--events", str(log), "--debounce", "100"],
                             env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: finished(log, 1), 60), "round 1"
        assert sorted(e["module"] for e in events(log) if e["event"] == "build_started" and e.get("run") == 1) == ["app", "base"]
        # The round was a job of the server.
        listed = server.planbuild("server", "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        jobs = json.loads(listed.stdout)
        assert [job["kind"] for job in jobs] == ["orchestration"], jobs

        # A change of app during its 3 s build: the job is cancelled, the next round builds app again.
        (project / "app" / "src" / "Main.java").write_text("class app { int a; }\n")
        assert wait_for(lambda: any(e["event"] == "build_started" and e.get("run") == 2 and e["module"] == "app"
                                    for e in events(log)), 30), "round 2 starts app"
        time.sleep(0.5)
        (project / "app" / "src" / "Main.java").write_text("class app { int b; }\n")
        assert wait_for(lambda: finished(log, 3), 60), "round 3 after the restart"
        round2 = [e for e in events(log) if e.get("run") == 2]
        assert any(e["event"] == "build_finished" and e["status"] == "cancelled" for e in round2), round2
        assert [e["module"] for e in events(log) if e["event"] == "build_started" and e.get("run") == 3] == ["app"]

        watch.send_signal(signal.SIGINT)
        _, errors = watch.communicate(timeout=30)
        assert watch.returncode == 130, errors
        assert "round 2 cancelled: files changed, starting again" in errors
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()
        server.stop()
