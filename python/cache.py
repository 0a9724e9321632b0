#!/usr/bin/env python3
"""PlanBuild's build cache (.plan/build-cache/) from Python, through libplanbuild's pb_cache.

CLI:  cache.py [--project-dir D] stats                  entries, bytes, ages, hits/misses, time saved
      cache.py [--project-dir D] list [--module M]      one row per record
      cache.py [--project-dir D] clear [--module M]     remove records (all, or one module's)
      cache.py [--project-dir D] explain --module M [--command C]
          why the build would run (or that it is cached), without building
      --format json on any of them prints the reply as JSON.
Python: cache_stats(project_dir='.'), cache_list(project_dir='.', module=None),
        cache_clear(module=None, project_dir='.'), cache_explain(module, command='verify', project_dir='.')
        each returns the reply dict; a failure raises _planbuild.PlanBuildError.
"""

import sys

import _planbuild

def _cache(action, project_dir='.', option=None, **members):
    request = _planbuild.project(project_dir, option=option, action=action,
                                 **{key: value for key, value in members.items() if value is not None})
    return _planbuild.checked('pb_cache', request)


def cache_stats(project_dir='.'):
    return _cache('stats', project_dir)


def cache_list(project_dir='.', module=None):
    return _cache('list', project_dir, module=module)


def cache_clear(module=None, project_dir='.'):
    return _cache('clear', project_dir, module=module)


def cache_explain(module, command='verify', project_dir='.'):
    return _cache('explain', project_dir, module=module, command=command)


def main(argv=None):
    return _planbuild.main(__file__, argv)


if __name__ == '__main__':
    sys.exit(main())
