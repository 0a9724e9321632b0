#!/usr/bin/env python3
"""Run a canonical command over many modules through PlanBuild's orchestrator (pb_run).

Library use::

    from orchestrate import run_many
    report = run_many('verify', jobs=4, on_progress=print)

CLI (also ``python3 .plan/execute-script.py plan-marshall:build-orchestrator:orchestrate run …``)::

    orchestrate.py run --command C [--module M]… [--jobs N | --sequential] [--stop-on-failure]
                       [--timeout S] [--format toon|json] [--mode actionable|structured|errors]
                       [--project-dir D] [--no-cache] [--force M]… [--remote-cache URL] [--remote-cache-write]
                       [--execution-mode in_process|server|auto]

Ctrl-C, SIGTERM and SIGHUP cancel: running builds are stopped with their whole process tree,
nothing new starts, and the report so far is still returned, unfinished builds ``cancelled``,
with ``interrupted`` True and ``signal`` the signal's number (the CLI exits with 128 + it).
An argument that cannot become JSON raises TypeError/ValueError before anything starts.
"""

import ctypes
import json
import os
import sys

import _planbuild

PROGRESS_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)


def _start_function():
    start = _planbuild.load().pb_run_start
    start.argtypes = [ctypes.c_char_p, PROGRESS_CALLBACK, ctypes.c_void_p]
    start.restype = ctypes.c_int64
    return start


def _text_or_none(name, value):
    """A str member, or None; anything else is a TypeError raised before the run starts."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f'run_many: {name} must be a str, not {type(value).__name__}')
    return value


def run_many(command, modules=None, jobs=None, sequential=False, stop_on_failure=False, on_progress=None,
             project_dir='.', timeout=None, mode=None, format=None, *, project_dir_option=None, progress_lines=False,
             cache=True, force=None, events=None, trace=None, junit=None, sarif=None, remote_cache=None,
             remote_cache_write=False, execution_mode=None, affected=False, base=None, head=None, dry_run=False,
             remote_execution=None, remote_instance=None):
    """Run ``command`` over ``modules`` (default: every module that has it); returns the report dict.

    ``on_progress(event)`` receives each progress event (a dict); an exception it raises is
    reported once on stderr and does not stop the run. ``format`` 'toon' or 'json' adds the
    rendered report as ``report['text']``. Members left None take the library's defaults.
    ``progress_lines`` True: ``on_progress(line)`` receives the library's one-line text of each
    event instead (what the command line prints; events without a line are not delivered).
    ``cache`` False ignores the build cache (--no-cache); ``force`` names modules rebuilt even when cached.
    ``remote_cache`` is a shared cache's URL (--remote-cache); ``remote_cache_write`` True uploads
    successful builds to it (--remote-cache-write).
    ``remote_execution`` is a Remote Execution API server's URL, grpc://HOST:PORT (--remote-execution):
    each build runs there; ``remote_instance`` its instance name (--instance).
    ``events``, ``trace``, ``junit``, ``sarif``: files the library writes (docs/events.md: JSON Lines
    of every event, '-' for stderr; Chrome trace-event JSON; JUnit XML; SARIF 2.1.0).
    ``execution_mode``: 'in_process', 'server' or 'auto' (None: the library's default, auto): where the
    run executes (docs/server.md); through the build server the report gains ``job``.
    ``affected`` True builds only the modules whose files differ between two git states (``base``,
    default the merge base with origin/HEAD else HEAD~1; ``head``, default the working tree) and
    their dependents (--affected). ``dry_run`` True runs nothing and returns the plan instead: every
    module with ``action`` 'run' (and its ``cache_miss``), 'cached' or 'skipped' (and its ``reason``).
    """
    start = _start_function()
    if isinstance(modules, (str, bytes)):
        raise TypeError('run_many: modules must be a list of module names, not a single string')
    modules = [_text_or_none('each module', module) for module in modules] if modules else None
    request = _planbuild.project(project_dir, option=project_dir_option,
                                 command=_text_or_none('command', command) or _missing_command(),
                                 sequential=bool(sequential), stop_on_failure=bool(stop_on_failure),
                                 mode=_text_or_none('mode', mode), modules=modules,
                                 jobs=None if jobs is None else int(jobs),
                                 timeout=None if timeout is None else int(timeout),
                                 format=_text_or_none('format', format),
                                 progress='lines' if progress_lines else None,
                                 cache=None if cache else False, force=list(force) if force else None,
                                 events=_path_or_none('events', events), trace=_path_or_none('trace', trace),
                                 junit=_path_or_none('junit', junit), sarif=_path_or_none('sarif', sarif),
                                 remote_cache=_text_or_none('remote_cache', remote_cache),
                                 remote_cache_write=True if remote_cache_write else None,
                                 remote_execution=_text_or_none('remote_execution', remote_execution),
                                 remote_instance=_text_or_none('remote_instance', remote_instance),
                                 execution_mode=_text_or_none('execution_mode', execution_mode),
                                 affected=True if affected else None, base=_text_or_none('base', base),
                                 head=_text_or_none('head', head), dry_run=True if dry_run else None)
    # Converted before the run starts: a request that cannot become JSON raises TypeError/ValueError here.
    text = _planbuild.request_text(request)
    state = {'callback_failed': False}

    def deliver(event_text, _context):
        if on_progress is None:
            return
        try:
            text = event_text.decode('utf-8', 'replace')
            on_progress(text if progress_lines else json.loads(text))
        except Exception as error:  # a progress callback must never break the run
            if not state['callback_failed']:
                state['callback_failed'] = True
                sys.stderr.write(f'orchestrate: progress callback raised {error!r}; the run goes on\n')

    callback = PROGRESS_CALLBACK(deliver)  # referenced until pb_wait returned
    handle = start(text.encode('utf-8', 'surrogateescape'), callback, None)
    # SIGINT, SIGTERM and SIGHUP cancel the run: running builds are stopped with their whole
    # process tree, nothing new starts, and the report so far comes back.
    reply_text, stopped = _planbuild.wait_stoppable(handle)
    del callback
    reply = json.loads(reply_text)
    if reply.get('status') == 'error':
        raise _planbuild.PlanBuildError(reply)
    if stopped is not None:
        reply['interrupted'] = True
        reply['signal'] = stopped
    return reply


def _path_or_none(name, value):
    """A path as the library takes it: str or os.PathLike, or None."""
    if value is None:
        return None
    return _text_or_none(name, os.fspath(value))


def _missing_command():
    raise ValueError('run_many: command must not be empty')


def _print_progress(line):
    """The library renders each line (pb_run "progress": "lines"); it is printed as it comes."""
    sys.stderr.write(line + '\n')
    sys.stderr.flush()


def main(argv=None):
    """``orchestrate.py run --command C …``: the library reads the command line (its options are
    listed by ``orchestrate.py run --help``), this module runs the builds with live progress."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        parsed = _planbuild.script('orchestrate', argv, parse_only=True)
    except (_planbuild.LibraryUnavailable, _planbuild.PlanBuildError) as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    if 'data' not in parsed:  # help, or a command line the library refused
        sys.stdout.write(parsed['stdout'])
        sys.stderr.write(parsed['stderr'])
        return parsed['exit_code']
    get = parsed['data']['values'].get
    try:
        # The command line always prints the report: TOON unless --format says otherwise.
        report = run_many(get('command'), modules=get('modules'), jobs=get('jobs'), sequential=get('sequential'),
                          stop_on_failure=get('stop_on_failure'), on_progress=_print_progress, progress_lines=True,
                          project_dir_option=get('project_dir'), timeout=get('timeout'), mode=get('mode'),
                          format=get('format') or 'toon', cache=not get('no_cache'), force=get('force'),
                          events=get('events'), trace=get('trace'), junit=get('junit'), sarif=get('sarif'),
                          remote_cache=get('remote_cache'), remote_cache_write=get('remote_cache_write'),
                          remote_execution=get('remote_execution'), remote_instance=get('remote_instance'),
                          execution_mode=get('execution_mode'))
    except _planbuild.PlanBuildError as error:
        if error.error == 'invalid_request':  # options the library refused (--jobs with --sequential)
            sys.stderr.write(f'usage: orchestrate.py run [-h] --command C ...\norchestrate.py: error: {error.message}\n')
            return 2
        sys.stderr.write(f'error: {error.message}\n')
        return 1
    except _planbuild.LibraryUnavailable as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    print(report['text'])
    if report.get('interrupted'):
        return 128 + report.get('signal', 2)
    return 0 if report['status'] == 'success' else 1


if __name__ == '__main__':
    sys.exit(main())
