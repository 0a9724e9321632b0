"""The local build cache meets what a hostile checkout may carry in `.plan/build-cache/`: numbers
out of range, a symlinked stats.json, links to the project, FIFOs. Through the real CLI
(`bin/planbuild orchestrate` and `cache`), with real signals: the run never traps, nothing outside
the cache folder is written or removed, what is refused is reported once, and SIGTERM ends a run
in any state within the 3 s docs/processes.md promises.

A build here is a small shell script: the subject is PlanBuild's cache and signal machinery.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from orchestration_support import PLANBUILD
from test_process_trees import kill_all, wait_for, with_marker

CRASH = 128 + signal.SIGILL  # a Swift trap: what an overflow did


def project(root: Path, script_body: str = "exit 0", modules=("lib",)) -> Path:
    """Modules with one source file each; every command runs `script_body`."""
    (root / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    entries = {}
    for name in modules:
        (root / name / "src").mkdir(parents=True, exist_ok=True)
        (root / name / "src" / "A.java").write_text(f"class A {{}} // {name}\n")
        script = root / f"build-{name}.sh"
        script.write_text(f"#!/bin/sh\necho $$ > '{root}/{name}.pid'\n{script_body}\n")
        script.chmod(0o755)
        entries[name] = {"name": name, "paths": {"module": name, "sources": [f"{name}/src"]},
                         "commands": {"verify": str(script)}}
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": root.name}, "modules": entries}))
    return root


def orchestrate(root: Path, *args: str, timeout: float = 60):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(root), "--command", "verify",
                          "--format", "json", *args], capture_output=True, text=True, timeout=timeout)
    assert run.returncode != CRASH, run.stderr
    return run, (json.loads(run.stdout) if run.stdout.strip().startswith("{") else None)


def cache(root: Path, *args: str):
    run = subprocess.run([str(PLANBUILD), "cache", *args, "--project-dir", str(root), "--format", "json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != CRASH, run.stderr
    return run


def cache_folder(root: Path) -> Path:
    return root / ".plan" / "build-cache"


def recorded(root: Path) -> Path:
    """Runs the build once, so that the cache holds its record; the record's path."""
    run, report = orchestrate(root)
    assert run.returncode == 0, run.stderr
    record = cache_folder(root) / "lib" / "verify.json"
    assert record.is_file() and report["builds"][0]["status"] == "success"
    return record


# ---- numbers out of range ----

@pytest.mark.parametrize("member, value", [
    ("recorded_at", -9223372036854775808), ("recorded_at", 10 ** 15), ("duration_seconds", 10 ** 16),
    ("duration_ms", 9223372036854775807), ("duration_seconds", 1e300), ("warnings", -1),
])
def test_a_record_with_a_number_out_of_range_is_corrupt_not_a_crash(tmp_path: Path, member, value):
    root = project(tmp_path / "p")
    record_path = recorded(root)
    record = json.loads(record_path.read_text())
    record[member] = value
    if member == "duration_seconds":
        del record["duration_ms"]  # so that the seconds are what is read
    record_path.write_text(json.dumps(record))

    run, report = orchestrate(root)
    assert run.returncode == 0, run.stderr
    assert report["builds"][0]["status"] == "success"  # rebuilt: the record counts as absent
    warnings = [w for w in report.get("cache_warnings", []) if "verify.json" in w]
    assert len(warnings) == 1, report.get("cache_warnings")
    assert json.loads(record_path.read_text())[member] != value  # the rebuild wrote a good record

    record_path.write_text(json.dumps(record))
    listed = cache(root, "list")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)["unreadable"]) == 1
    stats = cache(root, "stats")
    assert stats.returncode == 0 and json.loads(stats.stdout)["entries"] == 0


def test_huge_counts_in_stats_json_and_settings_do_not_overflow(tmp_path: Path):
    root = project(tmp_path / "p")
    recorded(root)
    huge = 9223372036854775807
    (cache_folder(root) / "stats.json").write_text(json.dumps({
        "version": 1, "total": {"hits": huge, "misses": huge, "time_saved_seconds": huge},
        "remote": {"total": {"hits": huge, "misses": huge, "bytes_down": huge, "bytes_up": huge}}}))
    (root / ".plan" / "run-configuration.json").write_text(json.dumps({
        "incremental": {"max_age_days": 1e15},
        "commands": {"command:verify@lib": {"timeout_seconds": huge}}}))
    run, report = orchestrate(root)
    assert run.returncode == 0, run.stderr
    assert report["builds"][0]["status"] == "cached"
    stats = json.loads(cache(root, "stats").stdout)
    assert stats["total"]["hits"] == huge  # held at the maximum
    assert "cache_warnings" not in stats


# ---- links in the cache folder ----

def test_a_symlinked_stats_json_leaves_its_target_untouched(tmp_path: Path):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/sh\n")
    root = project(tmp_path / "p")
    cache_folder(root).mkdir(parents=True)
    (cache_folder(root) / "stats.json").symlink_to(passwd)

    for attempt in range(2):
        run, report = orchestrate(root)
        assert run.returncode == 0, run.stderr
        warnings = [w for w in report.get("cache_warnings", []) if "stats.json" in w]
        # Reported once: the first run replaced the link by the cache's own file.
        assert len(warnings) == (1 if attempt == 0 else 0), report.get("cache_warnings")
        assert passwd.read_text() == "root:x:0:0:root:/root:/bin/sh\n"
        assert not (cache_folder(root) / "stats.json").is_symlink()
    assert json.loads((cache_folder(root) / "stats.json").read_text())["total"]["hits"] == 1


def test_cache_clear_does_not_follow_links_to_the_project(tmp_path: Path):
    root = project(tmp_path / "p", modules=("lib", "app"))
    recorded(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    folder = cache_folder(root)
    (folder / "project").symlink_to("../..")                     # the project root, relative
    (folder / "lib" / "up").symlink_to("../../..")                # from inside a module folder
    (folder / "elsewhere").symlink_to(outside)                    # absolute, outside the project
    (folder / "lib" / "source.json").symlink_to(root / "lib" / "src" / "A.java")
    before = sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".plan/build-cache" not in str(p))

    cleared = cache(root, "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert json.loads(cleared.stdout)["cleared"] == 2
    after = sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".plan/build-cache" not in str(p))
    assert after == before
    assert (root / "lib" / "src" / "A.java").read_text() == "class A {} // lib\n"
    assert (outside / "keep.txt").read_text() == "keep"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", ".lock", "stats.json"]


def test_a_symlinked_module_folder_is_not_written_through(tmp_path: Path):
    root = project(tmp_path / "p")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache_folder(root).mkdir(parents=True)
    (cache_folder(root) / "lib").symlink_to(elsewhere)
    run, report = orchestrate(root)
    assert run.returncode == 0, run.stderr
    assert any("lib" in w and "link" in w for w in report.get("cache_warnings", [])), report
    assert list(elsewhere.iterdir()) == []
    assert (cache_folder(root) / "lib").is_dir() and not (cache_folder(root) / "lib").is_symlink()
    assert orchestrate(root)[1]["builds"][0]["status"] == "cached"


# ---- FIFOs and signals ----

def sigterm_when(root: Path, ready, marker: str):
    """Starts `orchestrate`, sends SIGTERM once `ready()` holds; returns (process, stdout, stderr,
    seconds from the signal to the exit). Every process with `marker` is gone afterwards."""
    process = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(root), "--command", "verify",
                                "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(ready, 20), "the run never reached the state to stop it in"
        time.sleep(0.2)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        # The exit itself is measured: a process of the run left behind may still hold a pipe.
        wait_for(lambda: process.poll() is not None, 20)
        seconds = time.monotonic() - sent
        kill_all(marker)
        stdout, stderr = process.communicate(timeout=20)
        return process, stdout, stderr, seconds
    finally:
        if process.poll() is None:
            process.kill()
        kill_all(marker)


def test_sigterm_ends_a_run_that_meets_fifos_in_the_cache_within_3_s(tmp_path: Path):
    marker = f"i20fifo-{uuid.uuid4().hex[:12]}"
    root = project(tmp_path / "p", script_body=f"exec {sys.executable} -c 'import time; time.sleep(30)' {marker}")
    folder = cache_folder(root)
    (folder / "lib").mkdir(parents=True)
    for name in ("lib/verify.json", "lib/verify.manifest", "stats.json", ".lock"):
        os.mkfifo(folder / name)
    # Ready once the build runs: the FIFOs did not hold the run.
    process, stdout, stderr, seconds = sigterm_when(root, lambda: (root / "lib.pid").exists(), marker)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    report = json.loads(stdout)
    assert report["builds"][0]["status"] == "cancelled"
    assert any("verify.json" in w and "not a regular file" in w for w in report["cache_warnings"]), report
    assert not (folder / "stats.json").is_fifo()


def test_sigterm_ends_a_run_still_deciding_what_is_cached_within_3_s(tmp_path: Path):
    """A state where the run does not look at its cancellation: a runtime input command that takes
    long (run once per orchestration before any build). The signal still ends the run in time."""
    marker = f"i20deciding-{uuid.uuid4().hex[:12]}"
    root = project(tmp_path / "p")
    (root / ".plan" / "run-configuration.json").write_text(json.dumps(
        {"incremental": {"runtime_inputs": [f"{sys.executable} -c 'import time; time.sleep(20)' {marker}"]}}))
    process, _, stderr, seconds = sigterm_when(root, lambda: bool(with_marker(marker)), marker)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    assert not (root / "lib.pid").exists()  # no build started
