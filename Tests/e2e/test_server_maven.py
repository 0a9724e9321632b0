"""The real Maven example through the build server: the same result as in process (plus the job
id), from the CLI and from Python's execute_direct; the build adopts the client's environment,
working directory and umask."""
import json
from pathlib import Path

from server_support import Server, fake_project, python_client, starts

ROWS = ("status", "exit_code", "error", "errors", "warnings", "tests", "command", "wrapper")


def rows(result: dict) -> dict:
    return {key: result.get(key) for key in ROWS}


def test_maven_example_through_the_server_gives_the_in_process_result(tmp_path: Path, maven_example: Path):
    server = Server(tmp_path).start()
    try:
        args = ["run", "--project-dir", str(maven_example), "--system", "maven", "--args", "compile -pl service -am",
                "--format", "json"]
        in_process = server.planbuild(*args, "--execution-mode", "in_process", timeout=600)
        served = server.planbuild(*args, "--execution-mode", "server", timeout=600)
        assert in_process.returncode == served.returncode == 1, served.stderr
        local, remote = json.loads(in_process.stdout), json.loads(served.stdout)
        assert local["error"] == "build_failed"
        assert any(error["file"].endswith("OrderService.java") and error["line"] == 19 for error in local["errors"])
        assert rows(remote) == rows(local)
        assert remote["log_file"] != local["log_file"] and Path(remote["log_file"]).is_file()
        assert "build server job" in served.stderr

        # Python's execute_direct through the server: the pb_execute reply plus the job id.
        code = f"""
import json
from _maven_execute import execute_direct
print(json.dumps(execute_direct("compile -pl core", "maven:compile@core", project_dir={str(maven_example)!r},
                                execution_mode="server")))
"""
        direct = python_client(server, code, timeout=600)
        assert direct.returncode == 0, direct.stderr
        reply = json.loads(direct.stdout)
        assert reply["status"] == "success", reply
        assert reply["command"] == "mvn compile -pl core"
        assert len(reply["job"]) == 16
        listed = server.planbuild("server", "list", "--format", "json")
        assert reply["job"] in {job["job"] for job in json.loads(listed.stdout)}
    finally:
        server.stop()


def test_a_build_adopts_the_clients_environment_working_directory_and_umask(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        code = f"""
import json, os
os.umask(0o027)
os.environ["PLANBUILD_TEST_MARK"] = "from-the-client"
os.chdir({str(project)!r})
from _maven_execute import execute_direct
print(json.dumps(execute_direct("verify -Dname=env", "maven:verify", project_dir=".", execution_mode="server")))
"""
        direct = python_client(server, code)
        assert direct.returncode == 0, direct.stderr
        reply = json.loads(direct.stdout)
        assert reply["status"] == "success", reply
        # Relative to the client's working directory, not the server's.
        assert Path(reply["log_file"]).parent.parent == (project / ".plan" / "temp" / "build-output").resolve()
        _, name, _, _, mask, mark = starts(project)[0]
        assert (name, mask, mark) == ("env", "0027", "from-the-client")
    finally:
        server.stop()


def test_execution_mode_auto_uses_a_running_server_and_in_process_without_one(tmp_path: Path):
    server = Server(tmp_path)
    project = fake_project(tmp_path)
    args = ["run", "--project-dir", str(project), "--system", "maven", "--args", "verify -Dname=a"]
    alone = server.planbuild(*args)
    assert alone.returncode == 0, alone.stderr
    assert "build server job" not in alone.stderr
    assert not server.socket.exists(), "auto starts no server"
    server.start()
    try:
        served = server.planbuild(*args)
        assert served.returncode == 0, served.stderr
        assert "build server job" in served.stderr
        # A server build never goes to the server again (its slot is held by its parent).
        env_check = server.planbuild(*args, "--execution-mode", "server", env=dict(server.env, PLANBUILD_SERVER_BUILD="1"))
        assert env_check.returncode == 0 and "build server job" not in env_check.stderr
        bad = server.planbuild(*args, "--execution-mode", "somewhere")
        assert bad.returncode == 64
    finally:
        server.stop()
