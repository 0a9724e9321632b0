"""The notation dispatcher behind ``.plan/execute-script.py``.

    python3 .plan/execute-script.py NOTATION [args…]     runs the script NOTATION names
    python3 .plan/execute-script.py --list               prints the known notations

The script runs in this process (runpy, with ``sys.argv`` set as if it had been started directly):
a second interpreter would double the start-up time of every build command. Its stdout, stderr
and exit code are the dispatcher's. An unknown notation exits 1 with
``SCRIPT_ERROR\\t{notation}\\t1\\tUnknown notation`` on stderr followed by the closest known names.
"""

import os
import sys

SHIMS_DIR = os.path.dirname(os.path.abspath(__file__))

NOTATIONS = {
    # The generation SPEC names.
    'pm-dev-java:plan-marshall-plugin:maven': 'maven.py',
    'pm-dev-java:plan-marshall-plugin:gradle': 'gradle.py',
    'pm-dev-frontend:plan-marshall-plugin:npm': 'npm.py',
    'plan-marshall:run-config:run_config': 'run_config.py',
    'plan-marshall:analyze-project-architecture:architecture': 'architecture.py',
    'plan-marshall:build-orchestrator:orchestrate': 'orchestrate.py',
    # The generation today's plan-marshall release writes into derived-data.json: the same scripts.
    'plan-marshall:build-maven:maven': 'maven.py',
    'plan-marshall:build-gradle:gradle': 'gradle.py',
    'plan-marshall:build-npm:npm': 'npm.py',
    'plan-marshall:build-pyproject:pyproject_build': 'pyproject_build.py',
    'plan-marshall:manage-architecture:architecture': 'architecture.py',
    'plan-marshall:manage-run-config:run_config': 'run_config.py',
}
"""Notation → script file in SHIMS_DIR; both generations of notations lead to the same script (the
library's BuildInvocation knows the build notations of both too). A script that does not exist
(yet) is left out of --list."""


def script_path(notation):
    """The absolute path of the script a notation names, or None for an unknown notation."""
    name = NOTATIONS.get(notation)
    return os.path.join(SHIMS_DIR, name) if name else None


def available():
    """The notations whose script exists, sorted."""
    return sorted(notation for notation in NOTATIONS if os.path.isfile(script_path(notation)))


def _strip_trace_plan_id(args):
    """Drop ``--trace-plan-id X`` / ``--trace-plan-id=X`` (an executor option scripts never see)."""
    cleaned, skip = [], False
    for index, word in enumerate(args):
        if skip:
            skip = False
        elif word == '--trace-plan-id':
            skip = index + 1 < len(args)
        elif not word.startswith('--trace-plan-id='):
            cleaned.append(word)
    return cleaned


def _unknown(notation):
    import difflib
    lines = [f'SCRIPT_ERROR\t{notation}\t1\tUnknown notation', '', f'Unknown notation: {notation}']
    known = available()
    closest = difflib.get_close_matches(notation, known, n=3, cutoff=0.4)
    closest += [name for name in known if notation and notation.lower() in name.lower() and name not in closest]
    lines += ['', 'Closest known notations:'] + [f'  {name}' for name in (closest or known)]
    sys.stderr.write('\n'.join(lines) + '\n')
    return 1


def _exit_code(code):
    """The process exit code of ``SystemExit(code)``, printing a message code as Python does."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f'{code}\n')
    return 1


def run_script(path, args):
    """Run the script at ``path`` as ``__main__`` with ``args``; its exit code."""
    import runpy
    saved_argv = sys.argv
    sys.argv = [path] + list(args)
    folder = os.path.dirname(path)
    inserted = folder not in sys.path
    if inserted:
        sys.path.insert(0, folder)
    try:
        runpy.run_path(path, run_name='__main__')
        return 0
    except SystemExit as done:
        return _exit_code(done.code)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a script bug: one line for the caller, not a traceback
        sys.stderr.write(f'SCRIPT_ERROR\t{os.path.basename(path)}\t1\t{type(error).__name__}: {error}\n')
        return 1
    finally:
        sys.argv = saved_argv
        if inserted and folder in sys.path:
            sys.path.remove(folder)


def main(argv=None):
    """``execute-script.py NOTATION [args…]`` / ``--list``; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ('-h', '--help'):
        sys.stderr.write('Usage: execute-script.py <notation> [subcommand] [args...]\n\nAvailable scripts:\n')
        sys.stderr.write(''.join(f'  {name}\n' for name in available()))
        return 0 if argv else 1
    notation = argv[0]
    if notation == '--list':
        sys.stdout.write(''.join(f'{name}\n' for name in available()))
        return 0
    path = script_path(notation)
    if path is None:
        return _unknown(notation)
    if not os.path.isfile(path):
        sys.stderr.write(f'SCRIPT_ERROR\t{notation}\t1\tScript not found: {path}\n')
        return 1
    code = run_script(path, _strip_trace_plan_id(argv[1:]))
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    return code
