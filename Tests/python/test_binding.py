"""The ctypes binding: lookup order, ABI check, error messages, reply conversion."""

import shutil
import subprocess
import textwrap

import _planbuild
from conftest import EXECUTE_SCRIPT, PYTHON, PYTHON_DIR, REPO, run, subprocess_env


def load_in_subprocess(library, tmp_path):
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PYTHON_DIR)!r})
        import _planbuild
        try:
            _planbuild.load()
        except ImportError as error:
            print(type(error).__name__)
            print(error)
            sys.exit(3)
        print('loaded')
    """)
    return subprocess.run([PYTHON, '-c', code], cwd=tmp_path, env=subprocess_env(PLANBUILD_LIBRARY=library),
                          capture_output=True, text=True, timeout=60)


def test_abi_version_matches():
    assert _planbuild.ABI_VERSION == 3
    assert _planbuild.load().pb_abi_version() == _planbuild.ABI_VERSION


def test_default_lookup_order_is_release_then_debug(monkeypatch):
    monkeypatch.delenv('PLANBUILD_LIBRARY', raising=False)
    assert _planbuild.candidates() == [str(REPO / 'python' / 'libplanbuild.so'),  # copied beside the shims
                                       str(REPO / 'lib' / 'libplanbuild.so'),  # the installed wheel's layout
                                       str(REPO / '.build' / 'release' / 'libplanbuild.so'),
                                       str(REPO / '.build' / 'debug' / 'libplanbuild.so')]
    monkeypatch.setenv('PLANBUILD_LIBRARY', '/somewhere/libplanbuild.so')
    assert _planbuild.candidates() == ['/somewhere/libplanbuild.so']


def test_missing_library_names_the_fix(tmp_path):
    missing = tmp_path / 'nowhere' / 'libplanbuild.so'
    completed = load_in_subprocess(str(missing), tmp_path)
    assert completed.returncode == 3, completed.stderr
    kind, message = completed.stdout.split('\n', 1)
    assert kind == 'LibraryUnavailable'
    assert 'libplanbuild.so not found' in message
    assert str(missing) in message
    assert 'swift build -c release' in message
    assert 'PLANBUILD_LIBRARY' in message


def test_missing_library_through_a_script_is_one_clean_line(tmp_path, maven_project):
    env = subprocess_env(PLANBUILD_LIBRARY=str(tmp_path / 'absent.so'))
    for args in (['pm-dev-java:plan-marshall-plugin:maven', 'run', '--commandArgs', 'verify'],
                 ['plan-marshall:run-config:run_config', 'timeout', 'get', '--command', 'k', '--default', '5'],
                 ['plan-marshall:analyze-project-architecture:architecture', 'resolve', '--command', 'verify']):
        completed = run([EXECUTE_SCRIPT, *args], maven_project, env)
        assert completed.returncode == 1
        assert 'libplanbuild.so not found' in completed.stderr
        assert 'swift build -c release' in completed.stderr


def test_other_abi_version_is_refused(tmp_path):
    compiler = shutil.which('cc') or shutil.which('gcc') or shutil.which('clang')
    assert compiler, 'a C compiler is needed to build a library with another ABI version'
    source = tmp_path / 'stale.c'
    source.write_text('#include <stdlib.h>\nint pb_abi_version(void) { return 99; }\n'
                      'void pb_free(char *text) { free(text); }\n')
    library = tmp_path / 'libplanbuild.so'
    subprocess.run([compiler, '-shared', '-fPIC', '-o', str(library), str(source)], check=True)
    completed = load_in_subprocess(str(library), tmp_path)
    assert completed.returncode == 3
    kind, message = completed.stdout.split('\n', 1)
    assert kind == 'LibraryUnavailable'
    assert f'{library} has ABI version 99, these shims need 3' in message
    assert 'swift build -c release' in message


def test_a_file_that_is_no_library_is_refused(tmp_path):
    bogus = tmp_path / 'libplanbuild.so'
    bogus.write_text('not an ELF file')
    completed = load_in_subprocess(str(bogus), tmp_path)
    assert completed.returncode == 3
    assert 'cannot be loaded' in completed.stdout
    assert 'swift build -c release' in completed.stdout


def test_library_unavailable_is_an_import_error():
    assert issubclass(_planbuild.LibraryUnavailable, ImportError)


def test_call_round_trips_json():
    reply = _planbuild.call('pb_format', {'result': {'status': 'success', 'exit_code': 0}})
    assert reply == {'status': 'success', 'text': 'status\tsuccess\nexit_code\t0', 'notice': '[EXEC] \n'}


def test_invalid_request_is_an_error_reply_and_checked_raises():
    reply = _planbuild.call('pb_resolve', {})
    assert reply['status'] == 'error' and reply['error'] == 'invalid_request'
    try:
        _planbuild.checked('pb_resolve', {})
    except _planbuild.PlanBuildError as error:
        assert error.error == 'invalid_request'
        assert 'command' in error.message
    else:
        raise AssertionError('checked() must raise on an error reply')


def test_malformed_request_text_does_not_abort():
    reply = _planbuild.call_text('pb_execute', '{"system": ')
    assert '"invalid_request"' in reply


def test_project_applies_environment_conventions(monkeypatch, tmp_path):
    """The shim passes the conventions on; the library's one rule picks the project:
    a --project-dir option > PLAN_BASE_DIR > the project_dir argument (as bin/planbuild)."""
    assert _planbuild.project('/p', command='x') == {'project_dir': '/p', 'command': 'x', **_planbuild.context()}
    option, base, given = (tmp_path / name for name in ('option', 'base', 'given'))

    def chosen(**kwargs):
        reply = _planbuild.checked('pb_run_config', _planbuild.project(given, operation='init', force=True, **kwargs))
        return reply['path']

    assert chosen() == f'{given}/.plan/run-configuration.json'
    monkeypatch.setenv('PLAN_BASE_DIR', str(base))
    monkeypatch.setenv('PLAN_DIR_NAME', '.plan-test')
    assert chosen() == f'{base}/.plan-test/run-configuration.json'
    assert chosen(option=str(option)) == f'{option}/.plan-test/run-configuration.json'
    assert chosen(option=None) == f'{base}/.plan-test/run-configuration.json'


def test_import_is_cheap():
    # -S: without site, whose .pth files import whatever the installation likes
    completed = subprocess.run([PYTHON, '-S', '-X', 'importtime', '-c', 'import _planbuild, maven, run_config'],
                               cwd=PYTHON_DIR,
                               env=subprocess_env(), capture_output=True, text=True, timeout=60)
    imported = {line.rsplit('|', 1)[-1].strip() for line in completed.stderr.splitlines()}
    assert {'maven', 'run_config'} <= imported
    assert not {'argparse', 'dataclasses', 'typing', 'subprocess', 'pathlib'} & imported
