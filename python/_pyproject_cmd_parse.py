"""Python log parsing (plan-marshall's ``_pyproject_cmd_parse``): libplanbuild's pb_parse, parser "python".

One parser reads mypy, ruff and pytest wherever they appear in the log (a pyprojectx ``verify``
runs all three into one log), so ``command`` is accepted for compatibility only.
"""

import _planbuild
from _build_parse import parse_log_with

PARSER = 'python'
CATEGORY_TEST_FAILURE = 'test_failure'
CATEGORY_COLLECTION_ERROR = 'test_collection_error'
"""A test module that failed to import or a fixture that failed to set up (pytest's ERROR)."""


def parse_log(log_file, command=''):
    """``(issues, UnitTestSummary | None, 'SUCCESS' | 'FAILURE')``. A missing log: the contract's
    generation raises FileNotFoundError; today's reads it as ``([], None, 'FAILURE')`` (nothing ran)."""
    try:
        return parse_log_with(PARSER, log_file)
    except FileNotFoundError:
        if _planbuild.generation() == 'today':
            return [], None, 'FAILURE'
        raise


def _has_pytest_output(text):
    """Whether ``text`` holds pytest's report (its counts, a failed or errored test)."""
    return _planbuild.checked('pb_query', {'what': 'log_text', 'text': text, 'pytest': True})['pytest']


def slice_failure_details(log_file, failures_detail=False, test_name=None):
    """Each failing test (and collection or set-up error) with what pytest printed about it:
    ``{status, total_failures, root_causes, matched, failures: [{file, line, category, message, detail}]}``."""
    argv = ['parse', '--log', str(log_file), '--failures-detail']
    if test_name:
        argv += ['--test', test_name]
    return _planbuild.answer('pyproject_build', argv)
