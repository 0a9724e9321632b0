"""What a Gradle build's files say (plan-marshall's ``_gradle_cmd_find_project``), read by
libplanbuild without running Gradle (pb_query "gradle_layout"); ``gradle.py find-project`` answers
from the same reading."""

import os
from pathlib import Path

import _planbuild


def _layout(**members):
    return _planbuild.checked('pb_query', dict(what='gradle_layout', **{key: os.fspath(value) for key, value in members.items()}))


def find_settings_file(root):
    """settings.gradle.kts, else settings.gradle, of ``root``; None without one."""
    found = _layout(root=root)['settings_file']
    return Path(found) if found else None


def parse_included_projects(settings_file):
    """The projects a settings file includes, as ``:a``, ``:b:c``."""
    return _layout(settings_file=settings_file)['included_projects']


def get_root_project_name(settings_file):
    """``rootProject.name`` of a settings file, or None."""
    return _layout(settings_file=settings_file)['root_project_name']


def find_build_files(root):
    """Every build.gradle[.kts] below ``root`` outside hidden folders and build output."""
    return [Path(root) / relative for relative in _layout(root=root)['build_files']]


def project_path_to_gradle_notation(root, project_dir):
    """``:services:auth`` for ``root/services/auth``, ``:`` for ``root`` itself."""
    return _layout(root=root, folder=project_dir)['notation']


def cmd_find_project(args):
    """``gradle.py find-project`` from an argparse-style namespace (``root``, ``project_name``,
    ``project_path``, …): prints the answer as the script does and returns its exit code."""
    return _planbuild.run_command('gradle.py', ['find-project'], args)
