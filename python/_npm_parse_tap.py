"""TAP log parsing (drop-in for the reference ``_npm_parse_tap``): libplanbuild's pb_parse, parser "npm"."""

from _build_parse import parse_log_with

PARSER = 'npm'


def parse_log(log_file):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE')``; FileNotFoundError for a missing log."""
    return parse_log_with(PARSER, log_file)
