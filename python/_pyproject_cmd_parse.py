"""Python log parsing (drop-in for the reference ``_pyproject_cmd_parse``): libplanbuild's pb_parse, parser "python".

One parser reads mypy, ruff and pytest wherever they appear in the log (a pyprojectx ``verify``
runs all three into one log), so ``command`` is accepted for compatibility only.
"""

from _build_parse import parse_log_with

PARSER = 'python'


def parse_log(log_file, command=''):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE')``; FileNotFoundError for a missing log."""
    return parse_log_with(PARSER, log_file)
