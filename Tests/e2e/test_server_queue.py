"""The build server's queue (issue: one build server per machine): identical builds run once,
one project cannot starve another, hundreds of clients are held while builds run."""
import json
import subprocess
from pathlib import Path

from orchestration_support import PLANBUILD
from server_support import Server, fake_project, orchestration_project, records, starts, wait_for

TIMING = ("started_ms", "finished_ms")


def comparable(report: dict) -> dict:
    """A report without what depends on when each client's own run began."""
    copy = json.loads(json.dumps(report))
    copy.pop("duration_seconds", None)
    copy.pop("job", None)
    copy.pop("handle", None)
    for build in copy["builds"]:
        for key in TIMING:
            build.pop(key, None)
    return copy


def test_six_clients_submitting_one_orchestration_run_each_module_once(tmp_path: Path):
    server = Server(tmp_path, max_slots=2).start()
    try:
        project = orchestration_project(tmp_path, {"a": {"sleep": 1.5}, "b": {"sleep": 1, "deps": ["a"]},
                                                   "c": {"sleep": 1, "deps": ["b"]}})
        command = [str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify", "--format", "json",
                   "--execution-mode", "server"]
        clients = [subprocess.Popen(command, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(6)]
        outputs = [client.communicate(timeout=120) for client in clients]
        for client, (out, err) in zip(clients, outputs):
            assert client.returncode == 0, err
        reports = [json.loads(out) for out, _ in outputs]

        ran = [row[1] for row in records(project) if row[0] == "start"]
        assert sorted(ran) == ["a", "b", "c"], f"each module runs once, not {ran}"
        assert all(report["status"] == "success" for report in reports)
        assert [build["status"] for build in reports[0]["builds"]] == ["success"] * 3
        first = comparable(reports[0])
        for report in reports[1:]:
            assert comparable(report) == first
        # Six jobs, three builds, the other fifteen attached to them.
        totals = server.status()["totals"]
        assert totals["builds"] == 3
        assert totals["attached"] == 15
    finally:
        server.stop()


def test_forty_queued_builds_of_one_project_do_not_starve_another(tmp_path: Path):
    server = Server(tmp_path, max_slots=2).start()
    try:
        a = fake_project(tmp_path, "a")
        b = fake_project(tmp_path, "b")
        client = server.client()
        for number in range(40):
            client.submit_build(a, f"verify -Dname=a{number} -Dsleep=0.4")
        assert wait_for(lambda: len(starts(a)) >= 2)
        a_before = len(starts(a))
        for number in range(2):
            client.submit_build(b, f"verify -Dname=b{number} -Dsleep=0.4")
        assert wait_for(lambda: len(starts(b)) == 2, 30), records(b)
        last_b = max(row[2] for row in starts(b))
        a_meanwhile = [row for row in starts(a)[a_before:] if row[2] <= last_b]
        # With 2 slots and A's builds queued first, B's two start while A starts at most two more.
        assert len(a_meanwhile) <= 2, (a_meanwhile, starts(b))
        status = server.status()
        queued = {entry["project"]: entry["queued_builds"] for entry in status["queue"]}
        assert queued.get(str(a), 0) >= 30, status
    finally:
        server.stop()


def test_two_hundred_clients_are_held_and_answered_while_eight_builds_run(tmp_path: Path):
    server = Server(tmp_path, max_slots=8).start()
    clients = []
    try:
        project = fake_project(tmp_path)
        clients = [server.client() for _ in range(200)]
        for number in range(8):
            clients[number].submit_build(project, f"verify -Dname=x{number} -Dsleep=30")
        assert wait_for(lambda: len(starts(project)) == 8, 30)
        for client in clients:
            answer = client.ask({"op": "status"})
            assert answer["op"] == "status"
            assert answer["slots"] == {"max": 8, "in_use": 8}
            assert len(answer["running"]) == 8
        text = server.planbuild("server", "status")
        assert text.returncode == 0, text.stderr
        assert "slots\t8/8 in use" in text.stdout
        assert text.stdout.count("verify -Dname=x") == 8
    finally:
        for client in clients:
            client.close()
        server.stop()
    # The stop cancelled the eight builds: none ran its 30 s.
    assert not [row for row in records(project) if row[0] == "end"]


def test_clients_that_find_no_server_start_exactly_one(tmp_path: Path):
    server = Server(tmp_path)
    try:
        project = fake_project(tmp_path)
        command = [str(PLANBUILD), "run", "--project-dir", str(project), "--system", "maven", "--execution-mode", "server"]
        clients = [subprocess.Popen(command + ["--args", f"verify -Dname=c{number}"], env=server.env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for number in range(5)]
        for client in clients:
            _, err = client.communicate(timeout=120)
            assert client.returncode == 0, err
            assert "build server job" in err
        # One start lock: one server listened, the others found it.
        log = (server.folder / "server.log").read_text()
        assert log.count("listening on") == 1, log
        assert server.status()["totals"]["jobs"] == 5
    finally:
        server.stop()
