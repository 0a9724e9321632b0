"""Remote execution that cannot be used never fails a run: a cluster that is not there at the start
makes every build run here with one warning line, in process, through the build server (the options
pass through pb_run) and through orchestrate.py's run_many; a cancelled run cancels its action on
the cluster. Stand-in Maven modules
(remote_cache_support.stand_in_project): the test is about PlanBuild's machinery, not the tool."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from buildgrid_support import buildgrid
from orchestration_support import PLANBUILD, REPO
from remote_cache_support import MODULES, built, stand_in_project
from server_support import Server


def nowhere() -> str:
    """A grpc:// URL where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"grpc://127.0.0.1:{probe.getsockname()[1]}"


def check(report: dict) -> None:
    assert {b["module"]: (b["status"], b.get("executed")) for b in report["builds"]} == \
        {m: ("success", "local") for m in MODULES}
    warnings = [w for w in report.get("cache_warnings", []) if w.startswith("remote execution")]
    assert len(warnings) == 1 and "built locally" in warnings[0], report.get("cache_warnings")


def test_a_cluster_that_is_not_there_leaves_every_build_to_this_machine(tmp_path: Path):
    project = stand_in_project(tmp_path / "project")
    url = nowhere()
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                          "--format", "json", "--no-cache", "--remote-execution", url], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, (run.stdout, run.stderr)
    check(json.loads(run.stdout))
    assert sorted(built(project)) == sorted(MODULES)

    # An instance without a cluster, or a URL that is not grpc://, is a usage error before anything runs.
    for args in (["--instance", "main"], ["--remote-execution", "http://127.0.0.1:1"]):
        bad = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package", *args],
                             capture_output=True, text=True, timeout=60)
        assert bad.returncode == 64, (bad.stdout, bad.stderr)

    # orchestrate.py's run_many hands the members to pb_run.
    code = ("import json, orchestrate; print(json.dumps(orchestrate.run_many('package', project_dir=%r, cache=False, "
            "remote_execution=%r)))" % (str(project), url))
    shim = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(REPO / "python"),
                                   PLANBUILD_LIBRARY=str(REPO / ".build" / "release" / "libplanbuild.so")))
    assert shim.returncode == 0, shim.stderr
    check(json.loads(shim.stdout))


def test_the_options_pass_through_the_build_server(tmp_path: Path):
    project = stand_in_project(tmp_path / "project")
    server = Server(tmp_path / "server").start()
    try:
        served = server.planbuild("orchestrate", "--project-dir", str(project), "--command", "package", "--format", "json",
                                  "--no-cache", "--remote-execution", nowhere(), "--execution-mode", "server", timeout=300)
        assert served.returncode == 0, (served.stdout, served.stderr)
        check(json.loads(served.stdout))
    finally:
        server.stop()


def test_a_cancelled_run_cancels_its_action_on_the_cluster(tmp_path: Path):
    """SIGINT to orchestrate while its build runs on a worker: the run ends cancelled (exit 130),
    the client cancels the operation (CancelOperation), and the server takes the lease back from
    the worker, which ends the command ("cancelled by the server")."""
    project = stand_in_project(tmp_path / "project")
    (project / "package.sh").write_text("#!/bin/sh\necho started\nsleep 60\n")
    # The script the command runs is an input of every build (so it is in every action's input root).
    (project / ".plan" / "run-configuration.json").write_text(json.dumps({"incremental": {"global_inputs": ["package.sh"]}}))
    with buildgrid(tmp_path / "grid") as server:
        work = tmp_path / "worker"
        work.mkdir()
        log_path = tmp_path / "worker.log"
        with open(log_path, "wb") as log:
            worker = subprocess.Popen([str(PLANBUILD), "worker", "--server", server.target, "--name", "w1",
                                       "--work-dir", str(work), "--platform", "tools=maven,jdk"],
                                      stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            run = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                                    "--format", "json", "--module", "core", "--remote-execution", server.target],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120
            while ": started" not in log_path.read_text():
                assert run.poll() is None and time.monotonic() < deadline, (run.communicate(), log_path.read_text())
                time.sleep(0.1)
            run.send_signal(signal.SIGINT)
            out, err = run.communicate(timeout=60)
            assert run.returncode == 130, (out, err)
            report = json.loads(out)
            assert [b["status"] for b in report["builds"]] == ["cancelled"], report
            deadline = time.monotonic() + 30
            while "cancelled" not in log_path.read_text():
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        finally:
            worker.kill()
            worker.wait()
