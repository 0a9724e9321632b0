#!/usr/bin/env python3
"""Run a canonical command over many modules through PlanBuild's orchestrator (pb_run).

Library use::

    from orchestrate import run_many
    report = run_many('verify', jobs=4, on_progress=print)

CLI (also ``python3 .plan/execute-script.py plan-marshall:build-orchestrator:orchestrate run …``)::

    orchestrate.py run --command C [--module M]… [--jobs N | --sequential] [--stop-on-failure]
                       [--timeout S] [--format toon|json] [--mode actionable|structured|errors]
                       [--project-dir D]

Ctrl-C (KeyboardInterrupt) cancels: running builds are stopped with their whole process tree,
nothing new starts, and the report so far is still returned, unfinished builds ``cancelled``.
"""

import ctypes
import json
import sys
import threading

import _planbuild

PROGRESS_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)


def _functions():
    lib = _planbuild.load()
    run = lib.pb_run
    run.argtypes = [ctypes.c_char_p, PROGRESS_CALLBACK, ctypes.c_void_p]
    run.restype = ctypes.c_void_p
    cancel = lib.pb_cancel
    cancel.argtypes = [ctypes.c_int64]
    cancel.restype = ctypes.c_int
    return lib, run, cancel


def run_many(command, modules=None, jobs=None, sequential=False, stop_on_failure=False, on_progress=None,
             project_dir='.', timeout=None, mode='actionable', format=None):
    """Run ``command`` over ``modules`` (default: every module that has it); returns the report dict.

    ``on_progress(event)`` receives each progress event (a dict); an exception it raises is
    reported once on stderr and does not stop the run. ``format`` 'toon' or 'json' adds the
    rendered report as ``report['text']``.
    """
    lib, run, cancel = _functions()
    request = _planbuild.project(project_dir, command=command, sequential=bool(sequential),
                                 stop_on_failure=bool(stop_on_failure), mode=mode)
    if modules:
        request['modules'] = list(modules)
    if jobs is not None:
        request['jobs'] = int(jobs)
    if timeout is not None:
        request['timeout'] = int(timeout)
    if format:
        request['format'] = format

    state = {'handle': None, 'reply': None, 'callback_failed': False}
    started = threading.Event()
    finished = threading.Event()

    def deliver(event_text, _context):
        try:
            event = json.loads(event_text.decode('utf-8', 'replace'))
        except ValueError:
            return
        if event.get('event') == 'run_started':
            state['handle'] = event.get('handle')
            started.set()
        if on_progress is None:
            return
        try:
            on_progress(event)
        except Exception as error:  # a progress callback must never break the run
            if not state['callback_failed']:
                state['callback_failed'] = True
                sys.stderr.write(f'orchestrate: progress callback raised {error!r}; the run goes on\n')

    callback = PROGRESS_CALLBACK(deliver)

    def worker():
        pointer = run(json.dumps(request).encode('utf-8'), callback, None)
        try:
            state['reply'] = ctypes.string_at(pointer).decode('utf-8', 'replace')
        finally:
            lib.pb_free(pointer)
            started.set()
            finished.set()

    # pb_run blocks until the run ends; it runs on a worker thread so that the main thread stays
    # free to receive KeyboardInterrupt and turn it into pb_cancel.
    thread = threading.Thread(target=worker, name='planbuild-run', daemon=True)
    thread.start()
    interrupted = False
    # Waiting on an Event, not on join(): a KeyboardInterrupt that interrupts Thread.join() can
    # leave is_alive() False while the thread still runs (CPython before 3.13).
    while not finished.is_set():
        try:
            finished.wait(0.1)
        except KeyboardInterrupt:
            interrupted = True
            started.wait(5)
            if state['handle'] is not None:
                cancel(int(state['handle']))
    reply = json.loads(state['reply'])
    if reply.get('status') == 'error':
        raise _planbuild.PlanBuildError(reply)
    if interrupted:
        reply['interrupted'] = True
    return reply


OPTIONS = {
    '--command': 'command', '--module': 'modules', '--jobs': 'jobs', '--timeout': 'timeout',
    '--format': 'format', '--mode': 'mode', '--project-dir': 'project_dir',
}
FLAGS = {'--sequential': 'sequential', '--stop-on-failure': 'stop_on_failure'}
USAGE = ('run --command C [--module M]... [--jobs N | --sequential] [--stop-on-failure] [--timeout S] '
         '[--format toon|json] [--mode actionable|structured|errors] [--project-dir D]')


def _parse(argv):
    values = {'modules': [], 'format': 'toon', 'mode': 'actionable', 'project_dir': '.'}
    index = 0
    while index < len(argv):
        word = argv[index]
        name, has_value, inline = word.partition('=')
        if name in FLAGS and not has_value:
            values[FLAGS[name]] = True
        elif name in OPTIONS:
            if not has_value:
                index += 1
                if index >= len(argv):
                    raise ValueError(f'argument {name}: expected one argument')
                inline = argv[index]
            if name == '--module':
                values['modules'].append(inline)
            elif name in ('--jobs', '--timeout'):
                try:
                    values[OPTIONS[name]] = int(inline)
                except ValueError:
                    raise ValueError(f"argument {name}: invalid int value: '{inline}'") from None
            else:
                values[OPTIONS[name]] = inline
        else:
            raise ValueError(f'unrecognized argument: {word}')
        index += 1
    if 'command' not in values:
        raise ValueError('the following arguments are required: --command')
    if values.get('sequential') and 'jobs' in values:
        raise ValueError('--jobs and --sequential exclude each other')
    if values['format'] not in ('toon', 'json'):
        raise ValueError(f"argument --format: invalid choice: '{values['format']}' (choose from 'toon', 'json')")
    return values


def _print_progress(event):
    kind = event.get('event')
    if kind == 'build_started':
        line = f"started  {event['module']}"
    elif kind == 'build_finished':
        line = f"{event['status']:<9}{event['module']}  {event['duration_seconds']}s  errors {event['errors']}"
    elif kind == 'build_skipped':
        line = f"skipped  {event['module']}  {event.get('reason') or ''}"
    elif kind == 'progress':
        eta = event.get('eta_seconds')
        line = (f"[{event['completed']}/{event['total']}] {event['percent']}%  running {event['running']}"
                f"  failed {event['failed']}" + (f"  about {round(eta)}s left" if eta is not None else ''))
    else:
        return
    sys.stderr.write(line + '\n')
    sys.stderr.flush()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    prog = 'orchestrate.py'
    if not argv or argv[0] != 'run':
        sys.stderr.write(f'usage: {prog} {USAGE}\n')
        return 2
    try:
        options = _parse(argv[1:])
    except ValueError as error:
        sys.stderr.write(f'usage: {prog} {USAGE}\n{prog}: error: {error}\n')
        return 2
    try:
        report = run_many(options['command'], modules=options['modules'] or None, jobs=options.get('jobs'),
                          sequential=options.get('sequential', False),
                          stop_on_failure=options.get('stop_on_failure', False), on_progress=_print_progress,
                          project_dir=options['project_dir'], timeout=options.get('timeout'), mode=options['mode'],
                          format=options['format'])
    except _planbuild.PlanBuildError as error:
        sys.stderr.write(f'error: {error.message}\n')
        return 1
    except _planbuild.LibraryUnavailable as error:
        sys.stderr.write(f'error: {error}\n')
        return 1
    print(report['text'])
    if report.get('interrupted'):
        return 130
    return 0 if report['status'] == 'success' else 1


if __name__ == '__main__':
    sys.exit(main())
