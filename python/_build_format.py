"""TOON and JSON rendering of build results (drop-in for the reference ``_build_format``).

The rendering is libplanbuild's (``pb_format``); results may hold Issue/UnitTestSummary objects,
which are converted to dicts on the way in.
"""

import _planbuild

CORE_FIELDS = ['status', 'exit_code', 'duration_seconds', 'log_file', 'command']
"""Fields of every result, in display order."""

EXTRA_FIELDS = ['error', 'timeout_used_seconds', 'wrapper', 'command_type']
"""Scalar fields shown after the core fields when present."""

STRUCTURED_FIELDS = {'errors', 'warnings', 'tests'}
"""Fields rendered as sections."""


def _format(result, fmt, indent=2):
    return _planbuild.checked('pb_format', {'result': result, 'format': fmt, 'indent': indent})['text']


def format_toon(result):
    """``key\\tvalue`` lines, then the errors/warnings/tests sections (see SPEC section 5, TOON)."""
    return _format(result, 'toon')


def format_json(result, indent=2):
    """The result as JSON text."""
    return _format(result, 'json', indent)
