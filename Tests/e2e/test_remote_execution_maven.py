"""Orchestration on a remote execution cluster with real Maven: BuildGrid (a real REAPI server, on
127.0.0.1) and two `planbuild worker`s in separate work folders standing for two machines. A copy of
examples/maven-multi built with `--remote-execution` gives the same statuses, errors and classes as
the same copy built here; a clean checkout elsewhere then gets every module from the ActionCache
without any worker running Maven; with the example's faults the errors are the same, at the same
files and lines. What the client, worker and server do when a worker dies or the server goes away,
and the remote cache over REAPI, are not about Maven: test_remote_execution_machinery.py."""
import json
import subprocess
import time
import zipfile
from pathlib import Path

from buildgrid_support import buildgrid
from conftest import chain, copy_example, fix_faults
from orchestration_support import PLANBUILD

def checkout(root: Path, fixed: bool = True) -> Path:
    project = copy_example("maven-multi", root / "maven-multi")
    chain(project)
    if fixed:
        fix_faults(project)
    return project


def package(project: Path, *args: str, timeout: float = 900):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "package",
                          "--format", "json", "--jobs", "3", *args], capture_output=True, text=True, timeout=timeout)
    assert run.stdout.strip().startswith("{"), (run.stdout, run.stderr)
    return run, json.loads(run.stdout)


def rows(report) -> dict:
    return {b["module"]: b for b in report["builds"]}


def statuses(report) -> dict:
    return {b["module"]: b["status"] for b in report["builds"]}


def errors(report, project: Path) -> dict:
    """Each module's errors as (file, line, message), paths relative to its project."""
    found = {}
    for build in report["builds"]:
        found[build["module"]] = sorted((str(e.get("file") or "").replace(str(project) + "/", ""), e.get("line"), e["message"])
                                        for e in build.get("first_errors", []))
    return found


def classes(project: Path) -> dict:
    """Every jar's compiled classes (jar entries carry build times, the classes do not)."""
    found = {}
    for jar in sorted(project.glob("*/target/*.jar")):
        with zipfile.ZipFile(jar) as archive:
            found[str(jar.relative_to(project))] = {n: archive.read(n) for n in archive.namelist() if n.endswith(".class")}
    return found


def jars(project: Path) -> dict:
    return {str(p.relative_to(project)): p.read_bytes() for p in project.glob("*/target/*.jar")}


def remote_warnings(report) -> list:
    return [w for w in report.get("cache_warnings", []) if w.startswith("remote execution")]


class Workers:
    """Two `planbuild worker` processes of one slot each, in work folders of their own (two
    machines); both killed at the end."""

    NAMES = ("worker-a", "worker-b")

    def __init__(self, server, work: Path):
        self.work = work
        self.started = []
        for name in self.NAMES:
            (work / name).mkdir(parents=True)
            with open(work / f"{name}.log", "wb") as log:
                self.started.append(subprocess.Popen(
                    [str(PLANBUILD), "worker", "--server", server.target, "--instance", server.instance, "--name", name,
                     "--work-dir", str(work / name), "--slots", "1", "--platform", "tools=maven,jdk"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + 60
        while not all(" open: " in self.log(name) for name in self.NAMES):
            assert time.monotonic() < deadline and all(w.poll() is None for w in self.started), \
                [self.log(name) for name in self.NAMES]
            time.sleep(0.05)

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def __exit__(self, *_):
        for worker in self.started:
            if worker.poll() is None:
                worker.kill()
            worker.wait()


def workers(server, work: Path) -> Workers:
    return Workers(server, work)


def test_the_maven_example_builds_on_the_cluster_as_here_and_then_comes_from_its_action_cache(tmp_path: Path):
    here = checkout(tmp_path / "here")
    run, local = package(here)
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert all("executed" not in b for b in local["builds"])

    there = checkout(tmp_path / "there")
    with buildgrid(tmp_path / "grid") as server:
        bots = workers(server, tmp_path / "workers")
        try:
            run, remote = package(there, "--remote-execution", server.target)
            assert run.returncode == 0, (run.stdout, run.stderr)
            assert statuses(remote) == statuses(local)
            assert remote_warnings(remote) == []
            for module, row in rows(remote).items():
                if row["status"] == "success":
                    assert row["executed"] == "remote" and row["worker"] in ("worker-a", "worker-b"), row
                    # The log came back to the module's usual log folder and was parsed here.
                    assert Path(row["log_file"]).is_file() and str(row["log_file"]).startswith(str(there))
                    assert "BUILD SUCCESS" in Path(row["log_file"]).read_text()
            # The jars are in place, with the classes a local build compiles; Maven never ran here.
            assert classes(there) == classes(here) and len(classes(there)) == 3
            assert not list(there.glob("*/target/classes"))

            # A clean checkout elsewhere: every build is an ActionCache hit, nothing runs.
            elsewhere = checkout(tmp_path / "elsewhere" / "deeper")
            ran_before = sum((tmp_path / "workers" / f"{w}.log").read_text().count(": started") for w in ("worker-a", "worker-b"))
            run, second = package(elsewhere, "--remote-execution", server.target)
            assert run.returncode == 0, (run.stdout, run.stderr)
            hits = {m: (r["status"], r.get("cache"), r.get("executed")) for m, r in rows(second).items() if r["status"] != "skipped"}
            assert hits and all(value == ("cached", "remote", "remote") for value in hits.values()), hits
            ran_after = sum((tmp_path / "workers" / f"{w}.log").read_text().count(": started") for w in ("worker-a", "worker-b"))
            assert ran_after == ran_before
            assert classes(elsewhere) == classes(here)
        finally:
            bots.__exit__(None, None, None)


def test_the_faults_give_the_same_errors_at_the_same_lines_as_here(tmp_path: Path):
    here = checkout(tmp_path / "here", fixed=False)
    _, local = package(here)
    there = checkout(tmp_path / "there", fixed=False)
    with buildgrid(tmp_path / "grid") as server:
        bots = workers(server, tmp_path / "workers")
        try:
            _, remote = package(there, "--remote-execution", server.target)
        finally:
            bots.__exit__(None, None, None)
    assert statuses(remote) == statuses(local)
    assert "error" in statuses(remote).values()
    assert errors(remote, there) == errors(local, here)
    assert any(errors(remote, there).values())
    assert all(b.get("executed") == "remote" for b in remote["builds"] if b["status"] in ("success", "error"))
