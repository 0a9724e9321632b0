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

def _table():
    """notation → (script file, generation), from the library's one notation table."""
    import _planbuild
    reply = _planbuild.checked('pb_query', {'what': 'notations'})
    return {row['notation']: (row['script'], row['generation']) for row in reply['notations']}


_notations = None


def notations():
    """Every notation PlanBuild answers, both generations: notation → (script file, generation)."""
    global _notations
    if _notations is None:
        _notations = _table()
    return _notations


def __getattr__(name):
    # NOTATIONS: notation → script file name, as earlier versions of this module defined it.
    if name == 'NOTATIONS':
        return {notation: script for notation, (script, _) in notations().items()}
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def script_path(notation):
    """The absolute path of the script a notation names, or None for an unknown notation."""
    entry = notations().get(notation)
    return os.path.join(SHIMS_DIR, entry[0]) if entry else None


def available():
    """The notations whose script exists, sorted."""
    return sorted(notation for notation in notations() if os.path.isfile(script_path(notation)))


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


def run_script(path, args, generation=None):
    """Run the script at ``path`` as ``__main__`` with ``args`` (speaking ``generation``, the one of
    the notation that named it); its exit code."""
    import runpy
    import _planbuild
    saved_argv = sys.argv
    saved_generation = os.environ.get(_planbuild.GENERATION_VARIABLE)
    if generation:
        os.environ[_planbuild.GENERATION_VARIABLE] = generation
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
        if generation:
            if saved_generation is None:
                os.environ.pop(_planbuild.GENERATION_VARIABLE, None)
            else:
                os.environ[_planbuild.GENERATION_VARIABLE] = saved_generation
        if inserted and folder in sys.path:
            sys.path.remove(folder)


def main(argv=None):
    """``execute-script.py NOTATION [args…]`` / ``--list``; returns the exit code."""
    import _planbuild
    try:
        return _main(argv)
    except _planbuild.LibraryUnavailable as error:  # the notation table is the library's
        sys.stderr.write(f'error: {error}\n')
        return 1


def _main(argv):
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
    code = run_script(path, _strip_trace_plan_id(argv[1:]), notations()[notation][1])
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    return code
