"""The run's exports for CI and dashboards: --events (JSON Lines, ordered, a finished
for every started, the callback's schema plus monotonic_ms) and --trace (Chrome trace-event JSON,
one complete span per build, lanes that never overlap), through `planbuild orchestrate`, and the
same through orchestrate.py's run_many. Modules are shell scripts of known durations; the real
Maven run of test_run_exports_maven.py checks --junit and --sarif."""
import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration_support import REPO, make_project, orchestrate


def read_events(path: Path) -> list:
    lines = path.read_text().split("\n")
    assert lines[-1] == ""  # every line ends, the last included
    return [json.loads(line) for line in lines[:-1]]


def check_event_stream(events: list, modules: set) -> None:
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "run_finished"
    times = [event["monotonic_ms"] for event in events]
    assert times == sorted(times)
    assert all(list(event)[-1] == "monotonic_ms" for event in events)
    started = [event["module"] for event in events if event["event"] == "build_started"]
    finished = [event["module"] for event in events if event["event"] == "build_finished"]
    skipped = [event["module"] for event in events if event["event"] == "build_skipped"]
    assert sorted(started) == sorted(set(started))
    assert set(started) <= set(finished)
    for module in started:  # each finished comes after its started
        first = next(i for i, e in enumerate(events) if e.get("module") == module and e["event"] == "build_started")
        last = next(i for i, e in enumerate(events) if e.get("module") == module and e["event"] == "build_finished")
        assert first < last
    assert set(finished) | set(skipped) == modules


def check_trace(trace: dict, report: dict) -> None:
    spans = [event for event in trace["traceEvents"] if event["ph"] == "X"]
    ran = [build for build in report["builds"] if build["started_ms"] is not None and build["status"] != "cached"]
    assert sorted(span["args"]["module"] for span in spans) == sorted(build["module"] for build in ran)
    for span in spans:
        build = next(b for b in report["builds"] if b["module"] == span["args"]["module"])
        assert span["name"] == build["module"] and span["args"]["status"] == build["status"]
        assert span["args"]["command"] == "verify"
        assert span["ts"] == build["started_ms"] * 1000 and span["dur"] == (build["finished_ms"] - build["started_ms"]) * 1000
    lanes = {}
    for span in spans:
        lanes.setdefault(span["tid"], []).append((span["ts"], span["ts"] + span["dur"]))
    for intervals in lanes.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            assert end <= start, intervals
    names = {event["args"]["name"] for event in trace["traceEvents"] if event["ph"] == "M" and event["name"] == "thread_name"}
    assert {f"slot {tid}" for tid in lanes} <= names


def test_events_and_trace_of_orchestrate(tmp_path: Path):
    project = make_project(tmp_path / "p", {
        "a": {"sleep": 0.6}, "b": {"sleep": 0.2, "exit": 1}, "c": {"deps": ["b"]}, "d": {"sleep": 0.4},
        "e": {"sleep": 0.3}, "slow": {"sleep": 30}})
    events, trace = tmp_path / "run.jsonl", tmp_path / "run.trace.json"
    run, report = orchestrate(project, "--no-cache", "--jobs", "2", "--timeout", "2", "--events", str(events),
                              "--trace", str(trace))
    assert run.returncode == 1, run.stderr
    stream = read_events(events)
    check_event_stream(stream, {"a", "b", "c", "d", "e", "slow"})
    # The same schema as the C callback: a build_finished carries what docs/events.md lists, in order.
    finished_b = next(e for e in stream if e["event"] == "build_finished" and e["module"] == "b")
    assert list(finished_b) == ["event", "module", "command", "index", "status", "duration_seconds", "duration_ms",
                                "errors", "warnings", "log_file", "cache_miss", "first_error", "monotonic_ms"]
    assert finished_b["first_error"] == "exit code 1"
    profile = json.loads(trace.read_text())
    check_trace(profile, report)
    assert max(span["tid"] for span in profile["traceEvents"] if span["ph"] == "X") == 2  # two slots
    instants = [event for event in profile["traceEvents"] if event["ph"] == "i"]
    assert [(event["cat"], event["args"]["module"]) for event in instants] == [("timeout", "slow")]


def test_events_to_standard_error(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}, "b": {}})
    run, report = orchestrate(project, "--no-cache", "--events", "-")
    assert run.returncode == 0
    events = [json.loads(line) for line in run.stderr.splitlines()]  # nothing but the events there
    check_event_stream(events, {"a", "b"})


def test_an_export_that_cannot_be_written_is_a_clear_error(tmp_path: Path):
    project = make_project(tmp_path, {"a": {}})
    run, report = orchestrate(project, "--no-cache", "--events", str(tmp_path / "missing" / "x.jsonl"))
    assert run.returncode == 1 and report is None
    assert "error: cannot write" in run.stderr and "missing/x.jsonl" in run.stderr
    assert not (project / ".plan" / "temp" / "build-output" / "a").exists()  # nothing ran
    run, report = orchestrate(project, "--no-cache", "--trace", str(tmp_path / "missing" / "t.json"))
    assert run.returncode == 1 and report["status"] == "success"  # the report is still printed
    assert "error: cannot write" in run.stderr


def test_run_many_takes_the_same_exports(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {"sleep": 0.2}, "b": {"sleep": 0.2}, "c": {"deps": ["a"]}})
    script = f"""
import json, sys
sys.path.insert(0, {str(REPO / 'python')!r})
from pathlib import Path
from orchestrate import run_many
report = run_many('verify', project_dir={str(project)!r}, cache=False, jobs=2,
                  events=Path({str(tmp_path / 'e.jsonl')!r}), trace={str(tmp_path / 't.json')!r})
print(json.dumps(report))
"""
    env = dict(os.environ, PLANBUILD_LIBRARY=os.environ.get("PLANBUILD_LIBRARY", str(REPO / ".build" / "release" / "libplanbuild.so")))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    stream = read_events(tmp_path / "e.jsonl")
    check_event_stream(stream, {"a", "b", "c"})
    assert stream[0]["handle"] == report["handle"]  # the callback's run_started, handle and all
    check_trace(json.loads((tmp_path / "t.json").read_text()), report)
    bad = subprocess.run([sys.executable, "-c", script.replace("events=Path(", "events=(5, ")], capture_output=True,
                         text=True, timeout=60, env=env)
    assert bad.returncode == 1 and "TypeError" in bad.stderr
