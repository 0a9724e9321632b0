"""`planbuild watch` in tmux on a copy of the Maven example (faults fixed, service depending on core
and web on service): the first round builds everything; an edit of core rebuilds core, service and
web in that order; an edit of web rebuilds only web; an edit while a round runs cancels it and
starts again; Ctrl-C during that build ends the command with no process of the project left and the
cursor shown."""
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import chain, copy_example
from orchestration_support import PLANBUILD

pytestmark = pytest.mark.real_tool

CORE_SOURCE = "core/src/main/java/com/example/core/TextUtils.java"
WEB_SOURCE = "web/src/main/java/com/example/web/GreetingController.java"


class Tmux:
    """A private tmux server (its own socket) running one command in a 160×40 pane."""

    def __init__(self, folder: Path, command: list[str]):
        self.socket = str(folder / "tmux.sock")
        # The command waits a moment, so that the pipe below is in place before it writes.
        # The pane inherits the tmux server's environment, the test's: CI=true (as in CI) or
        # NO_COLOR would make it a plain log instead of a terminal display.
        self.run("new-session", "-d", "-s", "watch", "-x", "160", "-y", "40",
                 "unset CI NO_COLOR; sleep 0.5; exec " + " ".join(f"'{word}'" for word in command))
        self.run("set-option", "-t", "watch", "remain-on-exit", "on")
        # Every byte the command writes, for the terminal's state at its end (a dead pane shows
        # no cursor, whatever the command left).
        self.raw = folder / "pane.raw"
        self.run("pipe-pane", "-t", "watch", "-o", f"cat >> '{self.raw}'")

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, *args], check=True, capture_output=True, text=True,
                              timeout=30).stdout

    def pane(self, what: str) -> str:
        return self.run("display-message", "-p", "-t", "watch", what).strip()

    def exit_status(self) -> str:
        """The dead pane's exit status ("signal N" when killed). tmux 3.3 sometimes leaves the
        command a zombie for a while after its terminal closed (pane dead, no status yet): then
        the status is read where the kernel keeps it, the last field of /proc/PID/stat."""
        status, signal_number = self.pane("#{pane_dead_status}"), self.pane("#{pane_dead_signal}")
        if status or signal_number:
            return status or f"signal {signal_number}"
        stat = Path(f"/proc/{self.pane('#{pane_pid}')}/stat").read_text()
        raw = int(stat.rsplit(")", 1)[1].split()[-1])  # exit_code, as waitpid reports it
        return str(raw >> 8) if raw & 0x7F == 0 else f"signal {raw & 0x7F}"

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "watch", "-S", "-200")

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


def events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def round_finished(path: Path, number: int):
    return any(e["event"] == "run_finished" and e.get("run") == number for e in events(path))


def started_in(path: Path, number: int) -> list[str]:
    return [e["module"] for e in events(path) if e["event"] == "build_started" and e.get("run") == number]


def project_processes(project: Path) -> list[str]:
    """Processes whose command line or working directory names the project."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            folder = os.readlink(entry / "cwd")
        except OSError:
            continue
        if command.startswith("tmux "):  # the test's tmux server names the command it started
            continue
        if str(project) in command or folder.startswith(str(project)):
            found.append(f"{entry.name}: {command}")
    return found


def test_watch_rebuilds_what_each_edit_affects(tmp_path: Path):
    project = copy_example("maven-multi", tmp_path / "maven-multi", fixed=True)
    chain(project)
    log = tmp_path / "events.jsonl"
    tmux = Tmux(tmp_path, [str(PLANBUILD), "watch", "--project-dir", str(project), "--command", "verify",
                           "--jobs", "2", "--events", str(log)])
    try:
        # Round 1: everything.
        wait_for(lambda: round_finished(log, 1), 600, "the first round")
        assert sorted(started_in(log, 1)) == ["core", "service", "web"]

        # An edit of core: core, service and web, each after what it depends on.
        source = project / CORE_SOURCE
        source.write_text(source.read_text() + "\n// edited by the watch test\n")
        wait_for(lambda: round_finished(log, 2), 600, "the round after editing core")
        assert started_in(log, 2) == ["core", "service", "web"]
        finished = {e["module"]: e for e in events(log) if e["event"] == "build_finished" and e.get("run") == 2}
        assert all(finished[m]["status"] == "success" for m in ["core", "service", "web"]), finished

        # An edit of web: web only.
        web = project / WEB_SOURCE
        web.write_text(web.read_text() + "\n// edited by the watch test\n")
        wait_for(lambda: round_finished(log, 3), 600, "the round after editing web")
        assert started_in(log, 3) == ["web"]

        # An edit while a round runs: that round is cancelled and the next one builds it again. Web,
        # which nothing depends on, keeps the Maven round trips few (each costs seconds of a core).
        web.write_text(web.read_text() + "// again\n")
        wait_for(lambda: "web" in started_in(log, 4), 120, "web's build in round 4")
        web.write_text(web.read_text() + "// and again, during the build\n")
        wait_for(lambda: "web" in started_in(log, 5), 120, "web's build in the restarted round")
        round4 = [e for e in events(log) if e.get("run") == 4]
        assert any(e["event"] == "build_finished" and e["status"] == "cancelled" for e in round4) \
            or any(e["event"] == "build_skipped" for e in round4), round4
        assert started_in(log, 5) == ["web"]
        wait_for(lambda: "cancelled: files changed, starting again" in tmux.screen(), 30, "the line saying why")

        # Ctrl-C while that build runs: the command ends, nothing of the project runs, the cursor is back.
        tmux.run("send-keys", "-t", "watch", "C-c")
        wait_for(lambda: tmux.pane("#{pane_dead}") == "1", 30, "the command to end")
        assert tmux.exit_status() == "130"
        assert not any(e["event"] == "build_finished" and e.get("run") == 5 and e["status"] == "success"
                       for e in events(log)), "Ctrl-C came after the build had ended; the test proves nothing"
        written = tmux.raw.read_bytes()
        assert b"\x1b[?25l" in written  # the live display hid the cursor …
        assert written.rfind(b"\x1b[?25h") > written.rfind(b"\x1b[?25l")  # … and showed it again last
        time.sleep(1)
        assert project_processes(project) == []
    finally:
        tmux.kill()
