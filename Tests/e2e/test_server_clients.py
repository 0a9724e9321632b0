"""Every entry point through the build server works as in process: the build scripts' `run`,
orchestrate.py and run_many (events to the callback, as JSON and as lines), `planbuild orchestrate`
with its exports, its live display's plain lines and `--events -`."""
import json
import re
import subprocess
import sys
from pathlib import Path

from orchestration_support import PLANBUILD, REPO

from server_support import PYTHON_SHIMS, Server, fake_project, orchestration_project, python_client

MODULES = {"a": {"sleep": 0.2}, "b": {"sleep": 0.2, "deps": ["a"]}}


def script(server: Server, name: str, *args: str) -> subprocess.CompletedProcess:
    """One of the shims' scripts, run as a project's command runs it."""
    return subprocess.run([sys.executable, str(PYTHON_SHIMS / name), *args], env=server.env, capture_output=True, text=True,
                          timeout=120)


def test_build_scripts_and_run_many_through_the_server(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = fake_project(tmp_path)
        run = script(server, "maven.py", "run", "--commandArgs", "verify -Dname=s", "--execution-mode", "server",
                     "--project-dir", str(project), "--format", "json")
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout)
        assert result["status"] == "success" and len(result["job"]) == 16

        served = orchestration_project(tmp_path / "served", MODULES)
        local = orchestration_project(tmp_path / "local", MODULES)
        code = """
import json, sys
from orchestrate import run_many
events = []
report = run_many("verify", project_dir=sys.argv[1], execution_mode=sys.argv[2], on_progress=events.append)
print(json.dumps({"events": events, "report": report}))
"""
        outputs = {}
        for name, folder, mode in (("server", served, "server"), ("local", local, "in_process")):
            done = python_client(server, code.replace("sys.argv[1]", repr(str(folder))).replace("sys.argv[2]", repr(mode)))
            assert done.returncode == 0, done.stderr
            outputs[name] = json.loads(done.stdout)
        through, alone = outputs["server"], outputs["local"]
        # The same events; through the server a build is reported started when its slot is granted, so
        # a `progress` summary may come between a build's end and the next one's start.
        def story(events):
            return [(e["event"], e.get("module"), e.get("status")) for e in events if e["event"] != "progress"]
        assert story(through["events"]) == story(alone["events"])
        assert through["events"][0]["handle"] == through["report"]["handle"], "the caller's own handle, as in process"
        assert "job" in through["report"] and "job" not in alone["report"]
        assert [b["status"] for b in through["report"]["builds"]] == ["success", "success"]

        lines = script(server, "orchestrate.py", "run", "--command", "verify", "--project-dir", str(served),
                       "--execution-mode", "server", "--no-cache")
        assert lines.returncode == 0, lines.stderr
        assert "started  a" in lines.stderr and "success  b" in lines.stderr
        assert lines.stdout.startswith("status\tsuccess")
    finally:
        server.stop()


def test_orchestrate_through_the_server_writes_its_exports_and_events(tmp_path: Path):
    server = Server(tmp_path).start()
    try:
        project = orchestration_project(tmp_path, MODULES)
        exports = tmp_path / "exports"
        exports.mkdir()

        def orchestrate(*args: str, **env) -> subprocess.CompletedProcess:
            # From a working directory of the client's own: relative export paths are taken from it.
            return subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                                   "--execution-mode", "server", "--no-cache", *args], cwd=tmp_path,
                                  env=dict(server.env, **env), capture_output=True, text=True, timeout=120)

        done = orchestrate("--events", "exports/events.jsonl", "--junit", "exports/run.xml", "--trace", "exports/trace.json",
                           "--format", "json", CI="1")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["status"] == "success"
        assert "started  a" in done.stderr, "the plain display draws the server's events"
        written = [json.loads(line) for line in (exports / "events.jsonl").read_text().splitlines()]
        assert written[0]["event"] == "run_started" and written[-1]["event"] == "run_finished"
        assert (exports / "run.xml").read_text().count("<testsuite ") == 2
        assert json.loads((exports / "trace.json").read_text())["traceEvents"]

        streamed = orchestrate("--events", "-")
        assert streamed.returncode == 0, streamed.stderr
        # Standard error is the event stream then: nothing else is written there.
        events = [json.loads(line) for line in streamed.stderr.splitlines()]
        assert [event["event"] for event in events] == [event["event"] for event in written]
        assert all("monotonic_ms" in event for event in events)
    finally:
        server.stop()


def test_orchestrate_lines_the_quick_reader_leaves_alone_get_the_argument_parsers_answers(tmp_path: Path):
    """`planbuild orchestrate … --execution-mode server` is read without the argument parser when
    every argument is a plain one it knows (QuickOrchestrate); any other line is the parser's, with
    its answers and usage errors, and a line both can read gives the same run."""
    server = Server(tmp_path).start()
    try:
        project = orchestration_project(tmp_path, MODULES)

        def orchestrate(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), *args], cwd=tmp_path,
                                  env=server.env, capture_output=True, text=True, timeout=120)

        def report(done: subprocess.CompletedProcess) -> list:
            assert done.returncode == 0, done.stderr
            assert "planbuild: build server job " in done.stderr, "run by the server"
            result = json.loads(done.stdout)
            return [(b["module"], b["status"]) for b in result["builds"]] + [(result["status"], result["cached"])]

        report(orchestrate("--command", "verify", "--execution-mode", "server", "--format", "json"))  # builds and records
        quick = report(orchestrate("--command", "verify", "--execution-mode", "server", "--format", "json", "--module", "a",
                                   "--module=b", "--jobs=2", "--mode", "structured", "--timeout", "60"))
        # A single option given twice is not the quick reader's: the parser reads it (its last value counts).
        parsed = report(orchestrate("--command", "verify", "--command", "verify", "--execution-mode", "server", "--format", "json",
                                    "--module", "a", "--module=b", "--jobs=2", "--mode", "structured", "--timeout", "60"))
        assert quick == parsed == [("a", "cached"), ("b", "cached"), ("success", 2)]

        for args, message in ((["--jobs", "-1"], "jobs must be 0"), (["--jobs", "2", "--sequential"], "exclude each other"),
                              (["--format", "yaml"], "yaml"), (["--timeout", "0"], "at least 1 second"), (["--bogus"], "--bogus")):
            done = orchestrate("--command", "verify", "--execution-mode", "server", *args)
            assert done.returncode == 64 and message in done.stderr, (args, done.returncode, done.stderr)
            assert "build server job" not in done.stderr
        unknown = orchestrate("--command", "verify", "--execution-mode", "remote")
        assert unknown.returncode == 64 and "remote" in unknown.stderr, unknown.stderr
        helped = orchestrate("--execution-mode", "server", "--help")
        assert helped.returncode == 0 and "--execution-mode" in helped.stdout
        missing = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(tmp_path / "nowhere"), "--command", "verify",
                                  "--execution-mode", "server"], env=server.env, capture_output=True, text=True, timeout=120)
        assert missing.returncode == 1 and "nowhere" in missing.stderr and "build server job" not in missing.stderr
    finally:
        server.stop()


# Read by the argument parser alone, on purpose (QuickOrchestrate's comment says why).
LEFT_TO_THE_PARSER = {"help", "version", "affected", "base", "head"}


def test_every_orchestrate_option_is_read_by_the_quick_reader_or_left_to_the_parser():
    """The quick reader restates OrchestrateCommand's option names (reading them from the parser
    would cost the start it saves): an option added to one and not the other fails here."""
    helped = subprocess.run([str(PLANBUILD), "orchestrate", "--help"], capture_output=True, text=True, timeout=60)
    listed = set(re.findall(r"^\s+(?:-\w, )?--([a-z-]+)", helped.stdout, re.MULTILINE))
    source = (REPO / "Sources" / "PlanBuildCLI" / "Commands" / "QuickOrchestrate.swift").read_text()
    quick = set()
    for table in ("options", "repeatable", "flags"):
        body = re.search(rf"static let {table} = \[([^\]]*)\]", source).group(1)
        quick |= set(re.findall(r'"([a-z-]+)"', body))
    assert quick & LEFT_TO_THE_PARSER == set()
    assert listed == quick | LEFT_TO_THE_PARSER, (listed - quick - LEFT_TO_THE_PARSER, quick - listed)
