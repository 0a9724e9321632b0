"""The build cache on real Maven: a copy of examples/maven-multi with its faults fixed
and the chain service → core, web → service declared in Maven coordinates, as the discovery
tools write them. Each step changes the project the way a developer would and checks which
modules rebuild, why, and that a cached build starts no Maven process (no new log file)."""
import json
import os
import subprocess
import time
from pathlib import Path

from conftest import chain, fix_faults
from orchestration_support import PLANBUILD, orchestrate


def logs(project: Path) -> set:
    root = project / ".plan" / "temp" / "build-output"
    return {str(p) for p in root.rglob("*.log")} if root.exists() else set()


def statuses(report) -> dict:
    return {b["module"]: b["status"] for b in report["builds"]}


def reasons(report) -> dict:
    return {b["module"]: (b.get("cache_miss") or {}).get("reason") for b in report["builds"] if b["status"] != "cached"}


def cache(project: Path, *args: str) -> dict:
    run = subprocess.run([str(PLANBUILD), "cache", *args, "--project-dir", str(project), "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def run_ok(project: Path):
    run, report = orchestrate(project, "--jobs", "3", timeout=900)
    assert run.returncode == 0, (run.stdout, run.stderr)
    return report


def test_incremental_builds_on_real_maven(maven_example: Path):
    project = maven_example
    chain(project)
    fix_faults(project)
    core_source = next((project / "core" / "src" / "main").rglob("*.java"))
    web_test = next((project / "web" / "src" / "test").rglob("*.java"))

    # 1. Everything builds, in dependency order, each miss saying there was no record.
    first = run_ok(project)
    assert statuses(first) == {"core": "success", "service": "success", "web": "success"}
    assert set(reasons(first).values()) == {"no_record"}
    builds = {b["module"]: b for b in first["builds"]}
    assert builds["service"]["started_ms"] >= builds["core"]["finished_ms"]
    assert builds["web"]["started_ms"] >= builds["service"]["finished_ms"]
    assert (project / ".plan" / "build-cache" / ".gitignore").read_text().strip().endswith("*")

    # 2. Nothing changed: every build cached, no Maven process started (no new log file).
    before = logs(project)
    second = run_ok(project)
    assert statuses(second) == {"core": "cached", "service": "cached", "web": "cached"}
    assert second["cached"] == 3 and second["time_saved_seconds"] >= first["builds"][0]["duration_seconds"]
    assert logs(project) == before
    cached_core = next(b for b in second["builds"] if b["module"] == "core")
    assert cached_core["log_file"] == builds["core"]["log_file"]
    assert cached_core["time_saved_seconds"] == builds["core"]["duration_seconds"]

    # 3. A touched file with the same content is still cached (the hash decides, not the mtime).
    os.utime(core_source, (time.time() + 5, time.time() + 5))
    assert statuses(run_ok(project)) == {"core": "cached", "service": "cached", "web": "cached"}

    # 4. A source change in core rebuilds core and, through the dependency digests, service and web.
    core_source.write_text(core_source.read_text() + "\n// changed by the test\n")
    explained = cache(project, "explain", "--module", "core")
    assert explained["decision"] == "rebuild"
    assert explained["cache_miss"]["reason"] == "inputs_changed"
    assert explained["cache_miss"]["modified"] == [str(core_source.relative_to(project))]
    third = run_ok(project)
    assert statuses(third) == {"core": "success", "service": "success", "web": "success"}
    assert reasons(third) == {"core": "inputs_changed", "service": "dependency_changed", "web": "dependency_changed"}

    # 5. A test change in web rebuilds web only.
    web_test.write_text(web_test.read_text() + "\n// changed by the test\n")
    fourth = run_ok(project)
    assert statuses(fourth) == {"core": "cached", "service": "cached", "web": "success"}
    assert reasons(fourth)["web"] == "inputs_changed"

    # 6. Another command line for the same command: a miss that says so (explain builds nothing).
    path = project / ".plan" / "project-architecture" / "derived-data.json"
    data = json.loads(path.read_text())
    original = data["modules"]["core"]["commands"]["verify"]
    data["modules"]["core"]["commands"]["verify"] = original.replace('verify -pl core', 'verify -pl core -q')
    path.write_text(json.dumps(data, indent=2))
    assert cache(project, "explain", "--module", "core")["cache_miss"]["reason"] == "command_changed"
    data["modules"]["core"]["commands"]["verify"] = original
    path.write_text(json.dumps(data, indent=2))
    assert cache(project, "explain", "--module", "core")["decision"] == "cached"

    # 7. A record older than incremental.max_age_days is expired.
    config = project / ".plan" / "run-configuration.json"
    settings = json.loads(config.read_text())
    settings["incremental"] = {"max_age_days": 0}
    config.write_text(json.dumps(settings, indent=2))
    time.sleep(1.1)
    assert cache(project, "explain", "--module", "core")["cache_miss"]["reason"] == "expired"
    del settings["incremental"]
    config.write_text(json.dumps(settings, indent=2))

    # 8. A failed build is never recorded: the broken service would run again on the next run.
    service_source = next((project / "service" / "src" / "main").rglob("*.java"))
    good = service_source.read_text()
    service_source.write_text(good.replace("{", "{ int broken = ;", 1))
    run, report = orchestrate(project, "--jobs", "3", timeout=900)
    assert run.returncode == 1
    assert statuses(report)["service"] == "error"
    assert statuses(report)["web"] == "skipped"
    # Had the failure been recorded, its inputs would match the record and the answer be "cached".
    explained = cache(project, "explain", "--module", "service")
    assert explained["decision"] == "rebuild" and explained["cache_miss"]["reason"] == "inputs_changed", explained
    service_source.write_text(good)
    assert cache(project, "explain", "--module", "service")["decision"] == "cached"

    # 9. One run for two reasons to build (a Maven round trip each costs seconds): a recorded artifact
    # that is gone rebuilds core while its dependent service stays cached (same inputs), and --force
    # rebuilds the named module, web, whose inputs did not change either.
    for jar in (project / "core" / "target").glob("*.jar"):
        jar.unlink()
    run, forced = orchestrate(project, "--jobs", "3", "--force", "web", timeout=900)
    assert run.returncode == 0, (run.stdout, run.stderr)
    assert statuses(forced) == {"core": "success", "service": "cached", "web": "success"}
    assert reasons(forced) == {"core": "artifact_missing", "web": "forced"}
    assert list((project / "core" / "target").glob("*.jar"))

    # 10. Clearing one module, then the statistics.
    listed = cache(project, "list")
    assert sorted(e["module"] for e in listed["entries"]) == ["core", "service", "web"]
    assert cache(project, "clear", "--module", "core")["cleared"] == 1
    stats = cache(project, "stats")
    assert stats["entries"] == 2 and stats["bytes"] > 0
    assert stats["total"]["hits"] >= 9 and stats["total"]["time_saved_seconds"] > 0
    assert stats["last_run"] == {"hits": 1, "misses": 2, "time_saved_seconds": stats["last_run"]["time_saved_seconds"]}
    assert cache(project, "explain", "--module", "core")["cache_miss"]["reason"] == "no_record"


# Stands in for Maven where a single run's cache is the subject (real Maven under the cache is the
# test above): ./mvnw, which the maven script prefers to mvn, packages core at once and notes each run.
STAND_IN_MVNW = """#!/bin/sh
mkdir -p core/target
cat core/src/main/java/com/example/core/*.java > core/target/core-1.0.0-SNAPSHOT.jar
echo "$*" >> mvnw-runs.txt
echo "[INFO] BUILD SUCCESS"
"""


def test_single_run_uses_the_cache_only_when_enabled(maven_example: Path):
    """The maven script's `run`: the reference behaviour (always build) by default; with
    "incremental": {"enabled": true} a repeated unchanged build prints status cached."""
    from conftest import run_script
    project = maven_example
    maven = "pm-dev-java:plan-marshall-plugin:maven"
    (project / "mvnw").write_text(STAND_IN_MVNW)
    (project / "mvnw").chmod(0o755)

    def run():
        completed = run_script(project, maven, "run", "--commandArgs", "verify -pl core", "--format", "json")
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    def builds() -> int:
        return len((project / "mvnw-runs.txt").read_text().splitlines())

    first, second = run(), run()
    assert (first["status"], second["status"]) == ("success", "success")  # not enabled: both build
    assert first["log_file"] != second["log_file"] and builds() == 2

    config = project / ".plan" / "run-configuration.json"
    settings = json.loads(config.read_text())
    settings["incremental"] = {"enabled": True}
    config.write_text(json.dumps(settings, indent=2))
    recorded = run()
    assert recorded["status"] == "success"
    before = logs(project)
    cached = run()
    assert cached["status"] == "cached" and cached["exit_code"] == 0
    assert cached["log_file"] == recorded["log_file"]
    assert cached["time_saved_seconds"] == recorded["duration_seconds"]
    assert logs(project) == before and builds() == 3  # no Maven process, no new log
    toon = run_script(project, maven, "run", "--commandArgs", "verify -pl core")
    assert toon.returncode == 0 and "status\tcached" in toon.stdout.splitlines() and builds() == 3

    source = next((project / "core" / "src" / "main").rglob("*.java"))
    source.write_text(source.read_text() + "\n// changed\n")
    assert run()["status"] == "success" and builds() == 4
