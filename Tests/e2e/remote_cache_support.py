"""The remote build cache's tests share these: `planbuild orchestrate --command package` and what its
report says about the cache, servers that fail on purpose (one that goes down during a run, one that
never answers), and a project of stand-in Maven modules for the tests about the cache, the transport
and the server rather than the tool: each module's `package` is a small shell script that writes
its jar from its sources at once, so a failure mode costs no Maven run. The real Maven round trip is
test_remote_cache_maven.py's."""
import contextlib
import json
import socket
import subprocess
import threading
from pathlib import Path

from hostile_http import hostile_server
from orchestration_support import PLANBUILD

MODULES = ("core", "service", "web")

# Stands in for `mvn package -pl MODULE`: the jar is the module's sources, and each run is noted in
# builds.txt (no input of any module), so a test sees which modules were built and which came from
# a cache.
PACKAGE = """#!/bin/sh
set -e
module=$1
mkdir -p "$module/target"
cat "$module"/src/main/java/*.java > "$module/target/$module-1.0.jar"
echo "$module" >> builds.txt
echo "[INFO] Building $module"
echo "[INFO] BUILD SUCCESS"
"""


def stand_in_project(root: Path) -> Path:
    """Three modules, service → core and web → service, each with a source file and the command
    `sh package.sh MODULE` (relative, so that copies at other paths share cache keys)."""
    (root / ".plan" / "project-architecture").mkdir(parents=True)
    (root / "package.sh").write_text(PACKAGE)
    modules = {}
    for index, name in enumerate(MODULES):
        source = root / name / "src" / "main" / "java"
        source.mkdir(parents=True)
        (source / f"{name.title()}.java").write_text(f"class {name.title()} {{}}\n")
        modules[name] = {"name": name, "build_systems": ["maven"],
                         "paths": {"module": name, "sources": [f"{name}/src/main/java"]},
                         "dependencies": list(MODULES[index - 1:index]),
                         "commands": {"package": f"sh package.sh {name}"}}
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": root.name}, "modules": modules}))
    return root


def built(project: Path) -> list:
    """The modules the stand-in built in PROJECT, in order."""
    path = project / "builds.txt"
    return path.read_text().split() if path.exists() else []


def package(project: Path, *args: str, env=None, timeout: float = 900):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                          "--format", "json", "--jobs", "3", *args],
                         capture_output=True, text=True, timeout=timeout, env=env)
    assert run.stdout.strip().startswith("{"), (run.stdout, run.stderr)
    return run, json.loads(run.stdout)


def rows(report) -> dict:
    return {b["module"]: b for b in report["builds"]}


def statuses(report) -> dict:
    return {b["module"]: (b["status"], b.get("cache")) for b in report["builds"]}


def stats(project: Path) -> dict:
    run = subprocess.run([str(PLANBUILD), "cache", "stats", "--project-dir", str(project), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def remote_warnings(report) -> list:
    return [w for w in report.get("cache_warnings", []) if w.startswith("remote cache")]


def nothing_incoming(project: Path) -> bool:
    """No half-downloaded file is left where downloads are put before they are checked."""
    return not any((project / ".plan" / "build-cache" / ".incoming").iterdir())


def configure_remote(project: Path, remote: dict) -> Path:
    """Sets `incremental.remote` in the project's run-configuration.json."""
    config = project / ".plan" / "run-configuration.json"
    settings = json.loads(config.read_text()) if config.exists() else {}
    settings["incremental"] = {"remote": remote}
    config.write_text(json.dumps(settings))
    return config


@contextlib.contextmanager
def dying_server(data: Path, answers: int):
    """Serves GETs from a cache server's data folder for the first `answers` requests, then stops
    listening (later connections are refused, later requests on an open connection get no answer),
    as a server that goes down during a run."""
    state = {"served": 0}
    lock = threading.Lock()

    def respond(handler):
        with lock:
            state["served"] += 1
            served = state["served"]
        if served > answers:
            handler.close_connection = True
            return  # no answer at all
        handler.files(data)
        if served == answers:
            server = handler.server
            threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True).start()

    with hostile_server(respond) as server:
        yield server.url


@contextlib.contextmanager
def silent_server():
    """Accepts connections and never answers: a server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def closed_port_url() -> str:
    """The URL of a port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"
