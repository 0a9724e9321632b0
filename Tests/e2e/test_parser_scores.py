"""Scores every parser on the corpus of real logs: at least 0.98 precision and recall for errors
and for warnings, and no wrong build status or test summary (scripts/score-parsers prints the table)."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_parsers_score_on_the_real_log_corpus():
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "score-parsers"), "--check", "--verbose"],
                         capture_output=True, text=True, timeout=600)
    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "build statuses and test summaries wrong: 0" in run.stdout
