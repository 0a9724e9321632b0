"""npm log parsing (drop-in for the reference ``_npm_cmd_parse``): libplanbuild's pb_parse, parser "npm".

The library recognises every tool in the log (npm errors, tsc, jest, eslint, TAP), so no detection
happens here; ``command`` is accepted for compatibility.
"""

from _build_parse import parse_log_with

PARSER = 'npm'


def parse_log(log_file, command=''):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE')``; FileNotFoundError for a missing log."""
    return parse_log_with(PARSER, log_file)
