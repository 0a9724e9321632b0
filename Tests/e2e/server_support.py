"""The build server in the end-to-end tests: each test starts its own server in its own runtime
folder (XDG_RUNTIME_DIR in the test's temporary folder) with its own config file, and stops it
(or kills what is left of it) at the end; the tests are safe under pytest-xdist.

A fake-wrapper project stands in for a build tool: its `mvnw` records each build's start and end
(name, time, pid) and sleeps, so the tests can see what ran, when and how often.
"""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

from orchestration_support import PLANBUILD, REPO
from process_support import group_alive, process_alive  # noqa: F401 (tests import them from here)

PYTHON_SHIMS = REPO / "python"


def wait_for(predicate, seconds: float = 15, step: float = 0.02):
    """True as soon as `predicate()` is; False when `seconds` passed (polling is for outside events)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


class Server:
    """One build server of one test: its folders, environment and commands."""

    def __init__(self, root: Path, max_slots: int = 2):
        self.root = root
        self.runtime = root / "xdg-run"
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.runtime.chmod(0o700)
        self.config = root / "xdg-config"
        (self.config / "planbuild").mkdir(parents=True, exist_ok=True)
        self.set_slots(max_slots)
        self.env = dict(os.environ, XDG_RUNTIME_DIR=str(self.runtime), XDG_CONFIG_HOME=str(self.config),
                        PLANBUILD_EXECUTION_MODE="auto")
        self.folder = self.runtime / "planbuild"
        self.socket = self.folder / "server.sock"

    def set_slots(self, count: int):
        (self.config / "planbuild" / "config.json").write_text(json.dumps({"server": {"max_slots": count}}))

    def planbuild(self, *args: str, timeout: float = 120, env=None) -> subprocess.CompletedProcess:
        return subprocess.run([str(PLANBUILD), *args], env=env or self.env, capture_output=True, text=True, timeout=timeout)

    def start(self):
        started = self.planbuild("server", "start")
        assert started.returncode == 0, started.stderr
        return self

    @property
    def pid(self):
        try:
            return int((self.folder / "server.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def status(self) -> dict:
        answer = self.planbuild("server", "status", "--format", "json")
        assert answer.returncode == 0, answer.stderr
        return json.loads(answer.stdout)

    def stop(self):
        pid = self.pid
        if self.socket.exists():
            self.planbuild("server", "stop", "--timeout", "20")
        if pid and process_alive(pid):
            os.kill(pid, signal.SIGKILL)

    def client(self) -> "Client":
        return Client(self.socket)


class Client:
    """A raw protocol client: one connection, JSON lines."""

    def __init__(self, path: Path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(str(path))
        self.buffer = b""
        self.seq = 0

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, message: dict) -> int:
        self.seq += 1
        message = dict({"protocol": 1, "seq": self.seq}, **message)
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        return self.seq

    def receive(self, timeout: float = 30) -> dict:
        self.sock.settimeout(timeout)
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def ask(self, message: dict, timeout: float = 30) -> dict:
        """Sends `message` and returns the reply to it (events on the way are skipped)."""
        seq = self.send(message)
        while True:
            reply = self.receive(timeout)
            if reply.get("seq") == seq and reply.get("op") != "event":
                return reply

    def submit_build(self, project: Path, args: str, **members) -> str:
        request = dict({"project_dir": str(project), "system": "maven", "args": args}, **members)
        reply = self.ask({"op": "submit", "kind": "build", "request": request, "context": context()})
        assert reply["op"] == "submitted", reply
        return reply["job"]

    def close(self):
        self.sock.close()


def context(cwd: str = None) -> dict:
    return {"cwd": cwd or os.getcwd(), "environment": [f"{k}={v}" for k, v in os.environ.items()], "umask": 0o022}


FAKE_MVNW = """#!/bin/sh
# A fake Maven wrapper: records its start and end, sleeps, exits as asked; -Dgate=FILE waits
# (at most 60 s) until FILE exists, so a test decides when a build ends, whatever the load.
name=build; pause=0.3; code=0; gate=
for word in "$@"; do
  case "$word" in
    -Dname=*) name=${word#-Dname=} ;;
    -Dsleep=*) pause=${word#-Dsleep=} ;;
    -Dexit=*) code=${word#-Dexit=} ;;
    -Dgate=*) gate=${word#-Dgate=} ;;
    -Dkill) kill -9 $$ ;;
  esac
done
echo "start $name $(date +%s.%N) $$ $(umask) ${PLANBUILD_TEST_MARK:-none}" >> "RECORD"
echo "building $name"
sleep "$pause"
if [ -n "$gate" ]; then
  tries=0
  while [ ! -e "$gate" ] && [ $tries -lt 600 ]; do sleep 0.1; tries=$((tries + 1)); done
fi
echo "end $name $(date +%s.%N) $$" >> "RECORD"
exit "$code"
"""


def fake_project(root: Path, name: str = "project", incremental: bool = False) -> Path:
    """A project whose `mvnw` is the fake wrapper, recording beside the project (the record is no
    input of the build). `incremental`: the single-run build cache is on, so a build has an input
    digest (and the server may join a running one)."""
    project = root / name
    (project / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    (project / "src").mkdir(exist_ok=True)
    (project / "src" / "Main.java").write_text("class Main {}\n")
    wrapper = project / "mvnw"
    wrapper.write_text(FAKE_MVNW.replace("RECORD", str(record_file(project))))
    wrapper.chmod(0o755)
    if incremental:
        (project / ".plan" / "run-configuration.json").write_text(json.dumps({"incremental": {"enabled": True}}))
    (project / ".plan" / "project-architecture" / "derived-data.json").write_text(json.dumps({
        "project": {"name": name},
        "modules": {name: {"name": name, "paths": {"module": "."}, "dependencies": [], "commands": {}}},
    }))
    return project


def record_file(project: Path) -> Path:
    return project.parent / f"{project.name}-record.txt"


def records(project: Path) -> list:
    """(kind, name, time, pid, umask, mark) of each line the fake wrapper wrote."""
    path = record_file(project)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split()
        rows.append((parts[0], parts[1], float(parts[2]), int(parts[3]), parts[4] if len(parts) > 4 else None,
                     parts[5] if len(parts) > 5 else None))
    return rows


def starts(project: Path) -> list:
    return [row for row in records(project) if row[0] == "start"]


def orchestration_project(root: Path, modules: dict) -> Path:
    """Modules whose `verify` is a script recording beside the project: name → {"sleep", "deps"}."""
    project = root / "orchestrated"
    (project / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, spec in modules.items():
        folder = project / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "input.txt").write_text(f"module {name}\n")
        script = project / f"build-{name}.sh"
        script.write_text("#!/bin/sh\n"
                          f"echo \"start {name} $(date +%s.%N) $$\" >> '{record_file(project)}'\n"
                          f"sleep {spec.get('sleep', 0.3)}\n"
                          f"echo \"end {name} $(date +%s.%N) $$\" >> '{record_file(project)}'\n"
                          f"exit {spec.get('exit', 0)}\n")
        script.chmod(0o755)
        entries[name] = {"name": name, "paths": {"module": name}, "dependencies": spec.get("deps", []),
                         "commands": {"verify": str(script)}}
    (project / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": "orchestrated"}, "modules": entries}))
    return project


def python_client(server: Server, code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `code` in a Python process with the shims on its path and the server's environment."""
    env = dict(server.env, PYTHONPATH=str(PYTHON_SHIMS))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def private(path: Path) -> bool:
    """Mode bits for group and others are all clear."""
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
