"""Maven log parsing (drop-in for the reference ``_maven_cmd_parse``): libplanbuild's pb_parse, parser "maven"."""

from _build_parse import parse_log_with

PARSER = 'maven'


def parse_log(log_file):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE' | None)`` (None: the log shows no outcome); FileNotFoundError for a missing log."""
    return parse_log_with(PARSER, log_file)
