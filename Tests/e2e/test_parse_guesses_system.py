"""`planbuild parse` without `--system` guesses the parser from the log, over the whole corpus of
real logs (plain and as CI systems store them); a log that does not tell is an error naming the systems."""
import json

from cli_support import error_line, planbuild
from conftest import REPO

FIXTURE_LOGS = REPO / "Tests" / "Fixtures"


def fixture_logs():
    for log in sorted(FIXTURE_LOGS.glob("logs*/*/*.log")):
        expected = log.with_suffix(".expected.json")
        if expected.exists():
            yield log, json.loads(expected.read_text())["parser"]


def test_parse_without_system_guesses_the_parser_of_every_fixture_log():
    """Every corpus log (plain and as CI systems store them) is guessed right; the only ones the
    guess refuses are logs in which even their own parser finds nothing (empty, escapes only)."""
    refused = []
    for log, parser in fixture_logs():
        guessed = planbuild("parse", "--summary", log)
        if guessed.returncode == 0:
            assert guessed.stderr == f"parse: read as a {parser} log (guessed from its lines; --system names the parser)\n", log
            explicit = planbuild("parse", "--summary", "--system", parser, log)
            assert guessed.stdout == explicit.stdout, log
        else:
            assert guessed.stderr == (f"error: cannot tell which build system wrote {log}; "
                                      "name it with --system (maven, gradle, npm, python)\n"), log
            assert " errors 0 warnings 0 tests -" in planbuild("parse", "--summary", "--system", parser, log).stdout, log
            refused.append(log)
    assert len(refused) < 40


def test_a_maven_log_is_not_read_as_npm(tmp_path):
    log = FIXTURE_LOGS / "logs" / "maven" / "compile-error-batch.log"
    run = planbuild("parse", "--summary", log)
    assert run.returncode == 0 and run.stdout.startswith("FAILURE errors ")
    empty = tmp_path / "empty.log"
    empty.write_text("nothing to see\n")
    assert error_line(planbuild("parse", empty)).endswith("name it with --system (maven, gradle, npm, python)")
