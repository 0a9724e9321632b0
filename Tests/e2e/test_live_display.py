"""The live display of `planbuild orchestrate` under a real pseudo-terminal: it ticks
while no event happens, its bars and counts are right, NO_COLOR and CI=true give no escape byte,
and after SIGINT the terminal is restored and the report printed. The modules are shell scripts
of known durations (orchestration_support)."""
import os
import re
import signal
import subprocess
import time

import pytest
from pathlib import Path

from orchestration_support import PLANBUILD, make_project
from terminal_support import TerminalRun, learn, strip_colour, written_lines


def test_elapsed_time_advances_without_an_event(tmp_path: Path):
    project = make_project(tmp_path, {"slow": {"sleep": 4.5}})
    learn(project, {"slow": 10})
    run = TerminalRun(project, "--no-cache")
    run.read_for(2.0)
    first = run.live_block()
    run.read_for(1.0)  # slow is still running: no event in this second
    second = run.live_block()
    assert run.read_to_end() == 0, run.text
    assert len(first) == 2 and len(second) == 2, (first, second)
    assert first[0].startswith("  ▸ slow  [") and "%" in first[0], first
    assert first[0] != second[0] and first[1] != second[1], (first, second)
    # The per-build bar moved with the learned duration of 10 s: 1-2 cells at 2 s, 2-3 at 3 s.
    assert first[1].startswith("[░░░░░░░░░░░░] 0/1 done · 1 running · 0 failed · 0 cached · "), first
    assert "ETA " in first[1] and "ETA unknown" not in first[1], first


def test_bar_counts_icons_and_report(tmp_path: Path):
    project = make_project(tmp_path, {
        "a": {"sleep": 0.5}, "b": {"sleep": 0.5, "exit": 3}, "c": {"deps": ["b"]}, "d": {"sleep": 2.5}})
    run = TerminalRun(project, "--no-cache", "--jobs", "2")
    run.read_for(1.8)  # a and b have finished, c was skipped, d runs
    middle = run.live_block()
    assert run.read_to_end() == 1, run.text
    assert middle[-1].startswith("[█████████░░░] 3/4 done · 1 running · 1 failed · 0 cached · "), middle
    assert middle[0].startswith("  ▸ d  "), middle
    lines = written_lines(run.text)
    assert any(line.startswith("✔ a  0.") and "s  0 errors  0 warnings" in line for line in lines), lines
    failed = next(index for index, line in enumerate(lines) if line.startswith("✖ b  "))
    assert "  0 errors  0 warnings" in lines[failed] and lines[failed + 1] == "    exit code 3", lines
    assert "↷ c  skipped: dependency b did not succeed (error)" in lines
    # d sleeps 2.5 s: at least that, whatever the machine's load adds.
    assert any(line.startswith("✔ d  ") and float(line.split()[2].rstrip("s")) >= 2.5 for line in lines), lines
    assert any(line.startswith("[████████████] 4/4 done · 0 running · 1 failed · 0 cached · ") for line in lines)
    # The summary follows on standard output (the same terminal here), after the cursor is shown again.
    assert run.text.index("\x1b[?25h") < run.text.index("Builds  ")


def test_cache_hits_are_counted_and_shown(tmp_path: Path):
    project = make_project(tmp_path, {"a": {"sleep": 0.2}})
    (project / "a").mkdir()
    (project / "a" / "source.txt").write_text("one")
    TerminalRun(project).read_to_end()
    run = TerminalRun(project)
    assert run.read_to_end() == 0, run.text
    lines = written_lines(run.text)
    # A module with input files is taken from the cache.
    assert any(line.startswith("Builds  1 cached, 1 total") for line in lines), lines
    assert any(line.startswith("⚡ a  cached, saved ") for line in lines), lines
    assert any(line.startswith("[████████████] 1/1 done · 0 running · 0 failed · 1 cached") for line in lines)


def test_no_color_and_ci_give_no_escape_byte(tmp_path: Path):
    project = make_project(tmp_path, {"a": {"sleep": 1.5}, "b": {"exit": 1}})
    for env in ({"NO_COLOR": "1"}, {"CI": "true"}, {"TERM": "dumb"}):
        run = TerminalRun(project, "--no-cache", "--format", "json", env=env)
        assert run.read_to_end() == 1, run.text
        assert b"\x1b" not in run.output, (env, run.output[:400])
        assert '"status": "partial"' in run.text
    # NO_COLOR on a terminal still ticks: one status line rewritten with carriage returns, a's
    # running time growing in it (the ticks' times depend on the machine's load: 0.5 s, or 0.6 s…).
    run = TerminalRun(project, "--no-cache", env={"NO_COLOR": "1"})
    run.read_to_end()
    assert "\r[" in run.text and re.search(r"· a (?!0\.0s)\d+\.\ds", run.text), run.text
    # CI: one plain line per event.
    run = TerminalRun(project, "--no-cache", env={"CI": "true"})
    run.read_to_end()
    assert "started  a" in run.text and "error    b" in run.text


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_restores_the_terminal_and_prints_the_report(tmp_path: Path, stop):
    project = make_project(tmp_path, {"long": {"sleep": 60}, "short": {"sleep": 0.2}})
    run = TerminalRun(project, "--no-cache")
    run.read_for(1.5)
    assert "\x1b[?25l" in run.text  # the cursor is hidden while the block is drawn
    os.kill(run.pid, stop)
    started = time.monotonic()
    code = run.read_to_end(timeout=30)
    assert time.monotonic() - started < 20
    assert code == 128 + stop, run.text
    text = run.text
    hidden, shown = text.rindex("\x1b[?25l"), text.rindex("\x1b[?25h")
    assert shown > hidden, text
    lines = written_lines(text)
    assert f"planbuild: signal {int(stop)} received, cancelling running builds…" in lines
    assert any(line.startswith("⊘ long  cancelled after ") for line in lines), lines
    assert any(line.startswith("Builds  1 successful, 1 cancelled, 2 total") for line in lines), lines
    # Nothing of the block is left half drawn after the cursor came back: only the summary follows.
    after = strip_colour(text[shown + len("\x1b[?25h"):]).replace("\r", "")
    assert after.startswith("Builds  "), after[:200]


def test_plain_output_has_a_heartbeat_while_builds_run(tmp_path: Path):
    """Off a terminal (a pipe here) CI logs get a line at least every 30 s while a build runs;
    PLANBUILD_HEARTBEAT_SECONDS=2 makes it every 2 s, so that this test need not wait 30."""
    project = make_project(tmp_path, {"slow": {"sleep": 4.5}})
    run = orchestrate_plainly(project, {"PLANBUILD_HEARTBEAT_SECONDS": "2"})
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stderr
    lines = run.stderr.splitlines()
    beats = [line for line in lines if line.startswith("still running: slow ")]
    assert beats, lines  # at 2 s and 4 s, one more on a machine so loaded that the build ends late
    elapsed = [float(beat.split()[3].rstrip("s")) for beat in beats]  # "still running: slow 2.0s · …"
    assert elapsed[0] >= 2 and all(later - earlier >= 2 for earlier, later in zip(elapsed, elapsed[1:])), beats
    assert beats[0].endswith(" · [0/1] elapsed " + beats[0].split("elapsed ")[1]) and "ETA" in beats[0]
    assert lines.index(beats[-1]) < lines.index(next(line for line in lines if line.startswith("success  slow")))


def test_a_heartbeat_setting_out_of_range_is_said_and_the_default_kept(tmp_path: Path):
    project = make_project(tmp_path, {"quick": {"sleep": 0.2}})
    run = orchestrate_plainly(project, {"PLANBUILD_HEARTBEAT_SECONDS": "0"})
    assert run.returncode == 0, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0] == ("planbuild: PLANBUILD_HEARTBEAT_SECONDS ignored: a whole number of seconds from 1 to 3600 "
                        "expected; a heartbeat every 30 s"), lines
    assert not any(line.startswith("still running") for line in lines)


def orchestrate_plainly(project: Path, env: dict):
    """`planbuild orchestrate` with its standard error in a pipe: the plain display."""
    return subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                           "--no-cache"], capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_an_error_leaves_the_cursor_shown(tmp_path: Path):
    run = TerminalRun(tmp_path)  # no derived-data.json: the run fails before any build
    assert run.read_to_end() == 1
    assert run.text.rindex("\x1b[?25h") > run.text.rindex("\x1b[?25l")
    lines = [line for line in written_lines(run.text) if line]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines  # no block, no total of a run that never began


def test_a_narrow_terminal_truncates_instead_of_wrapping(tmp_path: Path):
    project = make_project(tmp_path, {"a-module-with-a-rather-long-name-indeed": {"sleep": 2}})
    run = TerminalRun(project, "--no-cache", columns=40)
    run.read_for(1.2)
    block = run.live_block()
    assert run.read_to_end() == 0
    assert len(block) == 2 and all(len(line) <= 39 for line in block), block
    # What is cut is the name, never the elapsed time or the estimate.
    assert block[0].startswith("  ▸ a-module-with-a…") and block[0].endswith("s"), block
    assert block[1].endswith("ETA unknown"), block
    finished = [line for line in written_lines(run.text) if line.startswith("✔ ")]
    assert finished and all(len(line) <= 39 for line in finished), finished
