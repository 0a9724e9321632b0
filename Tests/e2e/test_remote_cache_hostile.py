"""The remote cache trusts nothing its server sends. A fake-build project (each module's "build"
is build.sh writing the module's jar from its sources: the subject is PlanBuild's cache, not a
build tool) uploads real records to a real nginx; a clean checkout elsewhere then reads them from
a hostile Python server on 127.0.0.1 that serves those records edited (paths anywhere, no
artifacts), endless bodies, slow drips and redirects. Every time the build runs locally with one
`cache_warning`, nothing the server sent is written outside the module's declared outputs, and the
run is not held past its deadlines."""
import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from hostile_http import hostile_server
from nginx_support import cache_server
from orchestration_support import PLANBUILD

BUILD_SCRIPT = """#!/bin/sh
# The fake build of module $1: its jar from its sources, and a line of log.
set -e
mkdir -p "$1/target"
{ echo "jar of $1"; cat "$1/src/Main.java"; } > "$1/target/$1-1.0.jar"
echo "built $1"
"""
POISON = b"POISON: written by the cache server\n"
TOKEN = "pb-hostile-token-51c2"


def make_project(root: Path, modules=("alpha", "beta"), plan_dir: str = ".plan") -> Path:
    """The same files wherever it is made, so every copy has the same input digests."""
    root.mkdir(parents=True)
    (root / "build.sh").write_text(BUILD_SCRIPT)
    (root / "pom.xml").write_text("<project/>\n")
    (root / ".gitignore").write_text("target/\n")
    entries = {}
    for name in modules:
        (root / name / "src").mkdir(parents=True)
        (root / name / "src" / "Main.java").write_text(f"class {name.capitalize()} {{}}\n")
        entries[name] = {"name": name, "build_systems": ["maven"],
                         "paths": {"module": name, "sources": [f"{name}/src"]},
                         "commands": {"package": f"sh build.sh {name}", "compile": f"sh -c 'echo compiled {name}'"}}
    architecture = root / plan_dir / "project-architecture"
    architecture.mkdir(parents=True)
    (architecture / "derived-data.json").write_text(json.dumps({"project": {"name": "fake"}, "modules": entries}))
    return root


def orchestrate(project: Path, *args: str, command: str = "package", env=None, timeout: float = 120):
    started = time.monotonic()
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", command,
                          "--format", "json", *args], capture_output=True, text=True, timeout=timeout, env=env)
    assert run.stdout.strip().startswith("{"), (run.stdout, run.stderr)
    return json.loads(run.stdout), time.monotonic() - started


def statuses(report) -> dict:
    return {b["module"]: (b["status"], b.get("cache")) for b in report["builds"]}


def remote_warnings(report) -> list:
    return [w for w in report.get("cache_warnings", []) if w.startswith("remote cache")]


def configure(project: Path, plan_dir: str = ".plan", **remote) -> None:
    (project / plan_dir / "run-configuration.json").write_text(json.dumps({"incremental": {"remote": remote}}))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory) -> Path:
    """The cache folder nginx holds after a writer built and uploaded alpha and beta."""
    base = tmp_path_factory.mktemp("uploaded")
    writer = make_project(base / "writer")
    with cache_server(base / "nginx") as server:
        report, _ = orchestrate(writer, "--remote-cache", server.url, "--remote-cache-write")
        assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
        assert remote_warnings(report) == []
    return base / "nginx" / "data"


def cache_copy(uploaded: Path, target: Path) -> Path:
    shutil.copytree(uploaded, target)
    return target


def record_path(data: Path, module: str) -> Path:
    for path in (data / "ac").iterdir():
        if json.loads(path.read_text())["module"] == module:
            return path
    raise AssertionError(f"no record of {module}")


def edit_record(data: Path, module: str, edit) -> dict:
    path = record_path(data, module)
    record = json.loads(path.read_text())
    edit(record)
    path.write_text(json.dumps(record))
    return record


def add_blob(data: Path, content: bytes) -> str:
    digest = sha256(content)
    (data / "cas" / digest).write_bytes(content)
    return digest


def files_below(*roots: Path) -> dict:
    """Every regular file below the roots (links not followed): path -> bytes."""
    found = {}
    for root in roots:
        for folder, dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    found[path] = path.read_bytes()
    return found


def assert_nothing_poisoned(*roots: Path) -> None:
    for path, data in files_below(*roots).items():
        assert POISON not in data, f"{path} was written from the cache server"
        assert ".tmp-" not in path.name, f"temporary left: {path}"


# The normal path: nginx, the real cache.

def test_records_from_nginx_restore_declared_outputs_only(uploaded: Path, tmp_path: Path):
    data = cache_copy(uploaded, tmp_path / "nginx" / "data")
    for path in (data / "ac").iterdir():
        record = json.loads(path.read_text())
        # Shared records name the jar by its declared place and the log by its file name alone.
        assert [a["path"] for a in record["artifacts"]] == [f"{record['module']}/target/{record['module']}-1.0.jar"]
        assert "/" not in record["log_file"] and record["log_file"].endswith(".log")
        assert record["log_size"] == len((data / "cas" / record["log_sha256"]).read_bytes())
    reader = make_project(tmp_path / "elsewhere" / "reader")
    with cache_server(tmp_path / "nginx") as server:
        report, _ = orchestrate(reader, "--remote-cache", server.url)
        assert statuses(report) == {"alpha": ("cached", "remote"), "beta": ("cached", "remote")}
        assert remote_warnings(report) == []
        for row in report["builds"]:
            module = row["module"]
            jar = reader / module / "target" / f"{module}-1.0.jar"
            assert jar.read_bytes() == f"jar of {module}\nclass {module.capitalize()} {{}}\n".encode()
            log = Path(row["log_file"])
            assert log.parent == reader / ".plan" / "temp" / "build-output" / module
            assert log.read_text() == f"built {module}\n"
        assert_nothing_poisoned(reader)
        # Recorded locally: the next run is a local hit, the jars still there.
        report, _ = orchestrate(reader, "--remote-cache", server.url)
        assert statuses(report) == {"alpha": ("cached", "local"), "beta": ("cached", "local")}


def test_a_build_without_outputs_is_not_shared(tmp_path: Path):
    writer = make_project(tmp_path / "writer")
    with cache_server(tmp_path / "nginx") as server:
        report, _ = orchestrate(writer, "--remote-cache", server.url, "--remote-cache-write", command="compile")
        assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
        assert remote_warnings(report) == []
        assert not [r for r in server.requests() if r[0] == "PUT"]
        assert not (server.data / "ac").exists()


# Item: a remote record writes anywhere.

OUTSIDE = "OUTSIDE"  # replaced by the outside folder's path


@pytest.mark.parametrize("target", [
    "pom.xml",
    "alpha/src/Main.java",
    "beta/src/Main.java",
    ".gitignore",
    ".github/workflows/x.yml",
    "beta/target/beta-1.0.jar",
    "alpha/target/sub/alpha-1.0.jar",
    "alpha/target/.alpha.jar",
    "alpha/target/../../pom.xml",
    "./alpha/target/alpha-1.0.jar",
    "alpha//target/alpha-1.0.jar",
    OUTSIDE + "/x.jar",
    "docs/x.jar",
    ".plan-ci/run-configuration.json",
    "alpha/target/alpha-1.0.jar",  # with alpha/target a link to the outside folder
])
def test_a_poisoned_record_writes_nothing(uploaded: Path, tmp_path: Path, target: str):
    outside = tmp_path / "outside"
    outside.mkdir()
    plan_dir = ".plan-ci" if target.startswith(".plan-ci/") else ".plan"
    reader = make_project(tmp_path / "reader", plan_dir=plan_dir)
    env = dict(os.environ, PLAN_DIR_NAME=plan_dir)
    if target == "docs/x.jar":
        (reader / "docs").symlink_to(outside, target_is_directory=True)
    if target == "alpha/target/alpha-1.0.jar":
        (reader / "alpha" / "target").symlink_to(outside, target_is_directory=True)
    path = target.replace(OUTSIDE, str(outside))
    data = cache_copy(uploaded, tmp_path / "cache")
    poison = add_blob(data, POISON)
    edit_record(data, "alpha", lambda r: r.update(artifacts=[{"path": path, "size": len(POISON), "sha256": poison}]))
    before = {p: b for p, b in files_below(reader).items() if "target" not in p.parts and "temp" not in p.parts}

    with hostile_server(lambda handler: handler.files(data)) as server:
        report, _ = orchestrate(reader, "--remote-cache", server.url, env=env)
    # alpha refused whole and built locally; beta's untouched record still a hit.
    assert statuses(report) == {"alpha": ("success", None), "beta": ("cached", "remote")}, report
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and "refused" in warnings[0], warnings
    assert not any(p.startswith("/cas/" + poison) for _, p, _ in server.asked)  # not even downloaded
    assert_nothing_poisoned(reader, outside)
    after = files_below(reader)
    for file, content in before.items():
        if file.name != "run-configuration.json":
            assert after.get(file) == content, file


def test_a_link_at_the_destination_is_replaced_not_followed(uploaded: Path, tmp_path: Path):
    victim = tmp_path / "outside" / "victim.jar"
    victim.parent.mkdir()
    victim.write_bytes(b"not yours\n")
    reader = make_project(tmp_path / "reader")
    (reader / "alpha" / "target").mkdir()
    (reader / "alpha" / "target" / "alpha-1.0.jar").symlink_to(victim)
    data = cache_copy(uploaded, tmp_path / "cache")
    with hostile_server(lambda handler: handler.files(data)) as server:
        report, _ = orchestrate(reader, "--remote-cache", server.url)
    assert statuses(report) == {"alpha": ("cached", "remote"), "beta": ("cached", "remote")}
    jar = reader / "alpha" / "target" / "alpha-1.0.jar"
    assert not jar.is_symlink() and jar.read_bytes().startswith(b"jar of alpha\n")
    assert victim.read_bytes() == b"not yours\n"


# Item: cached without its artifact.

@pytest.mark.parametrize("artifacts", ["missing", [], "alpha/target/alpha-1.0.jar", None, [{"path": "alpha/target/alpha-1.0.jar"}]])
def test_a_record_without_its_artifacts_is_refused(uploaded: Path, tmp_path: Path, artifacts):
    reader = make_project(tmp_path / "reader")
    data = cache_copy(uploaded, tmp_path / "cache")

    def edit(record):
        if artifacts == "missing":
            del record["artifacts"]
        else:
            record["artifacts"] = artifacts
    edit_record(data, "alpha", edit)
    with hostile_server(lambda handler: handler.files(data)) as server:
        report, _ = orchestrate(reader, "--remote-cache", server.url)
        assert statuses(report) == {"alpha": ("success", None), "beta": ("cached", "remote")}
        warnings = remote_warnings(report)
        assert len(warnings) == 1 and "refused" in warnings[0], warnings
        jar = reader / "alpha" / "target" / "alpha-1.0.jar"
        assert jar.is_file()
        # The local record lists the jar the local build made: a later run is a local hit with it.
        report, _ = orchestrate(reader, "--remote-cache", server.url)
        assert statuses(report) == {"alpha": ("cached", "local"), "beta": ("cached", "local")}
        assert jar.is_file()


# Item: redirects leak the token.

def test_redirects_are_not_followed_and_the_token_stays(uploaded: Path, tmp_path: Path):
    data = cache_copy(uploaded, tmp_path / "cache")
    env = dict(os.environ, PLANBUILD_CACHE_TOKEN=TOKEN)
    with hostile_server(lambda handler: handler.files(data)) as elsewhere:
        with hostile_server(lambda handler: handler.redirect(elsewhere.url + handler.path)) as redirecting:
            reader = make_project(tmp_path / "reader")
            report, _ = orchestrate(reader, "--remote-cache", redirecting.url, env=env)
            assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
            warnings = remote_warnings(report)
            assert len(warnings) == 1 and "redirect" in warnings[0] and "302" in warnings[0], warnings
            # The configured server got the token; the address it pointed to got nothing at all.
            assert redirecting.asked and all(auth == f"Bearer {TOKEN}" for _, _, auth in redirecting.asked)
            assert len(redirecting.asked) <= 2  # both records asked at once; nothing after the redirects
        # Uploads are not redirected either (307 would keep the method and the body).
        writer = make_project(tmp_path / "writer")

        def refuse_uploads(handler):
            if handler.command == "HEAD":
                handler.body(404)
            else:
                handler.redirect(elsewhere.url + handler.path, status=307)
        with hostile_server(refuse_uploads) as redirecting:
            configure(writer, url=redirecting.url, read=False, write=True)
            report, _ = orchestrate(writer, env=env)
            assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
            warnings = remote_warnings(report)
            assert len(warnings) == 1 and "redirect" in warnings[0] and "307" in warnings[0], warnings
            assert any(method == "PUT" for method, _, _ in redirecting.asked)
        assert elsewhere.asked == []
    assert TOKEN not in json.dumps(report)


# Item: unbounded bodies.

def test_an_endless_record_is_cut(uploaded: Path, tmp_path: Path):
    reader = make_project(tmp_path / "reader")
    with hostile_server(lambda handler: handler.flood() if handler.path.startswith("/ac/") else handler.body(404)) as server:
        report, elapsed = orchestrate(reader, "--remote-cache", server.url)
    assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and "larger than 1048576 bytes; refused" in warnings[0], warnings
    # Cut a little past 1 MiB (what the socket buffers held), not read to the end.
    sent = sum(server.sent.values())
    assert 0 < sent < 32 << 20, sent
    assert_nothing_poisoned(reader)


def test_a_blob_longer_than_declared_is_cut(uploaded: Path, tmp_path: Path):
    reader = make_project(tmp_path / "reader")
    data = cache_copy(uploaded, tmp_path / "cache")
    jar = json.loads(record_path(data, "alpha").read_text())["artifacts"][0]

    def respond(handler):
        if handler.path == f"/cas/{jar['sha256']}":
            handler.flood()
        else:
            handler.files(data)
    with hostile_server(respond) as server:
        report, _ = orchestrate(reader, "--remote-cache", server.url)
    assert statuses(report) == {"alpha": ("success", None), "beta": ("cached", "remote")}
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and f"longer than its declared {jar['size']} bytes" in warnings[0], warnings
    assert 0 < server.sent[f"/cas/{jar['sha256']}"] < 32 << 20
    # The local build's jar, no temporary beside it.
    assert (reader / "alpha" / "target" / "alpha-1.0.jar").read_bytes().startswith(b"jar of alpha\n")
    assert_nothing_poisoned(reader)


# Item: slow drip.

def test_a_dripping_server_costs_one_deadline(tmp_path: Path):
    reader = make_project(tmp_path / "reader")
    with hostile_server(lambda handler: handler.drip(0.5)) as server:
        configure(reader, url=server.url, timeout_seconds=1)
        report, elapsed = orchestrate(reader)
    assert statuses(report) == {"alpha": ("success", None), "beta": ("success", None)}
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and "within 1 s" in warnings[0], warnings
    # One deadline (1 s) for the whole exchange, not 60 of them; generous for a loaded machine.
    assert elapsed < 20, elapsed
    assert len(server.asked) <= 2  # the two first requests, made at once; then nothing more


def test_a_slow_server_stops_at_the_run_budget(tmp_path: Path):
    modules = tuple(f"m{index:02d}" for index in range(16))
    reader = make_project(tmp_path / "reader", modules=modules)

    def respond(handler):
        time.sleep(0.7)  # each answer well inside its deadline
        handler.body(404)
    with hostile_server(respond) as server:
        configure(reader, url=server.url, timeout_seconds=5, budget_seconds=1)
        report, elapsed = orchestrate(reader)
    assert {status for status, _ in statuses(report).values()} == {"success"}
    warnings = remote_warnings(report)
    assert len(warnings) == 1 and "(1 s) is spent" in warnings[0], warnings
    # Four at a time: the first four answered (0.7 s), the next ones cut at what is left.
    assert len(server.asked) < len(modules), len(server.asked)
    assert elapsed < 30, elapsed
