"""No lost builds: a client that dies leaves its job running, a killed server's builds leave no
process and are reported `killed` by the next server, which runs what was queued; a build killed
from outside is `killed`; garbage never stops the server."""
import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration_support import PLANBUILD
from server_support import PYTHON_SHIMS, Server, fake_project, group_alive, records, starts, wait_for


def start_run(server: Server, project: Path, args: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([str(PLANBUILD), "run", "--project-dir", str(project), "--system", "maven", "--args", args,
                             "--format", "json", "--execution-mode", "server", *extra],
                            env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def job_of(process: subprocess.Popen) -> str:
    """The job id the client prints on standard error when the server took the build."""
    line = process.stderr.readline()
    assert "build server job" in line, line
    return line.split()[-1]


def result(server: Server, job: str, wait: int = 60) -> dict:
    answer = server.planbuild("server", "result", job, "--wait", str(wait), "--format", "json")
    assert answer.returncode in (0, 1), answer.stdout + answer.stderr
    return json.loads(answer.stdout)


def test_a_client_killed_while_waiting_leaves_the_build_and_its_result(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        client = start_run(server, project, "verify -Dname=k -Dsleep=1.5")
        job = job_of(client)
        assert wait_for(lambda: starts(project))
        client.kill()
        client.wait()
        fetched = result(server, job)
        assert fetched["status"] == "success"
        assert fetched["job"] == job
        assert [row[0] for row in records(project)] == ["start", "end"]
    finally:
        server.stop()


def test_ctrl_c_cancels_but_not_a_build_another_client_waits_for(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        # The build cache gives each build its input digest: a running build is joined only by
        # one known to have the same inputs.
        project = fake_project(tmp_path, incremental=True)
        first = start_run(server, project, "verify -Dname=shared -Dsleep=2")
        job_of(first)
        assert wait_for(lambda: starts(project))
        second = start_run(server, project, "verify -Dname=shared -Dsleep=2")
        job_of(second)
        assert wait_for(lambda: server.status()["totals"]["attached"] == 1)
        first.send_signal(signal.SIGINT)
        out, _ = first.communicate(timeout=30)
        assert first.returncode == 130
        assert json.loads(out)["error"] == "cancelled"
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert json.loads(out)["status"] == "success"
        assert [row[0] for row in records(project)] == ["start", "end"], "the shared build ran to its end, once"

        # Alone, Ctrl-C ends the build itself.
        alone = start_run(server, project, "verify -Dname=alone -Dsleep=30")
        job_of(alone)
        assert wait_for(lambda: len(starts(project)) == 2)
        alone.send_signal(signal.SIGINT)
        out, _ = alone.communicate(timeout=30)
        assert alone.returncode == 130
        assert json.loads(out)["error"] == "cancelled"
        assert wait_for(lambda: not group_alive(starts(project)[-1][3]), 10)
    finally:
        server.stop()


def test_sigterm_to_a_client_leaves_its_job_running(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        client = start_run(server, project, "verify -Dname=t -Dsleep=1.5")
        job = job_of(client)
        assert wait_for(lambda: starts(project))
        client.send_signal(signal.SIGTERM)
        client.communicate(timeout=30)
        assert client.returncode == 128 + signal.SIGTERM
        assert result(server, job)["status"] == "success"
    finally:
        server.stop()


def test_sigterm_to_a_python_client_detaches_and_ctrl_c_cancels(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        code = f"""
import json, sys
import _planbuild
from _maven_execute import execute_direct
try:
    print(json.dumps(execute_direct(sys.argv[1], "maven:verify", project_dir={str(project)!r}, execution_mode="server")))
except _planbuild.Stopped as stopped:
    print(json.dumps(stopped.reply))
    sys.exit(128 + stopped.signal)
"""
        env = dict(server.env, PYTHONPATH=str(PYTHON_SHIMS))
        replies = {}
        for name, number in (("detached", signal.SIGTERM), ("cancelled", signal.SIGINT)):
            client = subprocess.Popen([sys.executable, "-c", code, f"verify -Dname={name} -Dsleep=1.5"], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert wait_for(lambda: any(row[1] == name for row in starts(project)))
            client.send_signal(number)
            out, err = client.communicate(timeout=30)
            assert client.returncode == 128 + number, err
            replies[name] = json.loads(out)
        detached = replies["detached"]
        assert detached["error"] == "detached", detached
        assert result(server, detached["job"])["status"] == "success", "SIGTERM left the job running"
        cancelled = replies["cancelled"]
        assert cancelled["error"] == "cancelled" and "job" in cancelled
        ended = [row[1] for row in records(project) if row[0] == "end"]
        assert ended == ["detached"], "Ctrl-C ended its build"
    finally:
        server.stop()


def test_sigterm_to_a_build_script_detaches_and_ctrl_c_cancels(tmp_path: Path):
    """A script's `run` goes through the library's one script entry (pb_script_start): its build
    reaches the server as pb_execute's would, and its stop signals keep the same rule."""
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        outcomes = {}
        for name, number in (("detached", signal.SIGTERM), ("cancelled", signal.SIGINT)):
            client = subprocess.Popen([sys.executable, str(PYTHON_SHIMS / "maven.py"), "run", "--commandArgs",
                                       f"verify -Dname={name} -Dsleep=1.5", "--execution-mode", "server",
                                       "--project-dir", str(project), "--format", "json"],
                                      env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            assert wait_for(lambda: any(row[1] == name for row in starts(project)))
            client.send_signal(number)
            out, err = client.communicate(timeout=30)
            assert client.returncode == 128 + number, err
            outcomes[name] = (out, err)
        out, err = outcomes["detached"]
        assert out == "" and "goes on in the build server as job" in err, err
        job = err.split("as job ")[1].split()[0]
        assert result(server, job)["status"] == "success", "SIGTERM left the job running"
        out, _ = outcomes["cancelled"]
        cancelled = json.loads(out)
        assert cancelled["error"] == "cancelled" and len(cancelled["job"]) == 16
        ended = [row[1] for row in records(project) if row[0] == "end"]
        assert ended == ["detached"], "Ctrl-C ended its build"
    finally:
        server.stop()


def test_a_killed_server_leaves_no_build_and_the_next_one_reports_them_killed(tmp_path: Path):
    server = Server(tmp_path, max_slots=4).start()
    try:
        project = fake_project(tmp_path)
        client = server.client()
        running = [client.submit_build(project, f"verify -Dname=r{n} -Dsleep=120") for n in range(4)]
        # The four take the four slots before the next two arrive: jobs submitted a moment apart reach
        # the queue from threads of their own, so which four of six would run first is not fixed.
        assert wait_for(lambda: len(starts(project)) == 4, 30)
        queued = [client.submit_build(project, f"verify -Dname=q{n} -Dsleep=0.2") for n in range(2)]
        assert wait_for(lambda: sum(entry["queued_builds"] for entry in server.status()["queue"]) == 2, 10), \
            "both wait for a slot"
        groups = [row[3] for row in starts(project)]
        assert all(group_alive(group) for group in groups)
        os.kill(server.pid, signal.SIGKILL)
        client.close()
        # The supervisors see their runner go and end each build's whole tree.
        assert wait_for(lambda: not any(group_alive(group) for group in groups), 15), \
            [group for group in groups if group_alive(group)]

        server.start()
        for job in running:
            killed = result(server, job)
            assert killed["status"] == "killed", killed
            assert killed["error"] == "killed"
            assert "duration_seconds" not in killed, "how long it ran is not known"
        for job in queued:
            assert result(server, job)["status"] == "success"
        names = [row[1] for row in starts(project)]
        assert sorted(names[4:]) == ["q0", "q1"]
        assert server.status()["totals"]["killed"] == 4
    finally:
        server.stop()


@pytest.mark.parametrize("through_server", [False, True], ids=["in-process", "server"])
def test_a_build_killed_from_outside_is_killed_and_learns_nothing(tmp_path: Path, through_server: bool):
    server = Server(tmp_path).start() if through_server else None
    try:
        project = fake_project(tmp_path)
        env = server.env if server else dict(os.environ, PLANBUILD_EXECUTION_MODE="in_process")
        run = subprocess.run([str(PLANBUILD), "run", "--project-dir", str(project), "--system", "maven",
                              "--args", "verify -Dname=k -Dkill", "--format", "json"],
                             env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 1
        killed = json.loads(run.stdout)
        assert killed["status"] == "killed"
        assert killed["exit_code"] == -signal.SIGKILL, "a signal, never mistaken for an exit code of 128 + N"
        assert killed["error"] == "killed"
        assert ("job" in killed) is False  # the CLI prints the result as in process
        configuration = project / ".plan" / "run-configuration.json"
        learned = json.loads(configuration.read_text()).get("commands", {}) if configuration.exists() else {}
        assert learned == {}, learned
    finally:
        if server:
            server.stop()


def malformed_messages() -> list:
    """500 lines a careless or hostile client might send, from a seeded generator."""
    generator = random.Random(22)
    fixed = [
        b"", b"{", b"}", b"[]", b"null", b"42", b"\"text\"", b"{\"protocol\":1}", b"{\"op\":\"status\"}",
        b"{\"protocol\":2,\"op\":\"status\"}", b"{\"protocol\":\"1\",\"op\":\"status\"}", b"{\"protocol\":1,\"op\":7}",
        b"{\"protocol\":1,\"op\":\"explode\"}", b"{\"protocol\":1,\"op\":\"wait\"}", b"{\"protocol\":1,\"op\":\"wait\",\"job\":5}",
        b"{\"protocol\":1,\"op\":\"wait\",\"job\":\"../../etc\"}", b"{\"protocol\":1,\"op\":\"wait\",\"job\":\"abc\",\"timeout_seconds\":-1}",
        b"{\"protocol\":1,\"op\":\"wait\",\"job\":\"abc\",\"timeout_seconds\":1e308}",
        b"{\"protocol\":1,\"op\":\"submit\"}", b"{\"protocol\":1,\"op\":\"submit\",\"kind\":\"build\",\"request\":[]}",
        b"{\"protocol\":1,\"op\":\"submit\",\"kind\":\"rocket\",\"request\":{},\"context\":{}}",
        b"{\"protocol\":1,\"op\":\"submit\",\"kind\":\"build\",\"request\":{},\"context\":{\"cwd\":\"relative\",\"environment\":[],\"umask\":18}}",
        b"{\"protocol\":1,\"op\":\"submit\",\"kind\":\"build\",\"request\":{},\"context\":{\"cwd\":\"/\",\"environment\":[\"NOEQUALS\"],\"umask\":18}}",
        b"{\"protocol\":1,\"op\":\"submit\",\"kind\":\"build\",\"request\":{},\"context\":{\"cwd\":\"/\",\"environment\":[],\"umask\":4096}}",
        b"{\"protocol\":1,\"op\":\"cancel\",\"job\":\"0000000000000000\"}", b"{\"protocol\":1,\"op\":\"result\",\"job\":null}",
        b"\xff\xfe\xfd", b"{\"protocol\":1,\"op\":\"status\"\x00}", b"[" * 100_000, b"{\"a\":" * 50_000,
        b"{\"protocol\":1,\"op\":\"attach\",\"job\":\"" + b"a" * 100 + b"\"}",
    ]
    messages = list(fixed)
    while len(messages) < 499:
        kind = generator.randrange(3)
        if kind == 0:
            messages.append(bytes(generator.randrange(256) for _ in range(generator.randrange(1, 200))).replace(b"\n", b" "))
        elif kind == 1:
            value = generator.choice([None, True, 3.5, "x", [], {}, -1, 2 ** 70])
            key = generator.choice(["protocol", "op", "job", "seq", "kind", "request", "context", "timeout_seconds"])
            messages.append(json.dumps({"protocol": 1, "op": generator.choice(["wait", "submit", "cancel", "status"]),
                                        key: value}).encode())
        else:
            messages.append(json.dumps({"protocol": 1, "op": "submit", "kind": "build",
                                        "request": {"system": generator.choice(["maven", "cobol", 3]), "args": None},
                                        "context": {"cwd": generator.choice(["/", "here"]),
                                                    "environment": [generator.choice(["A", "=B", "C=d"])],
                                                    "umask": generator.choice([-1, "18", 4096])}}).encode())
    return messages


def test_five_hundred_malformed_messages_leave_the_server_answering(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        client = server.client()
        messages = malformed_messages()
        # One line of 9 MiB, past the 8 MiB limit: answered once, then skipped to its end.
        messages.append(b"{\"protocol\":1,\"op\":\"status\",\"pad\":\"" + b"x" * (9 << 20) + b"\"}")
        assert len(messages) == 500
        for message in messages:
            client.send_raw(message + b"\n")
        replies = [client.receive() for _ in messages]
        kinds = {reply["op"] for reply in replies}
        assert "error" in kinds
        assert {reply["error"] for reply in replies if reply["op"] == "error"} <= {
            "malformed_message", "message_too_large", "unsupported_protocol", "unknown_op", "invalid_message", "unknown_job"}
        assert replies[-1]["error"] == "message_too_large"
        # No job was accepted from garbage, and the same connection still answers.
        assert client.ask({"op": "status"})["totals"]["jobs"] == 0
        project = fake_project(tmp_path)
        build = server.planbuild("run", "--project-dir", str(project), "--system", "maven", "--args", "verify -Dname=ok",
                                 "--execution-mode", "server")
        assert build.returncode == 0, build.stderr
    finally:
        server.stop()
