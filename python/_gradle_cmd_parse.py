"""Gradle log parsing (drop-in for the reference ``_gradle_cmd_parse``): libplanbuild's pb_parse, parser "gradle"."""

from _build_parse import parse_log_with

PARSER = 'gradle'


def parse_log(log_file):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE' | None)`` (None: the log shows no outcome); FileNotFoundError for a missing log."""
    return parse_log_with(PARSER, log_file)
