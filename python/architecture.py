#!/usr/bin/env python3
"""Project architecture queries (derived-data.json) through libplanbuild: resolve, modules,
commands, module, graph (`architecture.py --help`; README "Scripts").

Module API: graph(project_dir='.') -> {'modules', 'edges', 'external', 'cycle', ...}
"""

import sys

import _planbuild


class QueryError(Exception):
    """A query that cannot be answered; the message says why."""


def graph(project_dir='.'):
    """The internal module graph: ``modules``, ``edges`` ({from, to, declared}), ``external``
    ({module, declared}: entries naming no module of the project), ``cycle`` (None or a path)."""
    reply = _planbuild.call('pb_query', _planbuild.project(project_dir, what='graph'))
    if reply.get('status') != 'success':
        raise QueryError(reply.get('message') or reply.get('error'))
    return reply


def main(argv=None):
    return _planbuild.main(__file__, argv)


if __name__ == '__main__':
    sys.exit(main())
