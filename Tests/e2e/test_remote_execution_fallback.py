"""Remote execution that cannot be used never fails a run: a cluster that is not there at the start
makes every build run here with one warning line, in process, through the build server (the options
pass through pb_run) and through orchestrate.py's run_many. Stand-in Maven modules
(remote_cache_support.stand_in_project): the test is about PlanBuild's machinery, not the tool."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

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
