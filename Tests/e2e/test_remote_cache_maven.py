"""The shared build cache on real Maven and a real nginx with WebDAV PUT, one round trip: copies of
examples/maven-multi at different paths stand for different machines, each with its own local
cache. A builds everything with Maven and uploads it; B, a clean copy elsewhere, gets every module
from the server without starting Maven, jars identical to A's; B's next run is a local hit. What
the cache does when a server fails, a blob is altered or a token is wrong is not about Maven:
test_remote_cache_failures.py checks it on stand-in modules."""
import json
from pathlib import Path

from conftest import chain, copy_example, fix_faults
from nginx_support import cache_server
from remote_cache_support import MODULES, nothing_incoming, package, remote_warnings, rows, stats, statuses


def checkout(root: Path) -> Path:
    """A clean copy of the example with the chain declared and the faults fixed."""
    project = copy_example("maven-multi", root / "maven-multi")
    chain(project)
    fix_faults(project)
    return project


def jars(project: Path) -> dict:
    return {str(p.relative_to(project)): p.read_bytes() for p in project.glob("*/target/*.jar")}


def test_remote_cache_shares_builds_between_checkouts(tmp_path: Path):
    a = checkout(tmp_path / "machine-a" / "work")
    b = checkout(tmp_path / "machine-b" / "elsewhere" / "deeper")
    with cache_server(tmp_path / "nginx") as server:
        # A builds everything and uploads it: blobs first, each record last.
        run, first = package(a, "--remote-cache", server.url, "--remote-cache-write")
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(first) == {m: ("success", None) for m in MODULES}
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
        assert statuses(second) == {m: ("cached", "remote") for m in MODULES}
        assert not list(b.glob("*/target/classes"))
        assert jars(b) == jars(a) and len(jars(b)) == 3
        for module, row in rows(second).items():
            assert row["time_saved_seconds"] == rows(first)[module]["duration_seconds"]
            assert Path(row["log_file"]).is_file() and str(row["log_file"]).startswith(str(b))
            assert Path(row["log_file"]).read_bytes() == Path(rows(first)[module]["log_file"]).read_bytes()
        remote = stats(b)["remote"]["last_run"]
        assert remote["hits"] == 3 and remote["bytes_down"] > sum(len(j) for j in jars(a).values())
        assert nothing_incoming(b)

        # Recorded locally: the next run is a local hit without asking the server.
        asked = len(server.requests())
        run, third = package(b, "--remote-cache", server.url)
        assert statuses(third) == {m: ("cached", "local") for m in MODULES}
        assert len(server.requests()) == asked
