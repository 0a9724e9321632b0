"""The live display of `planbuild orchestrate` under a real pseudo-terminal (issue 11): it ticks
while no event happens, its bars and counts are right, NO_COLOR and CI=true give no escape byte,
and after SIGINT the terminal is restored and the report printed. The modules are shell scripts
of known durations (orchestration_support)."""
import signal
import time
from pathlib import Path

from orchestration_support import make_project
from terminal_support import TerminalRun, learn, strip_colour, written_lines


def test_elapsed_time_advances_without_an_event(tmp_path: Path):
    project = make_project(tmp_path, {"slow": {"sleep": 5}})
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
    assert any(line.startswith("✔ a  0.") and line.endswith("s  0 errors  0 warnings") for line in lines), lines
    failed = next(index for index, line in enumerate(lines) if line.startswith("✖ b  "))
    assert lines[failed].endswith("  0 errors  0 warnings") and lines[failed + 1] == "    exit code 3", lines
    assert "↷ c  skipped: dependency b did not succeed (error)" in lines
    assert any(line.startswith("✔ d  2.") for line in lines)
    assert any(line.startswith("[████████████] 4/4 done · 0 running · 1 failed · 0 cached · ") for line in lines)
    # The report follows on standard output (the same terminal here), after the cursor is shown again.
    assert run.text.index("\x1b[?25h") < run.text.index("status\tpartial")


def test_cache_hits_are_counted_and_shown(tmp_path: Path):
    project = make_project(tmp_path, {"a": {"sleep": 0.2}})
    (project / "a").mkdir()
    (project / "a" / "source.txt").write_text("one")
    TerminalRun(project).read_to_end()
    run = TerminalRun(project)
    assert run.read_to_end() == 0, run.text
    lines = written_lines(run.text)
    assert "cached\t1" in lines, lines  # a module with input files is taken from the cache
    assert any(line.startswith("⚡ a  cached, saved ") for line in lines), lines
    assert any(line.startswith("[████████████] 1/1 done · 0 running · 0 failed · 1 cached") for line in lines)


def test_no_color_and_ci_give_no_escape_byte(tmp_path: Path):
    project = make_project(tmp_path, {"a": {"sleep": 1.5}, "b": {"exit": 1}})
    for env in ({"NO_COLOR": "1"}, {"CI": "true"}, {"TERM": "dumb"}):
        run = TerminalRun(project, "--no-cache", "--format", "json", env=env)
        assert run.read_to_end() == 1, run.text
        assert b"\x1b" not in run.output, (env, run.output[:400])
        assert '"status": "partial"' in run.text
    # NO_COLOR on a terminal still ticks: one status line rewritten with carriage returns.
    run = TerminalRun(project, "--no-cache", env={"NO_COLOR": "1"})
    run.read_to_end()
    assert "\r[" in run.text and "a 1.0s" in run.text, run.text
    # CI: one plain line per event.
    run = TerminalRun(project, "--no-cache", env={"CI": "true"})
    run.read_to_end()
    assert "started  a" in run.text and "error    b" in run.text


def test_sigint_restores_the_terminal_and_prints_the_report(tmp_path: Path):
    project = make_project(tmp_path, {"long": {"sleep": 60}, "short": {"sleep": 0.2}})
    run = TerminalRun(project, "--no-cache")
    run.read_for(1.5)
    assert "\x1b[?25l" in run.text  # the cursor is hidden while the block is drawn
    import os
    os.kill(run.pid, signal.SIGINT)
    started = time.monotonic()
    code = run.read_to_end(timeout=30)
    assert time.monotonic() - started < 20
    assert code == 130, run.text
    text = run.text
    hidden, shown = text.rindex("\x1b[?25l"), text.rindex("\x1b[?25h")
    assert shown > hidden, text
    lines = written_lines(text)
    assert "planbuild: signal 2 received, cancelling running builds…" in lines
    assert any(line.startswith("⊘ long  cancelled after ") for line in lines), lines
    assert "status\tpartial" in lines and any(line.startswith("long\tverify\tcancelled\t") for line in lines)
    # Nothing of the block is left half drawn after the cursor came back: only the report follows.
    after = strip_colour(text[shown + len("\x1b[?25h"):]).replace("\r", "")
    assert after.startswith("status\t"), after[:200]
