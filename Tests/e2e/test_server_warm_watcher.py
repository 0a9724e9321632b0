"""The build server keeps a file watcher of each project it built: with it warm, deciding that
nothing changed opens and stats no input file, and deciding one change looks at that file only.
The server runs under strace (every system call that names a file, with its time), so the test
sees exactly which input files each decision touched."""
import datetime
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from orchestration_support import REPO, make_project
from server_support import Server, wait_for

CLI = REPO / ".build" / "release" / "planbuild-cli"
FILES_PER_MODULE = 30


def source_name(module: str, index: int) -> str:
    return f"Watched{module.capitalize()}{index:03d}.java"


def traced_names(trace: Path, start: str, end: str) -> set:
    """The watched source files named by a system call between `start` and `end` (HH:MM:SS.ffffff)."""
    names = set()
    for line in trace.read_text(errors="replace").splitlines():
        match = re.match(r"^\d+\s+(\d\d:\d\d:\d\d\.\d+) (.*)$", line)
        if not match or not (start <= match.group(1) <= end):
            continue
        names.update(re.findall(r"Watched[A-Za-z]+\d{3}\.java", match.group(2)))
    return names


def now() -> str:
    return datetime.datetime.now().strftime("%H:%M:%S.%f")


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_a_warm_no_change_decision_touches_no_input_file(tmp_path: Path):
    project = make_project(tmp_path / "project", {"base": {}, "lib": {"deps": ["base"]}, "app": {"deps": ["lib"]}})
    for module in ["base", "lib", "app"]:
        for index in range(FILES_PER_MODULE):
            path = project / module / "src" / "pkg" / source_name(module, index)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"class C{index} {{}}\n")
    # Older than the racy window (FileIdentity: 0.1 s, 2 s on a file system of whole seconds), so
    # the first run records their identities and the next trusts them.
    time.sleep(2.2)
    server = Server(tmp_path / "server")
    trace = tmp_path / "server.trace"
    traced = subprocess.Popen(["strace", "-f", "-tt", "-qq", "-e", "trace=%file", "-o", str(trace), str(CLI), "server", "run"],
                              env=server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: server.socket.exists(), 60), "the traced server did not start"

        def orchestrate():
            run = server.planbuild("orchestrate", "--project-dir", str(project), "--command", "verify", "--format", "json",
                                   "--execution-mode", "server", timeout=300)
            assert run.returncode == 0, run.stderr
            return json.loads(run.stdout)

        first = orchestrate()  # builds, records, and makes the project's watcher
        assert [b["status"] for b in first["builds"]] == ["success"] * 3

        start = now()
        second = orchestrate()
        end = now()
        assert [b["status"] for b in second["builds"]] == ["cached"] * 3
        assert not second.get("cache_warnings"), second
        assert traced_names(trace, start, end) == set()

        changed = project / "lib" / "src" / "pkg" / source_name("lib", 7)
        changed.write_text("class C7 { int changed; }\n")
        time.sleep(0.2)

        # A dry run goes to the server too: decided with its watcher (only the changed file is
        # looked at), the same decisions as a dry run decided in the client's own process.
        def dry_run(mode):
            run = server.planbuild("orchestrate", "--project-dir", str(project), "--command", "verify", "--format", "json",
                                   "--dry-run", "--execution-mode", mode, timeout=300)
            assert run.returncode == 0, run.stderr
            return run
        start = now()
        served = dry_run("server")
        end = now()
        assert "build server job" in served.stderr
        assert traced_names(trace, start, end) == {source_name("lib", 7)}
        assert served.stdout == dry_run("in_process").stdout
        actions = {m["module"]: (m["action"], m.get("cache_miss", {}).get("reason")) for m in json.loads(served.stdout)["modules"]}
        assert actions == {"base": ("cached", None), "lib": ("run", "inputs_changed"), "app": ("run", "dependency_changed")}

        start = now()
        third = orchestrate()
        end = now()
        statuses = {b["module"]: b["status"] for b in third["builds"]}
        assert statuses == {"base": "cached", "lib": "success", "app": "success"}
        assert third["builds"][1]["cache_miss"]["modified"] == [f"lib/src/pkg/{source_name('lib', 7)}"]
        assert traced_names(trace, start, end) == {source_name("lib", 7)}
    finally:
        server.stop()
        traced.wait(timeout=30)
