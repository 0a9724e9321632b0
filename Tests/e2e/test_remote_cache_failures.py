"""The shared build cache when things go wrong, on stand-in Maven modules (remote_cache_support:
each `package` writes its jar from its sources at once; the cache, the transport and the servers
are the subject here, real Maven is test_remote_cache_maven.py's) with a real nginx with WebDAV PUT,
a server that goes down during a run, one that never answers and a closed port. A dead, slow or
refusing server and a bad blob each make the build run locally with one warning, and nothing wrong
is put in place."""
import json
import os
from pathlib import Path

from nginx_support import cache_server
from remote_cache_support import (MODULES, built, closed_port_url, configure_remote, dying_server,
                                  nothing_incoming, package, remote_warnings, silent_server,
                                  stand_in_project, statuses)

TOKEN = "pb-test-token-7f3a9c"


def filled_server(tmp_path: Path, server) -> dict:
    """Builds a stand-in project and uploads it to SERVER; its records by module."""
    origin = stand_in_project(tmp_path / "origin")
    run, report = package(origin, "--remote-cache", server.url, "--remote-cache-write")
    assert run.returncode == 0 and statuses(report) == {m: ("success", None) for m in MODULES}, run.stdout
    records = {}
    for path in (server.data / "ac").rglob("*"):
        if path.is_file():
            record = json.loads(path.read_text())
            records[record["module"]] = record
    assert sorted(records) == sorted(MODULES)
    return records


def test_a_changed_source_rebuilds_the_module_and_its_dependents(tmp_path: Path):
    with cache_server(tmp_path / "nginx") as server:
        filled_server(tmp_path, server)
        copy = stand_in_project(tmp_path / "elsewhere" / "copy")
        run, first = package(copy, "--remote-cache", server.url)
        assert statuses(first) == {m: ("cached", "remote") for m in MODULES} and built(copy) == []
        source = copy / "service" / "src" / "main" / "java" / "Service.java"
        source.write_text(source.read_text() + "// changed on this machine\n")
        run, changed = package(copy, "--remote-cache", server.url)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(changed) == {"core": ("cached", "local"), "service": ("success", None), "web": ("success", None)}
        assert built(copy) == ["service", "web"] and remote_warnings(changed) == []


def test_a_server_that_goes_down_during_a_run(tmp_path: Path):
    """It answers the first two requests, then is gone: the run completes by building, with one
    warning, and nothing is put in place."""
    with cache_server(tmp_path / "nginx") as server:
        filled_server(tmp_path, server)
        project = stand_in_project(tmp_path / "machine")
        with dying_server(server.data, answers=2) as url:  # a module needs 3: record, jar, log
            run, report = package(project, "--remote-cache", url)
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(report) == {m: ("success", None) for m in MODULES}
    assert len(remote_warnings(report)) == 1 and "not reachable" in remote_warnings(report)[0]
    assert sorted(built(project)) == sorted(MODULES)
    assert nothing_incoming(project)


def test_an_altered_blob_is_refused_and_the_module_built(tmp_path: Path):
    with cache_server(tmp_path / "nginx") as server:
        records = filled_server(tmp_path, server)
        jar_blob = server.data / "cas" / records["core"]["artifacts"][0]["sha256"]
        jar_blob.write_bytes(b"not the jar" + jar_blob.read_bytes()[11:])
        project = stand_in_project(tmp_path / "machine")
        run, report = package(project, "--remote-cache", server.url)
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(report) == {"core": ("success", None), "service": ("cached", "remote"), "web": ("cached", "remote")}
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and "does not match its SHA-256" in warnings[0]
    assert built(project) == ["core"]
    assert all(not p.read_bytes().startswith(b"not the jar") for p in project.glob("core/target/*.jar"))
    assert nothing_incoming(project)


def test_a_server_that_is_gone(tmp_path: Path):
    project = stand_in_project(tmp_path / "machine")
    run, report = package(project, "--remote-cache", closed_port_url(), "--module", "core")
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(report) == {"core": ("success", None)}
    assert len(remote_warnings(report)) == 1 and "not reachable" in remote_warnings(report)[0]


def test_a_server_that_never_answers(tmp_path: Path):
    project = stand_in_project(tmp_path / "slow")
    with silent_server() as url:
        configure_remote(project, {"url": url, "timeout_seconds": 1})
        run, report = package(project, "--module", "core")
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(report) == {"core": ("success", None)}
    assert len(remote_warnings(report)) == 1 and built(project) == ["core"]


def test_a_wrong_token_then_the_right_one(tmp_path: Path):
    """nginx requiring a token; the run has a wrong one (named by token_env): 401, a warning, a
    local build. With the right one the build is uploaded and a clean copy gets it from there."""
    project = stand_in_project(tmp_path / "token")
    with cache_server(tmp_path / "nginx-token", token=TOKEN) as server:
        config = configure_remote(project, {"url": server.url, "write": True, "token_env": "TEAM_CACHE_TOKEN"})
        wrong = dict(os.environ, TEAM_CACHE_TOKEN=TOKEN[::-1])
        run, report = package(project, "--module", "core", env=wrong)
        assert run.returncode == 0, (run.stdout, run.stderr)
        assert statuses(report) == {"core": ("success", None)}
        assert len(remote_warnings(report)) == 1 and "401" in remote_warnings(report)[0]
        assert not any(s == 201 for _, _, s in server.requests())

        right = dict(os.environ, TEAM_CACHE_TOKEN=TOKEN)
        run, forced = package(project, "--module", "core", "--force", "core", env=right)
        assert run.returncode == 0 and remote_warnings(forced) == [], (run.stdout, run.stderr)
        assert any(m == "PUT" and p.startswith("/ac/") and s == 201 for m, p, s in server.requests())
        reader = stand_in_project(tmp_path / "token-reader")
        (reader / ".plan" / "run-configuration.json").write_text(config.read_text())
        run, hit = package(reader, "--module", "core", env=right)
        assert statuses(hit) == {"core": ("cached", "remote")}, run.stdout
        assert built(reader) == []

        # The token is in no output: reports, stderr, and every file PlanBuild wrote.
        for text in (run.stdout, run.stderr):
            assert TOKEN not in text and TOKEN[::-1] not in text
        for root in (project, reader):
            for path in (root / ".plan").rglob("*"):
                if path.is_file():
                    data = path.read_bytes()
                    assert TOKEN.encode() not in data and TOKEN[::-1].encode() not in data, path
