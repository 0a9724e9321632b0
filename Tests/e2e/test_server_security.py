"""Only its own user reaches the build server: a 0700 folder and a 0600 socket, the peer's
credentials (SO_PEERCRED) checked on every connection, and a folder that others could write
refused by the server and by every client."""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from server_support import Server, fake_project, private

SYSTEM_PYTHON = "/usr/bin/python3"

CONNECT = """
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(sys.argv[1])
except OSError as error:
    print(json.dumps({"connect": type(error).__name__}))
    sys.exit(0)
try:
    s.sendall(b'{"protocol":1,"op":"status"}\\n')
except BrokenPipeError:
    pass  # refused at once: what the server said before closing is still there to read
s.settimeout(10)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(json.dumps({"connect": "ok", "lines": [json.loads(line) for line in data.splitlines() if line]}))
"""


def as_nobody(socket_path: Path) -> dict:
    run = subprocess.run(["setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups", SYSTEM_PYTHON, "-c", CONNECT,
                          str(socket_path)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not os.path.exists(SYSTEM_PYTHON),
                    reason="needs root (to act as another user with setpriv) and /usr/bin/python3")
def test_another_user_cannot_connect():
    # A folder every user can pass through, so that only the server's own checks stand in the way.
    root = Path(tempfile.mkdtemp(prefix="planbuild-peer-", dir="/tmp"))
    root.chmod(0o711)
    server = Server(root)
    server.runtime.chmod(0o711)
    server.start()
    try:
        assert private(server.folder) and private(server.socket) and private(server.folder / "journal.jsonl")
        # The folder is 0700: the other user cannot even reach the socket.
        assert as_nobody(server.socket) == {"connect": "PermissionError"}
        # With the folder and socket opened up, the kernel lets the connection through, and the
        # server refuses it by the peer's credentials: one error line, then the connection closes.
        server.folder.chmod(0o711)
        server.socket.chmod(0o666)
        answer = as_nobody(server.socket)
        assert answer["connect"] == "ok"
        assert len(answer["lines"]) == 1, answer
        assert answer["lines"][0]["op"] == "error"
        assert "own user" in answer["lines"][0]["message"]
        # The owner is still served.
        assert server.client().ask({"op": "status"})["op"] == "status"
    finally:
        server.folder.chmod(0o700)
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_a_socket_folder_others_can_write_is_refused(tmp_path: Path):
    server = Server(tmp_path)
    server.folder.mkdir(mode=0o700)
    server.folder.chmod(0o777)
    started = server.planbuild("server", "start")
    assert started.returncode == 1
    assert "writable by others" in started.stderr
    assert not server.socket.exists()
    project = fake_project(tmp_path)
    # A client asked for the server refuses the folder too, and says why.
    served = server.planbuild("run", "--project-dir", str(project), "--system", "maven", "--args", "verify -Dname=x",
                              "--execution-mode", "server")
    assert served.returncode == 1
    assert "writable by others" in served.stderr
    # auto finds no server it may trust: the build runs in process.
    auto = server.planbuild("run", "--project-dir", str(project), "--system", "maven", "--args", "verify -Dname=y",
                            "--execution-mode", "auto")
    assert auto.returncode == 0, auto.stderr
    assert "build server job" not in auto.stderr


def test_a_socket_folder_that_is_a_link_or_another_users_is_refused(tmp_path: Path):
    server = Server(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    server.folder.symlink_to(elsewhere)
    started = server.planbuild("server", "start")
    assert started.returncode == 1
    assert "not a folder" in started.stderr
    assert not (elsewhere / "server.sock").exists()
    if os.geteuid() == 0:
        server.folder.unlink()
        server.folder.mkdir(mode=0o700)
        os.chown(server.folder, 65534, 65534)
        refused = server.planbuild("server", "status")
        assert refused.returncode == 1
        assert "belongs to user 65534" in refused.stderr
