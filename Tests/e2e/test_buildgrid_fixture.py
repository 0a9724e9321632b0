"""The BuildGrid fixture (buildgrid_support.py) proven with BuildGrid's own client (`bgd execute
command`) and a bot made of BuildGrid's own client library (buildgrid_bot.py), no PlanBuild code:
an action is routed by its platform properties to the bot that has its tools, runs there, and its
output comes back; a bot killed with SIGKILL in the middle of an action loses its lease to another
bot within seconds; the server can be stopped in the middle of a test; nothing is left running."""
import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from buildgrid_support import BGD, VENV, buildgrid

BOT = Path(__file__).with_name("buildgrid_bot.py")


@contextlib.contextmanager
def bots(server, work: Path):
    """Starts bots on demand (`start(name, *properties)`), each logging to work/NAME.log; all are
    killed at the end."""
    started = []

    def start(name: str, *properties: str) -> subprocess.Popen:
        (work / name).mkdir(parents=True)
        with open(work / f"{name}.log", "wb") as log:
            bot = subprocess.Popen([str(VENV / "bin" / "python"), str(BOT), "--remote", server.target,
                                    "--instance", server.instance, "--name", name, "--work", str(work / name),
                                    *[f"--property={p}" for p in properties]],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        started.append(bot)
        return bot

    try:
        yield start
    finally:
        for bot in started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(bot.pid, signal.SIGKILL)
            bot.wait()


def bot_log(work: Path, name: str) -> str:
    path = work / f"{name}.log"
    return path.read_text() if path.exists() else ""


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def execute(server, folder: Path, shell: str, *properties, timeout: float = 120, background: bool = False):
    """`bgd execute command` of `sh -c SHELL` with the files of folder/input as its input root and
    out.txt as its output, downloaded into folder/testing."""
    (folder / "input").mkdir(parents=True, exist_ok=True)
    (folder / "input" / "in.txt").write_text("input\n")
    args = [str(BGD), "execute", "--remote", server.target.replace("grpc://", "http://"),
            "--instance-name", server.instance, "command", "--output-file", "out.txt"]
    for pair in properties:
        key, _, value = pair.partition("=")
        args += ["-p", key, value]
    # After "--": click would take sh's -c for the command's own -c (--enable-action-cache).
    args += ["--", str(folder / "input"), "sh", "-c", shell]
    if background:
        return subprocess.Popen(args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=timeout)


def test_an_action_runs_on_the_bot_with_its_tools_and_its_output_comes_back(tmp_path):
    with buildgrid(tmp_path) as server, bots(server, tmp_path / "bots") as start:
        start("bot-npm", "OSFamily=Linux", "tools=node", "tools=npm")
        start("bot-maven", "OSFamily=Linux", "tools=jdk", "tools=maven", "tools=python")
        ran = execute(server, tmp_path / "client", "cat in.txt > out.txt; echo hi >> out.txt",
                      "OSFamily=Linux", "tools=jdk", "tools=maven")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "input\nhi\n"
        # Routed by its properties: a subset of bot-maven's tools, none of bot-npm's.
        assert "completed" in bot_log(tmp_path / "bots", "bot-maven")
        assert "running" not in bot_log(tmp_path / "bots", "bot-npm")

        # A property key the server was not configured with is refused at once, not queued forever.
        refused = execute(server, tmp_path / "refused", "true", "OSFamily=Linux", "gpu=yes")
        assert refused.returncode != 0
        assert "Unregistered platform property" in refused.stdout + refused.stderr
    assert server.leftovers() == []


def test_a_killed_bot_loses_its_lease_to_another_bot(tmp_path):
    work = tmp_path / "bots"
    with buildgrid(tmp_path) as server, bots(server, work) as start:
        first = start("bot-a", "OSFamily=Linux", "tools=maven")
        client = execute(server, tmp_path / "client", "sleep 2; echo done > out.txt", "OSFamily=Linux", "tools=maven",
                         background=True)
        wait_for(lambda: "running" in bot_log(work, "bot-a"), 60, "bot-a to take the lease")
        os.killpg(first.pid, signal.SIGKILL)
        killed = time.monotonic()
        start("bot-b", "OSFamily=Linux", "tools=maven")
        wait_for(lambda: "running" in bot_log(work, "bot-b"), 30, "the lease to move to bot-b")
        moved = time.monotonic() - killed
        print(f"the lease moved {moved:.1f} s after bot-a was killed")
        output, _ = client.communicate(timeout=60)
        assert client.returncode == 0, output
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "done\n"
        assert "completed" in bot_log(work, "bot-b")
        # The keepalive is 5 s and the reaper sweeps every second: the lease moves within about 6 s
        # of the bot's last call (bounded loosely: the machine is shared).
        assert moved < 20, f"the lease took {moved:.1f} s to move"
    assert server.leftovers() == []


def test_the_server_can_be_stopped_in_the_middle_of_a_test(tmp_path):
    with buildgrid(tmp_path, instance="main") as server:
        port = int(server.target.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        server.stop()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert server.instance == "main" and server.log.exists()
    assert server.leftovers() == []
