"""`planbuild worker` against a real BuildGrid 0.4.4 (buildgrid_support.py), with actions submitted by
BuildGrid's own client (`bgd execute command`) and their results read back with `bgd operation status`
and `bgd cas download-file`: an action runs and its output file and log come back; an action that asks
for a tool the worker lacks is not given to it; a worker killed with SIGKILL in the middle of an action
loses it to the other worker, and its process tree is ended; a worker told to stop (SIGTERM) hands its
running action back and ends as BOT_TERMINATING.

Needs `.build/release/planbuild-cli` and `planbuild-supervisor` (scripts/setup)."""
import contextlib
import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from buildgrid_support import BGD, bgd_execute, buildgrid, free_port
from process_support import process_alive

REPO = Path(__file__).resolve().parents[2]
PLANBUILD = REPO / "bin" / "planbuild"


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


class Workers:
    """`planbuild worker` processes, each with its own work folder and log (work/NAME.log); all
    ended at the end of the test."""

    def __init__(self, server, work: Path):
        self.server, self.work = server, work
        self.started = {}

    def start(self, name: str, *platform: str, slots: int = 1) -> subprocess.Popen:
        (self.work / name).mkdir(parents=True, exist_ok=True)
        args = [str(PLANBUILD), "worker", "--server", self.server.target, "--instance", self.server.instance,
                "--name", name, "--work-dir", str(self.work / name), "--slots", str(slots)]
        for pair in platform:
            args += ["--platform", pair]
        with open(self.work / f"{name}.log", "wb") as log:
            worker = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        self.started[name] = worker
        wait_for(lambda: " open: " in self.log(name) or worker.poll() is not None, 60, f"{name} to open its session")
        assert worker.poll() is None, self.log(name)
        return worker

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def close(self):
        for worker in self.started.values():
            if worker.poll() is None:
                worker.kill()
            worker.wait()


@contextlib.contextmanager
def cluster(tmp_path: Path):
    """A BuildGrid and the workers a test starts on it (`workers.start(…)`); all stopped at the end,
    and nothing of theirs is left running."""
    with buildgrid(tmp_path) as server:
        workers = Workers(server, tmp_path / "workers")
        try:
            yield server, workers
        finally:
            workers.close()
    assert server.leftovers() == []


def operation_name(bgd_output: str) -> str:
    found = re.findall(r'^name: "([^"]+)"', bgd_output, re.MULTILINE)
    assert found, bgd_output
    return found[-1]


def bgd(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BGD), *args[:1], "--remote", server.target.replace("grpc://", "http://"),
                           "--instance-name", server.instance, *args[1:]], capture_output=True, text=True, timeout=60)


def execute_response(server, bgd_output: str) -> dict:
    """The ExecuteResponse of the operation `bgd execute` printed, as BuildGrid's client reads it."""
    status = bgd(server, "operation", "status", "--json", operation_name(bgd_output))
    assert status.returncode == 0, status.stderr
    return json.loads(status.stdout)["response"]


def blob(server, digest: dict, folder: Path) -> str:
    target = folder / digest["hash"]
    pulled = bgd(server, "cas", "download-file", f"{digest['hash']}/{digest.get('sizeBytes', '0')}", str(target))
    assert pulled.returncode == 0 and target.exists(), pulled.stdout + pulled.stderr
    return target.read_text()


def processes_in(folder: Path) -> list:
    """The live processes whose working directory is below `folder`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder)) and process_alive(int(entry)):
                found.append(int(entry))
    return found


def test_an_action_runs_and_its_output_file_and_its_log_come_back(tmp_path):
    with cluster(tmp_path) as (server, workers):
        workers.start("w1", "tools=maven,jdk")
        ran = bgd_execute(server, tmp_path / "client", "cat in.txt > out.txt; echo to-stdout; echo to-stderr >&2",
                          "OSFamily=Linux", "tools=maven")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "input\n"
        response = execute_response(server, ran.stdout)
        assert response.get("status", {}).get("code", 0) == 0, response
        result = response["result"]
        assert result.get("exitCode", 0) == 0
        assert result["executionMetadata"]["worker"] == "w1"
        assert [output["path"] for output in result["outputFiles"]] == ["out.txt"]
        # stdout and stderr in one log, as a local build's, reported as stdout.
        assert blob(server, result["stdoutDigest"], tmp_path) == "to-stdout\nto-stderr\n"
        assert "stderrDigest" not in result
        # The lease's folder is gone once the result is reported.
        wait_for(lambda: not any((tmp_path / "workers" / "w1").iterdir()), 10, "the lease's folder to be removed")

        failing = bgd_execute(server, tmp_path / "failing", "echo broken; exit 3", "OSFamily=Linux", "tools=jdk")
        assert failing.returncode == 0, failing.stdout + failing.stderr
        result = execute_response(server, failing.stdout)["result"]
        assert result["exitCode"] == 3
        assert blob(server, result["stdoutDigest"], tmp_path) == "broken\n"


def test_an_action_that_asks_for_a_tool_the_worker_lacks_is_not_given_to_it(tmp_path):
    with cluster(tmp_path) as (server, workers):
        workers.start("w-maven", "tools=maven,jdk")
        client = bgd_execute(server, tmp_path / "client", "echo npm > out.txt", "OSFamily=Linux", "tools=npm",
                             background=True)
        time.sleep(3)
        assert client.poll() is None, "the action ran without a worker that has npm"
        assert "started" not in workers.log("w-maven")
        workers.start("w-npm", "tools=node,npm")
        output, _ = client.communicate(timeout=60)
        assert client.returncode == 0, output
        assert execute_response(server, output)["result"]["executionMetadata"]["worker"] == "w-npm"
        assert "started" not in workers.log("w-maven")


def test_a_killed_worker_loses_its_action_to_the_other_worker(tmp_path):
    with cluster(tmp_path) as (server, workers):
        workers.start("w-a", "tools=maven")
        workers.start("w-b", "tools=maven")
        client = bgd_execute(server, tmp_path / "client", "sleep 3; echo done > out.txt", "OSFamily=Linux",
                             "tools=maven", background=True)
        wait_for(lambda: any("started" in workers.log(name) for name in ("w-a", "w-b")), 60, "a worker to take the lease")
        first = "w-a" if "started" in workers.log("w-a") else "w-b"
        other = "w-b" if first == "w-a" else "w-a"
        wait_for(lambda: processes_in(workers.work / first), 30, "the action to run")
        workers.started[first].send_signal(signal.SIGKILL)
        killed = time.monotonic()
        # The supervisor saw its runner go and ended the action's whole tree.
        wait_for(lambda: not processes_in(workers.work / first), 10, "the killed worker's action to end")
        output, _ = client.communicate(timeout=90)
        moved = time.monotonic() - killed
        assert client.returncode == 0, output
        assert (tmp_path / "client" / "testing" / "out.txt").read_text() == "done\n"
        assert execute_response(server, output)["result"]["executionMetadata"]["worker"] == other
        print(f"the action completed on {other} {moved:.1f} s after {first} was killed")
        # The server declares a silent bot dead after its 5 s keep-alive, then the action runs 3 s.
        assert moved < 30


def test_a_stopped_worker_hands_its_action_back_and_says_it_terminates(tmp_path):
    with cluster(tmp_path) as (server, workers):
        stopping = workers.start("w-stop", "tools=maven")
        client = bgd_execute(server, tmp_path / "client", "sleep 30; echo late > out.txt", "OSFamily=Linux",
                             "tools=maven", background=True)
        wait_for(lambda: processes_in(workers.work / "w-stop"), 60, "the action to run")
        stopping.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert stopping.wait(timeout=10) == 128 + signal.SIGTERM
        assert time.monotonic() - started < 4
        assert not processes_in(workers.work / "w-stop")
        log = workers.log("w-stop")
        assert "cancelled: this worker stops" in log and "BOT_TERMINATING" in log, log
        # Handed back: the server gives the action to the next worker.
        workers.start("w-next", "tools=maven")
        wait_for(lambda: "started" in workers.log("w-next"), 30, "the action to move to w-next")
        client.kill()
        client.wait()


def test_a_worker_with_two_slots_runs_two_actions_at_once(tmp_path):
    with cluster(tmp_path) as (server, workers):
        workers.start("w-two", "tools=maven", slots=2)
        clients = [bgd_execute(server, tmp_path / f"client-{n}", f"sleep 2; echo {n} > out.txt", "OSFamily=Linux",
                               "tools=maven", background=True) for n in range(2)]
        # Both run at the same time: two process trees in the work folder at once.
        wait_for(lambda: len({os.readlink(f"/proc/{pid}/cwd") for pid in processes_in(workers.work / "w-two")}) == 2, 60,
                 "two actions to run at once")
        for n, client in enumerate(clients):
            output, _ = client.communicate(timeout=60)
            assert client.returncode == 0, output
            assert (tmp_path / f"client-{n}" / "testing" / "out.txt").read_text() == f"{n}\n"


def test_an_action_the_client_cancels_is_ended_on_the_worker(tmp_path):
    with cluster(tmp_path) as (server, workers):
        workers.start("w-cancel", "tools=maven")
        client = bgd_execute(server, tmp_path / "client", "sleep 60; echo late > out.txt", "OSFamily=Linux",
                             "tools=maven", background=True)
        name = None
        while name is None:
            line = client.stdout.readline()
            assert line, "bgd execute ended before naming its operation"
            found = re.match(r'^name: "([^"]+)"', line)
            name = found.group(1) if found else None
        wait_for(lambda: processes_in(workers.work / "w-cancel"), 60, "the action to run")
        cancelled = bgd(server, "operation", "cancel", name)
        assert cancelled.returncode == 0, cancelled.stdout + cancelled.stderr
        wait_for(lambda: not processes_in(workers.work / "w-cancel"), 20, "the cancelled action's processes to end")
        wait_for(lambda: "cancelled by the server" in workers.log("w-cancel"), 10, "the worker to say so")
        client.kill()
        client.wait()
        # The worker goes on serving.
        ran = bgd_execute(server, tmp_path / "after", "echo after > out.txt", "OSFamily=Linux", "tools=maven")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert (tmp_path / "after" / "testing" / "out.txt").read_text() == "after\n"


def test_a_worker_outlives_its_server_going_away_and_still_stops_at_once(tmp_path):
    with cluster(tmp_path) as (server, workers):
        worker = workers.start("w-alone", "tools=maven")
        server.stop()
        wait_for(lambda: "trying again" in workers.log("w-alone"), 60, "the worker to notice")
        time.sleep(2)
        assert worker.poll() is None, workers.log("w-alone")
        # One line for the outage, not one per attempt.
        assert workers.log("w-alone").count("trying again") == 1
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert worker.wait(timeout=10) == 128 + signal.SIGTERM
        assert time.monotonic() - started < 4

    # A server that is not there at the start: the worker waits for it, and stops when told.
    args = [str(PLANBUILD), "worker", "--server", f"grpc://127.0.0.1:{free_port()}", "--name", "w-early",
            "--work-dir", str(tmp_path / "early")]
    with open(tmp_path / "early.log", "wb") as log:
        early = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: "trying again" in (tmp_path / "early.log").read_text(), 30, "the worker to say it waits")
        early.send_signal(signal.SIGTERM)
        assert early.wait(timeout=10) == 128 + signal.SIGTERM
    finally:
        early.kill()
        early.wait()


def test_an_input_root_with_folders_large_and_executable_files_arrives_whole(tmp_path):
    client = tmp_path / "client"
    tree = client / "input"
    (tree / "src" / "main" / "deep").mkdir(parents=True)
    for n in range(30):
        (tree / "src" / "main" / f"File{n}.java").write_text(f"class File{n} {{}}\n")
    (tree / "src" / "main" / "deep" / "big.bin").write_bytes(os.urandom(6 << 20))  # past the batch limit: ByteStream
    (tree / "tool.sh").write_text("#!/bin/sh\necho tool ran\n")
    (tree / "tool.sh").chmod(0o755)
    expected = subprocess.run("find . -type f ! -name out.txt | sort | xargs sha256sum", shell=True, cwd=tree,
                              capture_output=True, text=True, check=True).stdout
    with cluster(tmp_path) as (server, workers):
        workers.start("w-tree", "tools=maven")
        ran = bgd_execute(server, client, "./tool.sh; find . -type f ! -name out.txt | sort | xargs sha256sum > out.txt",
                          "OSFamily=Linux", "tools=maven")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        result = execute_response(server, ran.stdout)["result"]
        assert blob(server, result["stdoutDigest"], tmp_path) == "tool ran\n"
        # bgd_execute wrote in.txt into the tree after the listing above.
        listed = (client / "testing" / "out.txt").read_text()
        assert [line for line in listed.splitlines() if not line.endswith("./in.txt")] == expected.splitlines()
