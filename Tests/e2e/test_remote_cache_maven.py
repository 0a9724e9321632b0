"""The shared build cache (issue 13) on real Maven and a real nginx with WebDAV PUT: copies of
examples/maven-multi at different paths stand for different machines, each with its own local
cache. A writes what it builds; B, a clean copy, gets every module from the server without
starting Maven; a bad blob, a dead or slow server and a wrong token each make the build run
locally with one warning, and nothing wrong is put in place."""
import contextlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

from conftest import REPO, install_executor
from nginx_support import cache_server
from orchestration_support import PLANBUILD
from test_incremental_maven import chain

TOKEN = "pb-test-token-7f3a9c"


def checkout(root: Path) -> Path:
    """A clean copy of the example (no target/, no .plan/temp) with the chain and the faults fixed."""
    project = root / "maven-multi"
    shutil.copytree(REPO / "examples" / "maven-multi", project,
                    ignore=shutil.ignore_patterns("target", "temp", "execute-script.py", "run-configuration.json"))
    install_executor(project)
    chain(project)
    subprocess.run(["bash", str(REPO / "examples" / "maven-multi" / "fix-faults.sh"), str(project)],
                   check=True, capture_output=True)
    return project


def package(project: Path, *args: str, env=None):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                          "--format", "json", "--jobs", "3", *args],
                         capture_output=True, text=True, timeout=900, env=env)
    assert run.stdout.strip().startswith("{"), (run.stdout, run.stderr)
    return run, json.loads(run.stdout)


def rows(report) -> dict:
    return {b["module"]: b for b in report["builds"]}


def statuses(report) -> dict:
    return {b["module"]: (b["status"], b.get("cache")) for b in report["builds"]}


def jars(project: Path) -> dict:
    return {str(p.relative_to(project)): p.read_bytes() for p in project.glob("*/target/*.jar")}


def stats(project: Path) -> dict:
    run = subprocess.run([str(PLANBUILD), "cache", "stats", "--project-dir", str(project), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def remote_warnings(report) -> list:
    return [w for w in report.get("cache_warnings", []) if w.startswith("remote cache")]


def test_remote_cache_shares_builds_between_checkouts(tmp_path: Path):
    a = checkout(tmp_path / "machine-a" / "work")
    b = checkout(tmp_path / "machine-b" / "elsewhere" / "deeper")
    with cache_server(tmp_path / "nginx") as server:
        # A builds everything and uploads it: blobs first, each record last.
        run, first = package(a, "--remote-cache", server.url, "--remote-cache-write")
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(first) == {m: ("success", None) for m in ("core", "service", "web")}
        assert remote_warnings(first) == []
        # Present on the server: uploaded (201) or found there (HEAD 200), in the order it happened.
        present = [path for method, path, status in server.requests()
                   if (method == "PUT" and status in (201, 204)) or (method == "HEAD" and status == 200)]
        records = [p for p in present if p.startswith("/ac/")]
        assert len(records) == 3
        for record in records:  # every record after all of its blobs
            body = json.loads((server.data / record.lstrip("/")).read_text())
            blobs = [f"/cas/{x['sha256']}" for x in body["artifacts"]] + [f"/cas/{body['log_sha256']}"]
            assert len(blobs) == 2 and all(blob in present[:present.index(record)] for blob in blobs)
            assert all(not x["path"].startswith("/") for x in body["artifacts"])
            assert not body["log_file"].startswith("/") and str(a) not in json.dumps(body)
        assert stats(a)["remote"]["last_run"]["bytes_up"] > 0

        # B, another path, nothing built: every module from the server, no Maven process (no
        # target/classes), jars identical to A's, logs downloaded and readable.
        assert not list(b.glob("*/target"))
        run, second = package(b, "--remote-cache", server.url)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(second) == {m: ("cached", "remote") for m in ("core", "service", "web")}
        assert not list(b.glob("*/target/classes"))
        assert jars(b) == jars(a) and len(jars(b)) == 3
        for module, row in rows(second).items():
            assert row["time_saved_seconds"] == rows(first)[module]["duration_seconds"]
            assert Path(row["log_file"]).is_file() and str(row["log_file"]).startswith(str(b))
            assert Path(row["log_file"]).read_bytes() == Path(rows(first)[module]["log_file"]).read_bytes()
        remote = stats(b)["remote"]["last_run"]
        assert remote["hits"] == 3 and remote["bytes_down"] > sum(len(j) for j in jars(a).values())
        assert not any((b / ".plan" / "build-cache" / ".incoming").iterdir())

        # Recorded locally: the next run is a local hit without asking the server.
        asked = len(server.requests())
        run, third = package(b, "--remote-cache", server.url)
        assert statuses(third) == {m: ("cached", "local") for m in ("core", "service", "web")}
        assert len(server.requests()) == asked

        # A source change on B rebuilds that module and its dependents (nothing on the server for them).
        source = next((b / "service" / "src" / "main").rglob("*.java"))
        source.write_text(source.read_text() + "\n// changed on machine B\n")
        run, fourth = package(b, "--remote-cache", server.url)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(fourth) == {"core": ("cached", "local"), "service": ("success", None), "web": ("success", None)}
        assert remote_warnings(fourth) == []

        # The server stopped in the middle of a run: it answers the first two requests,
        # then is gone. The run completes by building, with one warning, and nothing is put in place.
        e = checkout(tmp_path / "machine-e")
        with dying_server(server.data, answers=2) as url:  # a module needs 3
            run, midway = package(e, "--remote-cache", url)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(midway) == {m: ("success", None) for m in ("core", "service", "web")}
        assert len(remote_warnings(midway)) == 1 and "not reachable" in remote_warnings(midway)[0]
        assert len(list(e.glob("*/target/classes"))) == 3  # all built by Maven
        assert not any((e / ".plan" / "build-cache" / ".incoming").iterdir())

        # A blob altered on the server: detected, core rebuilt by Maven, the bad bytes not kept.
        c = checkout(tmp_path / "machine-c")
        core_record = next(json.loads((server.data / r.lstrip("/")).read_text()) for r in records
                           if json.loads((server.data / r.lstrip("/")).read_text())["module"] == "core")
        jar_blob = server.data / "cas" / core_record["artifacts"][0]["sha256"]
        jar_blob.write_bytes(b"not the jar" + jar_blob.read_bytes()[11:])
        run, fifth = package(c, "--remote-cache", server.url)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(fifth) == {"core": ("success", None), "service": ("cached", "remote"), "web": ("cached", "remote")}
        warnings = remote_warnings(fifth)
        assert len(warnings) == 1 and "does not match its SHA-256" in warnings[0]
        assert list((c / "core" / "target").glob("classes"))  # built by Maven
        assert all(not p.read_bytes().startswith(b"not the jar") for p in c.glob("core/target/*.jar"))
        assert not any((c / ".plan" / "build-cache" / ".incoming").iterdir())

    # The server gone: builds run as without a remote cache, one warning line.
    d = checkout(tmp_path / "machine-d")
    run, down = package(d, "--remote-cache", server.url, "--module", "core")
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(down) == {"core": ("success", None)}
    assert len(remote_warnings(down)) == 1 and "not reachable" in remote_warnings(down)[0]


@contextlib.contextmanager
def dying_server(data: Path, answers: int):
    """Serves GETs from nginx's data folder for the first `answers` requests, then stops
    listening (later connections are refused), as a server that goes down during a run."""
    state = {"served": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                state["served"] += 1
                last = state["served"] == answers
                if state["served"] > answers:
                    self.close_connection = True
                    return  # no answer at all
            path = data / self.path.lstrip("/")
            body = path.read_bytes() if path.is_file() and data in path.resolve().parents else None
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")
            if last:
                threading.Thread(target=stop, daemon=True).start()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def stop():
        server.shutdown()
        server.server_close()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        if thread.is_alive():
            stop()
        thread.join()


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


def test_slow_server_and_wrong_token_build_locally(tmp_path: Path):
    project = checkout(tmp_path / "slow")
    config = project / ".plan" / "run-configuration.json"
    settings = json.loads(config.read_text()) if config.exists() else {}
    with silent_server() as url:
        settings["incremental"] = {"remote": {"url": url, "timeout_seconds": 1}}
        config.write_text(json.dumps(settings))
        run, report = package(project, "--module", "core")
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(report) == {"core": ("success", None)}
        assert len(remote_warnings(report)) == 1

    # nginx requiring a token; the run has a wrong one (named by token_env): 401, a warning, a local build.
    other = checkout(tmp_path / "token")
    with cache_server(tmp_path / "nginx-token", token=TOKEN) as server:
        config = other / ".plan" / "run-configuration.json"
        settings = json.loads(config.read_text()) if config.exists() else {}
        settings["incremental"] = {"remote": {"url": server.url, "write": True, "token_env": "TEAM_CACHE_TOKEN"}}
        config.write_text(json.dumps(settings))
        wrong = dict(os.environ, TEAM_CACHE_TOKEN=TOKEN[::-1])
        run, report = package(other, "--module", "core", env=wrong)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(report) == {"core": ("success", None)}
        assert len(remote_warnings(report)) == 1 and "401" in remote_warnings(report)[0]
        assert not any(s == 201 for _, _, s in server.requests())

        # The right token: the build is uploaded; a clean copy then gets it from the server.
        right = dict(os.environ, TEAM_CACHE_TOKEN=TOKEN)
        run, forced = package(other, "--module", "core", "--force", "core", env=right)
        assert run.returncode == 0 and remote_warnings(forced) == [], (run.stdout, run.stderr)
        assert any(m == "PUT" and p.startswith("/ac/") and s == 201 for m, p, s in server.requests())
        reader = checkout(tmp_path / "token-reader")
        reader_config = reader / ".plan" / "run-configuration.json"
        reader_config.write_text(config.read_text())
        run, hit = package(reader, "--module", "core", env=right)
        assert statuses(hit) == {"core": ("cached", "remote")}, run.stdout

        # The token is in no output: reports, stderr, and every file PlanBuild wrote.
        for text in (run.stdout, run.stderr):
            assert TOKEN not in text and TOKEN[::-1] not in text
        for root in (other, reader):
            for path in (root / ".plan").rglob("*"):
                if path.is_file():
                    data = path.read_bytes()
                    assert TOKEN.encode() not in data and TOKEN[::-1].encode() not in data, path
