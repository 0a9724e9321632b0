"""ctypes binding of libplanbuild.so, PlanBuild's build engine (see include/planbuild.h).

The drop-in modules of this folder hold no logic: they convert their arguments into a request,
call one ``pb_*`` export through :func:`call`, and convert the reply back. The scripts
(maven.py, run_config.py, …) are one line each: :func:`main` hands their command line to
``pb_script`` and prints what it answers.

Generations: every request carries this file's path (``script_path``) and, when set, the
``PLANBUILD_GENERATION`` variable (``spec`` | ``today``; the notation dispatcher sets it for the
notation it runs). The library decides from them which generation of plan-marshall's interface a
call speaks: installed under a today's notation's skill folder, or told ``today``, it answers as
plan-marshall's current release; otherwise as the contract (SPEC) describes.

Library lookup, first hit wins:
  1. the environment variable ``PLANBUILD_LIBRARY`` (a path to libplanbuild.so),
  2. ``libplanbuild.so`` in this folder (copied next to the shims),
  3. ``<repo>/lib/libplanbuild.so``             (the installed wheel: ``<repo>`` is ``site-packages/planbuild``),
  4. ``<repo>/.build/release/libplanbuild.so``,
  5. ``<repo>/.build/debug/libplanbuild.so``   (``<repo>`` is the parent of this folder).

The library is loaded on the first call, once per process. A missing library or one whose
``pb_abi_version()`` differs from :data:`ABI_VERSION` raises :class:`LibraryUnavailable`
(an ``ImportError``) with a message that names the fix.

Environment conventions passed on by :func:`project`: ``PLAN_BASE_DIR`` (the library decides that
it wins over a ``project_dir`` argument and loses to a ``--project-dir`` option); ``PLAN_DIR_NAME``
replaces ``.plan``.
"""

import ctypes
import json
import os
import signal
import threading

ABI_VERSION = 3
"""The PB_ABI_VERSION these shims were written against (include/planbuild.h)."""

LIBRARY_NAME = 'libplanbuild.so'
REPO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_lib = None
_functions = {}


class LibraryUnavailable(ImportError):
    """libplanbuild.so is missing, unloadable or of another ABI version."""


class PlanBuildError(ValueError):
    """The library answered ``"status": "error"``; ``reply`` holds the whole answer."""

    def __init__(self, reply):
        self.reply = reply
        self.error = reply.get('error', 'error')
        self.message = reply.get('message') or self.error
        super().__init__(f'{self.error}: {self.message}')


def candidates():
    """The paths tried, in order."""
    configured = os.environ.get('PLANBUILD_LIBRARY')
    if configured:
        return [configured]
    # A library copied next to the shims comes first: a project may copy this folder (with the
    # library) next to its own scripts, far from any PlanBuild checkout.
    # The installed wheel keeps these shims in planbuild/python/ and the library in planbuild/lib/.
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, LIBRARY_NAME), os.path.join(REPO_DIR, 'lib', LIBRARY_NAME)] + [
        os.path.join(REPO_DIR, '.build', flavour, LIBRARY_NAME) for flavour in ('release', 'debug')]


def _rebuild_hint():
    return (f'rebuild it with `swift build -c release` in {REPO_DIR}, '
            f'or set PLANBUILD_LIBRARY=/path/to/{LIBRARY_NAME}')


def load():
    """Load the library once and check its ABI version; returns the ctypes handle."""
    global _lib
    if _lib is not None:
        return _lib
    paths = candidates()
    path = next((p for p in paths if os.path.isfile(p)), None)
    if path is None:
        if os.environ.get('PLANBUILD_LIBRARY'):
            raise LibraryUnavailable(
                f'{LIBRARY_NAME} not found at PLANBUILD_LIBRARY={paths[0]}: point PLANBUILD_LIBRARY at an '
                f'existing {LIBRARY_NAME}, or unset it and build the library with `swift build -c release` '
                f'in {REPO_DIR}')
        raise LibraryUnavailable(
            f'{LIBRARY_NAME} not found (looked in {", ".join(paths)}): build it with `swift build -c release` '
            f'in {REPO_DIR}, or set PLANBUILD_LIBRARY=/path/to/{LIBRARY_NAME}')
    try:
        lib = ctypes.CDLL(path)
    except OSError as error:
        raise LibraryUnavailable(f'{LIBRARY_NAME} at {path} cannot be loaded ({error}): {_rebuild_hint()}') from None
    try:
        version_fn = lib.pb_abi_version
        free_fn = lib.pb_free
    except AttributeError:
        raise LibraryUnavailable(
            f'{path} is not a PlanBuild library (no pb_abi_version/pb_free): {_rebuild_hint()}') from None
    version_fn.argtypes = []
    version_fn.restype = ctypes.c_int
    free_fn.argtypes = [ctypes.c_void_p]
    free_fn.restype = None
    version = version_fn()
    if version != ABI_VERSION:
        raise LibraryUnavailable(
            f'{LIBRARY_NAME} at {path} has ABI version {version}, these shims need {ABI_VERSION}: '
            f'{_rebuild_hint()}')
    _lib = lib
    return lib


def has_export(name):
    """Whether the loaded library exports ``name``."""
    return _function(name) is not None


def _function(name):
    fn = _functions.get(name)
    if fn is None and name not in _functions:
        lib = load()
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.argtypes = [ctypes.c_char_p]
            fn.restype = ctypes.c_void_p
        _functions[name] = fn
    return fn


def call_text(name, request_text):
    """Call export ``name`` with a JSON text; returns the reply text."""
    fn = _function(name)
    if fn is None:
        raise LibraryUnavailable(f'{LIBRARY_NAME} has no export {name}: {_rebuild_hint()}')
    pointer = fn(request_text.encode('utf-8', 'surrogateescape'))
    if not pointer:
        raise MemoryError(f'{name} returned NULL')
    try:
        return ctypes.string_at(pointer).decode('utf-8', 'replace')
    finally:
        _lib.pb_free(pointer)


def request_text(request):
    """The JSON text of a request. Anything that cannot become JSON raises ``TypeError`` (bytes, objects)
    or ``ValueError`` (NaN, infinities) here, before the library is called."""
    return json.dumps(request, default=_jsonable, allow_nan=False)


def call(name, request):
    """Call export ``name`` (e.g. ``'pb_execute'``) with a request dict; returns the reply dict."""
    return json.loads(call_text(name, request_text(request)))


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals that stop a wait of :func:`wait_stoppable`: SIGINT cancels the build or run; SIGTERM and
SIGHUP cancel one in this process, and leave one the build server runs going (pb_detach)."""


class Stopped(KeyboardInterrupt):
    """A stop signal cancelled the build: ``signal`` (its number) and ``reply`` (the cancelled result,
    which learned no duration). A ``KeyboardInterrupt``, so code that handles Ctrl-C handles it."""

    def __init__(self, signal_number, reply):
        self.signal = signal_number
        self.reply = reply
        super().__init__(f'stopped by signal {signal_number}')


def _handle_functions():
    lib = load()
    wait = lib.pb_wait
    wait.argtypes = [ctypes.c_int64]
    wait.restype = ctypes.c_void_p
    cancel = lib.pb_cancel
    cancel.argtypes = [ctypes.c_int64]
    cancel.restype = ctypes.c_int
    # A library without it (older than the build server) cancels on every stop signal.
    detach = getattr(lib, 'pb_detach', None) or cancel
    detach.argtypes = [ctypes.c_int64]
    detach.restype = ctypes.c_int
    return wait, cancel, detach


def wait_stoppable(handle):
    """Wait for ``handle`` (pb_execute_start / pb_run_start) with the calling thread free for signals.

    pb_wait blocks in C, where Python runs no signal handler; it runs on a thread of its own instead
    while this thread waits on an Event. In the main thread, SIGINT, SIGTERM and SIGHUP (those not
    ignored, as under nohup) call pb_cancel for the time of the wait. Returns ``(reply_text, signal)``
    with ``signal`` the first stop signal received, or None.
    """
    wait, cancel, detach = _handle_functions()
    state = {'reply': None, 'signal': None}
    finished = threading.Event()

    def waiter():
        try:
            pointer = wait(handle)
            if pointer:
                try:
                    state['reply'] = ctypes.string_at(pointer).decode('utf-8', 'replace')
                finally:
                    _lib.pb_free(pointer)
        finally:
            finished.set()  # whatever happened, the waiting thread must wake

    def stop(number, _frame):
        if state['signal'] is None:
            state['signal'] = number
        # Ctrl-C cancels; the other stop signals leave a job of the build server running.
        (cancel if number == signal.SIGINT else detach)(handle)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for number in STOP_SIGNALS:
            if signal.getsignal(number) is not signal.SIG_IGN:
                previous[number] = signal.signal(number, stop)
    try:
        threading.Thread(target=waiter, name='planbuild-wait', daemon=True).start()
        # Waiting on an Event, not on join(): a KeyboardInterrupt that interrupts Thread.join() can
        # leave is_alive() False while the thread still runs (CPython before 3.13).
        while not finished.is_set():
            try:
                finished.wait(0.1)
            except KeyboardInterrupt:  # another handler's (a signal that arrived before ours was set)
                stop(signal.SIGINT, None)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if state['reply'] is None:
        raise MemoryError('pb_wait returned NULL')
    return state['reply'], state['signal']


def _started(export, request):
    """``export`` (a ``pb_*_start``) with ``request``, waited for by :func:`wait_stoppable`:
    ``(reply dict, stop signal or None)``."""
    start = getattr(load(), export)
    start.argtypes = [ctypes.c_char_p]
    start.restype = ctypes.c_int64
    text, stopped = wait_stoppable(start(request_text(request).encode('utf-8', 'surrogateescape')))
    return json.loads(text), stopped


def execute(request):
    """pb_execute through pb_execute_start, stoppable: SIGINT, SIGTERM or SIGHUP cancel the build (its
    whole process tree) and raise :class:`Stopped` with the cancelled result. An invalid request raises
    :class:`PlanBuildError`; every other reply (success or failed build) is returned."""
    reply, stopped = _started('pb_execute_start', request)
    if reply.get('error') == 'invalid_request' and reply.get('status') == 'error':
        raise PlanBuildError(reply)
    if stopped is not None:
        raise Stopped(stopped, reply)
    return reply


def checked(name, request):
    """Like :func:`call`, but raises :class:`PlanBuildError` when the reply is an error."""
    reply = call(name, request)
    if reply.get('status') == 'error':
        raise PlanBuildError(reply)
    return reply


def result(name, request):
    """Like :func:`call` for exports whose error replies are results (pb_execute): raises
    :class:`PlanBuildError` only for ``invalid_request``."""
    reply = call(name, request)
    if reply.get('error') == 'invalid_request' and reply.get('status') == 'error':
        raise PlanBuildError(reply)
    return reply


GENERATION_VARIABLE = 'PLANBUILD_GENERATION'
"""Set by the notation dispatcher to the generation of the notation it runs."""

SCRIPT_VARIABLES = ('PLAN_BASE_DIR', 'PLAN_DIR_NAME', 'XDG_CONFIG_HOME', 'HOME')
"""The environment variables a script's answer depends on (pb_script's "env")."""


def context():
    """The members that tell the library which generation a call speaks (see the module doc)."""
    members = {'script_path': os.path.abspath(__file__)}
    generation = os.environ.get(GENERATION_VARIABLE)
    if generation:
        members['generation'] = generation
    return members


def generation():
    """``'spec'`` or ``'today'``: the generation calls from this folder speak."""
    return checked('pb_query', {'what': 'plan_paths', **context()})['generation']


def plan_paths(project_dir=None, plan_id=None):
    """Where this generation keeps files: ``project_dir``, ``plan_dir``, ``state_dir``,
    ``run_config``, ``marshal``, ``build_results`` (pb_query "plan_paths")."""
    request = project(project_dir) if project_dir else project(None)
    if plan_id is not None:
        request['plan_id'] = plan_id
    return checked('pb_query', dict(request, what='plan_paths'))


def script(name, argv, parse_only=False):
    """Run script ``name`` (``'maven'``, ``'run_config'``, …) with ``argv`` through pb_script_start,
    stoppable like :func:`execute`. Returns the reply: ``stdout``, ``stderr``, ``exit_code``, ``data``;
    a stop signal makes the exit code 128 + the signal. ``parse_only``: only read the command line
    (``data`` = ``{"command": [...], "values": {...}}``)."""
    request = {'script': name, 'argv': [os.fspath(word) for word in argv], 'parse_only': parse_only,
               'env': {key: os.environ[key] for key in SCRIPT_VARIABLES if os.environ.get(key)}, **context()}
    reply, stopped = _started('pb_script_start', request)
    if reply.get('status') != 'success':
        raise PlanBuildError(reply)
    if stopped is not None:
        reply['exit_code'] = 128 + stopped
    return reply


def answer(name, argv):
    """The answer of a script's subcommand as data (what Python's ``cmd_*`` handlers return)."""
    reply = script(name, argv)
    return reply.get('data') or {'status': 'error', 'error': 'no_answer', 'message': reply.get('stderr', '').strip()}


def main(script_file, argv=None):
    """The whole command line of a script: ``sys.argv[1:]`` (or ``argv``) answered by the library,
    printed as the script prints it; returns the exit code."""
    import sys
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        reply = script(os.path.basename(script_file), words)
    except (LibraryUnavailable, PlanBuildError) as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    sys.stderr.write(reply['stderr'])
    sys.stdout.write(reply['stdout'])
    sys.stdout.flush()
    return reply['exit_code']


_option_tables = {}


def command_options(script, words):
    """One subcommand's option table, the library's (pb_query "script_options"): ``summary`` and
    ``options`` (``flags``, ``dest``, ``kind``, ``choices``, ``metavar``, ``help``, ``required``,
    ``default``); asked once per subcommand."""
    key = (script, tuple(words), os.environ.get(GENERATION_VARIABLE))
    if key not in _option_tables:
        _option_tables[key] = checked('pb_query', {'what': 'script_options', 'script': script, 'command': list(words), **context()})
    return _option_tables[key]


def namespace_words(options, args):
    """The command-line words that give an argparse-style namespace's values; a value that is
    missing, ``None``, ``False`` or the option's default is left out (so a default stays absent)."""
    words = []
    for option in options:
        value = getattr(args, option['dest'], None)
        if value is None or value is False or value == option['default']:
            continue
        flag = option['flags'][0]
        if value is True:
            words.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                words += [flag, str(item)]
        else:
            words += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return words


def run_command(script, words, args):
    """Subcommand ``words`` of ``script`` (``'gradle.py'``) with an argparse-style namespace's
    values, answered by the library and printed as the script prints it; returns the exit code."""
    table = command_options(os.path.basename(script), words)
    return main(script, list(words) + namespace_words(table['options'], args))


def add_subcommand(subparsers, script, word):
    """Subcommand ``word`` of ``script`` on an argparse subparsers object, its options converted
    from the library's table; a namespace parsed by it carries ``func``, which runs it
    (:func:`run_command`). Returns the subparser."""
    table = command_options(os.path.basename(script), [word])
    parser = subparsers.add_parser(word, help=table['summary'], description=table['summary'], allow_abbrev=False)
    for option in table['options']:
        spec = {'dest': option['dest'], 'help': option['help'], 'default': option['default']}
        if option['kind'] == 'flag':
            spec['action'] = 'store_true'
        else:
            spec['required'] = option['required']
            if option['kind'] == 'choice':
                spec['choices'] = option['choices']
            else:
                spec['metavar'] = option['metavar']
            if option['kind'] == 'integer':
                spec['type'] = int
            elif option['kind'] == 'repeated':
                spec['action'] = 'append'
        parser.add_argument(*option['flags'], **spec)
    parser.set_defaults(func=lambda args: run_command(script, [word], args))
    return parser


def project(project_dir='.', *, option=None, **fields):
    """A request for the project in ``project_dir`` with the environment conventions attached.

    ``option`` is a ``--project-dir`` given on a command line. Which of the option, ``PLAN_BASE_DIR``
    and ``project_dir`` names the project is the library's rule (the same as ``bin/planbuild``'s).
    """
    request = {'project_dir': os.fspath(project_dir or '.')} if project_dir is not None else {}
    base = os.environ.get('PLAN_BASE_DIR')
    if base:
        request['plan_base_dir'] = base
    if option:
        request['project_dir_option'] = os.fspath(option)
    plan_dir_name = os.environ.get('PLAN_DIR_NAME')
    if plan_dir_name:
        request['plan_dir_name'] = plan_dir_name
    request.update(context())
    request.update({key: value for key, value in fields.items() if value is not None})
    return request


def _jsonable(value):
    """Request conversion for objects json cannot write: Issue-like objects, paths."""
    to_dict = getattr(value, 'to_dict', None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f'{type(value).__name__} is not JSON serializable')


_defaults = None


def defaults():
    """The library's defaults (pb_query "defaults"): timeout_seconds, run_max_errors, … — fetched once."""
    global _defaults
    if _defaults is None:
        _defaults = checked('pb_query', {'what': 'defaults'})
    return _defaults
