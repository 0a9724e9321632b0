"""What a person sees in a real terminal (tmux: it re-wraps lines on resize as terminals do) and in
a CI log: a cancelled run shown as cancelled, a shrunk window without stale lines, the summary
at the end, why each build ran, the timeout's limit, the first error and the total time in plain
lines, one duration per build, and `planbuild run`'s live line. The modules are shell scripts of
known durations (orchestration_support): the display's machinery is under test, not a tool."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from orchestration_support import PLANBUILD, make_project
from tmux_support import TmuxWindow


def orchestrate_in(window_folder: Path, project: Path, *args: str, columns: int = 120, env: dict | None = None) -> TmuxWindow:
    return TmuxWindow(window_folder, [str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify", *args],
                      columns=columns, env=env)


def plain_run(project: Path, *args: str, stop_after: float | None = None):
    """orchestrate with CI=true: (exit code, stdout, stderr lines)."""
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    env["CI"] = "true"
    process = subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if stop_after is not None:
        time.sleep(stop_after)
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err.splitlines()


def test_a_cancelled_run_is_shown_cancelled(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {"sleep": 6}, "b": {"sleep": 6}, "c": {"deps": ["a"]}})
    with orchestrate_in(tmp_path, project, "--no-cache", "--jobs", "2") as window:
        window.wait_for("2 running")
        window.keys("C-c")
        assert window.wait_exit() == 130
        screen = window.screen()
    total = next(line for line in screen if " done · " in line)
    assert total.startswith("⊘ ") and "0/3 done · 3 cancelled" in total, screen
    assert "ETA" not in total and "3/3" not in total, screen
    assert any(line.startswith("⊘ c  cancelled") for line in screen), screen
    assert any(line.startswith("Builds  3 cancelled, 3 total") for line in screen), screen

    # CI: no percentage reaching 100 %, no time left after the cancel; the cancelled builds counted.
    code, _, lines = plain_run(project, "--no-cache", "--jobs", "2", "--format", "json", stop_after=1.5)
    assert code == 130, lines
    after = lines[next(i for i, line in enumerate(lines) if "cancelling" in line):]
    assert not any("100.0%" in line or "left" in line for line in after), after
    assert any(line.startswith("[0/3]") and line.endswith("cancelled 3") for line in after), after
    assert any(line.startswith("cancelled c ") for line in after), after


def test_a_shrunk_window_leaves_no_stale_line(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a-module-with-quite-a-long-name": {"sleep": 5}, "b": {"sleep": 5}})
    with orchestrate_in(tmp_path, project, "--no-cache", columns=120) as window:
        window.wait_for("2 running")
        time.sleep(0.6)  # the total line is drawn at 120 columns, longer than 60
        window.resize(60)
        time.sleep(1.2)  # redrawn twice a second
        screen = window.screen()
        assert window.wait_exit() == 0
    # One block: the lines drawn before the resize, re-wrapped by the terminal, were taken off.
    assert sum(" done · " in line for line in screen) == 1, screen
    assert sum("▸ b" in line for line in screen) == 1, screen
    assert all(len(line) <= 60 for line in screen), screen
    # At 60 columns the zero counts went, the elapsed time and the estimate stayed.
    total = next(line for line in screen if " done · " in line)
    assert "0 failed" not in total and "ETA" in total, total
    # A first run: nothing learned, nothing finished, so no estimate is made up.
    assert total.endswith("ETA unknown"), total


def test_the_run_ends_with_a_summary_on_a_terminal_and_the_report_elsewhere(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {"sleep": 0.2}, "b": {"sleep": 0.2, "exit": 3}})
    with orchestrate_in(tmp_path, project, "--no-cache") as window:
        assert window.wait_exit() == 1
        screen = window.screen()
    assert any(line.startswith("Builds  1 successful, 1 failed, 2 total · Time ") for line in screen), screen
    failed = screen.index("✖ b  error")
    assert screen[failed + 1] == "    exit code 3", screen
    assert sum(line.startswith("Logs    ") for line in screen) == 1, screen
    assert not any(line.startswith("status\t") or line.startswith("status ") for line in screen), screen
    # `--format` asks for the report on the terminal too; a pipe always gets it.
    with orchestrate_in(tmp_path, project, "--no-cache", "--format", "toon") as window:
        window.wait_exit()
        assert any(line.startswith("status") and "partial" in line for line in window.history())
    piped = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify", "--no-cache"],
                           capture_output=True, text=True)
    assert piped.stdout.startswith("status\tpartial\n"), piped.stdout


def test_every_finished_line_says_why_the_build_ran(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {}, "b": {"deps": ["a"]}})
    for module in ("a", "b"):
        (project / module).mkdir()
        (project / module / "source.txt").write_text("one")
    _, _, first = plain_run(project)
    assert any(line.startswith("success  a ") and line.endswith("(first build)") for line in first), first
    (project / "a" / "source.txt").write_text("two")
    (project / "a" / "more.txt").write_text("new")
    _, _, second = plain_run(project)
    assert any(line.startswith("success  a ") and line.endswith("(2 files changed in a)") for line in second), second
    assert any(line.startswith("success  b ") and line.endswith("(dependency a changed)") for line in second), second
    with orchestrate_in(tmp_path, project, "--force", "b") as window:
        window.wait_exit()
        assert any(line.startswith("✔ b  ") and line.endswith("(forced with --force)") for line in window.screen())


def test_a_module_that_failed_last_time_says_so(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {"exit": 1}})
    (project / "a").mkdir()
    (project / "a" / "source.txt").write_text("one")
    _, _, first = plain_run(project)
    assert any(line.startswith("error    a ") and "(first build)" in line for line in first), first
    # Fixed (the script now succeeds) but with the same inputs: it ran because it failed, not as a first build.
    script = project / "build-a.sh"
    script.write_text(script.read_text().replace("exit 1", "exit 0"))
    _, out, second = plain_run(project, "--format", "json")
    assert any(line.startswith("success  a ") and line.endswith("(previous run failed)") for line in second), second
    assert json.loads(out)["builds"][0]["cache_miss"]["reason"] == "previous_run_failed"
    # Once it succeeded, the next run is a cache hit.
    _, _, third = plain_run(project)
    assert any(line.startswith("cached   a ") for line in third), third


def test_a_timeout_says_its_limit_and_a_failure_its_first_error(tmp_path: Path):
    project = make_project(tmp_path / "p", {"slow": {"sleep": 30}, "broken": {"exit": 2}})
    code, _, lines = plain_run(project, "--no-cache", "--timeout", "1")
    assert code == 1
    timeout = next(line for line in lines if line.startswith("timeout  slow "))
    assert "limit 1s: --timeout N, or `planbuild timeout set`" in timeout, timeout
    broken = next(line for line in lines if line.startswith("error    broken "))
    assert broken.endswith("first error: exit code 2"), broken
    # The last line of a CI log says how long the whole run took.
    assert lines[-1].startswith("finished failure  2 builds  total time ") and lines[-1].endswith("s"), lines


def test_one_duration_per_build_everywhere(tmp_path: Path):
    project = make_project(tmp_path / "p", {"a": {"sleep": 1.46}, "b": {"sleep": 0.55}})
    events = tmp_path / "events.jsonl"
    _, out, lines = plain_run(project, "--no-cache", "--format", "json", "--events", str(events))
    report = json.loads(out)
    finished = {event["module"]: event for event in map(json.loads, events.read_text().splitlines())
                if event["event"] == "build_finished"}
    for build in report["builds"]:
        milliseconds = finished[build["module"]]["duration_ms"]
        # The display's tenths, rounded; the report's, the event's and the plain line's seconds are that number.
        tenths = (milliseconds // 50 + 1) // 2
        assert build["duration_seconds"] == (tenths + 5) // 10 == finished[build["module"]]["duration_seconds"], build
        line = next(line for line in lines if line.startswith(f"success  {build['module']} "))
        assert f"  {build['duration_seconds']}s  " in line, line


def test_run_on_a_terminal_shows_one_live_line(tmp_path: Path):
    project = tmp_path / "p"
    project.mkdir()
    # The python system runs the command's first word when the project has no ./pw: a build of 3 s.
    command = [str(PLANBUILD), "run", "--project-dir", str(project), "--system", "python", "--args", "sleep 3"]
    with TmuxWindow(tmp_path, command) as window:
        screen = window.wait_for("  log ")  # drawn at once, with its log once the log exists
        time.sleep(1.2)
        later = window.screen()
        assert window.wait_exit() == 0
        end = window.screen()
    live = [line for line in screen if line.startswith("▸ ")]
    assert len(live) == 1 and "  log " in live[0] and "/python-" in live[0] and live[0].endswith(".log"), screen
    assert [line for line in later if line.startswith("▸ ")] != live, (screen, later)  # the elapsed time moves
    # When the build ends the line goes and the result stands alone.
    assert not any(line.startswith("▸ ") for line in end), end
    assert end[0].startswith("status") and "success" in end[0], end
