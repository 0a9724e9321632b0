"""Build issues and warning filtering (plan-marshall's ``_build_parse``, both generations).

Matching accepted warnings and reading them from run-configuration.json happen in libplanbuild
(``pb_filter_warnings``); log parsing happens in ``pb_parse`` (see :func:`parse_log_with`); the
summary by category and the log text as the parsers read it are the library's too.
"""

import errno
from dataclasses import dataclass, field
from typing import Protocol

import _planbuild

SEVERITY_ERROR = 'error'
SEVERITY_WARNING = 'warning'

MODE_ACTIONABLE = 'actionable'
"""Drop accepted warnings."""
MODE_STRUCTURED = 'structured'
"""Keep every warning; mark the accepted ones with ``accepted=True``."""
MODE_ERRORS = 'errors'
"""Drop every warning."""


@dataclass
class Issue:
    """One diagnostic of a build log."""

    file: str | None
    line: int | None
    message: str
    severity: str
    category: str | None = None
    stack_trace: str | None = None
    accepted: bool = False
    detail: str | None = None
    """What the tool printed about it beyond the message (a pytest traceback), when the log shows it."""
    signature: str | None = field(default=None, compare=False, repr=False)
    """A stable identity across runs (category, file and the message's first line; no line number),
    given by libplanbuild for the issues it parsed; not part of the issue's content (equality, to_dict)."""

    def to_dict(self):
        """file, line, message, severity; category, stack_trace, detail when set; accepted only when True."""
        result = {'file': self.file, 'line': self.line, 'message': self.message, 'severity': self.severity}
        for name in ('category', 'stack_trace', 'detail'):
            if getattr(self, name) is not None:
                result[name] = getattr(self, name)
        if self.accepted:
            result['accepted'] = True
        return result

    @classmethod
    def from_dict(cls, data):
        """An Issue from a reply row of libplanbuild."""
        return cls(file=data.get('file'), line=data.get('line'), message=data.get('message', ''),
                   severity=data.get('severity') or SEVERITY_WARNING, category=data.get('category'),
                   stack_trace=data.get('stack_trace'), accepted=bool(data.get('accepted')),
                   detail=data.get('detail'), signature=data.get('signature'))


@dataclass
class UnitTestSummary:
    """Test counts of a build (every module of a multi-module build added up)."""

    passed: int
    failed: int
    skipped: int
    total: int
    duration_seconds: float | None = None
    """How long the tests took by the tool's own account (pytest's ``in 1.23s``), when it says."""

    def to_dict(self):
        result = {'passed': self.passed, 'failed': self.failed, 'skipped': self.skipped, 'total': self.total}
        if self.duration_seconds is not None:
            result['duration_seconds'] = self.duration_seconds
        return result

    @classmethod
    def from_dict(cls, data):
        return cls(passed=data.get('passed', 0), failed=data.get('failed', 0), skipped=data.get('skipped', 0),
                   total=data.get('total', 0), duration_seconds=data.get('duration_seconds'))


class BuildParser(Protocol):
    """What every parser module provides."""

    def parse_log(self, log_file) -> 'tuple[list[Issue], UnitTestSummary | None, str]':
        """``(issues, test summary or None, 'SUCCESS' | 'FAILURE')``; FileNotFoundError for a missing log."""
        ...


def load_acceptable_warnings(project_dir, build_system):
    """The accepted-warning patterns of ``build_system`` in run-configuration.json (list or category object).

    An absent or unreadable file yields ``[]``.
    """
    reply = _planbuild.call('pb_query', _planbuild.project(project_dir, what='patterns', system=build_system))
    if reply.get('status') != 'success':
        if reply.get('error') == 'invalid_request':
            raise _planbuild.PlanBuildError(reply)
        return []
    return list(reply.get('patterns', []))


def _filter(warnings, patterns, mode):
    reply = _planbuild.checked('pb_filter_warnings',
                               {'warnings': [_issue_row(warning) for warning in warnings],
                                'patterns': list(patterns or []), 'mode': mode})
    return [Issue.from_dict(row) for row in reply['warnings']]


def is_warning_accepted(issue, patterns):
    """Whether any pattern accepts the warning (``^…``: regex at the start, else substring; no case)."""
    if not patterns:
        return False
    return bool(_filter([issue], patterns, MODE_STRUCTURED)[0].accepted)


def filter_warnings(warnings, patterns, mode=MODE_ACTIONABLE):
    """Apply ``mode`` to ``warnings``: actionable drops accepted ones, structured marks them, errors drops all."""
    if not warnings:
        return []
    return _filter(warnings, patterns, mode)


def partition_issues(issues):
    """``(errors, warnings)`` by severity."""
    errors = [issue for issue in issues if issue.severity == SEVERITY_ERROR]
    warnings = [issue for issue in issues if issue.severity == SEVERITY_WARNING]
    return errors, warnings


def parse_log_with(system, log_file):
    """``pb_parse`` of ``log_file`` with the parser of ``system``, as the reference parse_log tuple."""
    path = str(log_file)
    reply = _planbuild.call('pb_parse', {'log_file': path, 'system': system})
    if reply.get('status') != 'success':
        kind, message = reply.get('error'), reply.get('message', '')
        if kind == 'not_found':
            raise FileNotFoundError(errno.ENOENT, message, path)
        if kind == 'is_directory':
            raise IsADirectoryError(errno.EISDIR, message, path)
        if kind == 'invalid_request':
            raise _planbuild.PlanBuildError(reply)
        raise OSError(errno.EIO, message, path)
    tests = reply.get('tests')
    return ([Issue.from_dict(row) for row in reply.get('issues', [])],
            UnitTestSummary.from_dict(tests) if tests else None,
            reply.get('build_status', 'FAILURE'))  # None: the log shows no outcome (issue 12)


def _issue_row(issue):
    """An Issue (or an issue dict) as a request row."""
    return issue.to_dict() if hasattr(issue, 'to_dict') else dict(issue)


def generate_summary_from_issues(issues):
    """Counts by category (``compilation_error``, …; ``other_errors`` / ``other_warnings`` without
    one) with ``total_issues``, ``total_errors`` and ``total_warnings``."""
    reply = _planbuild.checked('pb_query', {'what': 'issue_summary', 'issues': [_issue_row(issue) for issue in issues]})
    return reply['summary']


def strip_ansi(text):
    """``text`` as the parsers read it: ANSI escapes, CI prefixes and ``\\r`` redraws removed."""
    return _planbuild.checked('pb_query', {'what': 'log_text', 'text': text})['text']


def read_log_text(log_file):
    """The log's text as the parsers read it (see :func:`strip_ansi`); FileNotFoundError for a missing log."""
    path = str(log_file)
    reply = _planbuild.call('pb_query', {'what': 'log_text', 'log_file': path})
    if reply.get('status') != 'success':
        if reply.get('error') == 'not_found':
            raise FileNotFoundError(errno.ENOENT, reply.get('message', ''), path)
        raise OSError(errno.EIO, reply.get('message', ''), path)
    return reply['text']
