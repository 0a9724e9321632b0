"""scripts/test-exports: the library exports exactly the header's functions and links no Foundation."""

import os
import shutil
import subprocess

import _planbuild
from conftest import REPO

SCRIPT = str(REPO / 'scripts' / 'test-exports')
SWIFT_LIBRARIES = '/opt/swift/usr/lib/swift/linux'


def check(directory):
    return subprocess.run(['bash', SCRIPT, str(directory)], capture_output=True, text=True, timeout=60)


def fake_library(tmp_path, source, *flags):
    """A C stand-in for libplanbuild.so in tmp_path, to show that each check can fail."""
    (tmp_path / 'x.c').write_text(source)
    subprocess.run([shutil.which('cc') or 'cc', '-shared', '-fPIC', '-o', str(tmp_path / 'libplanbuild.so'),
                    str(tmp_path / 'x.c'), *flags], check=True)
    return tmp_path


def test_the_library_exports_exactly_the_header_and_no_foundation():
    completed = check(os.path.dirname(_planbuild.load()._name))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "ok - nm -D --defined-only shows exactly the header's" in completed.stdout
    assert 'ok - ldd shows no Foundation library' in completed.stdout


def test_an_extra_or_missing_symbol_fails(tmp_path):
    directory = fake_library(tmp_path, 'int pb_abi_version(void) { return 2; }\nint pbs_helper(void) { return 1; }\n')
    completed = check(directory)
    assert completed.returncode == 1
    assert 'exported only: pbs_helper' in completed.stdout
    assert 'header only: pb_execute' in completed.stdout


def test_linking_foundation_fails(tmp_path):
    if not os.path.exists(os.path.join(SWIFT_LIBRARIES, 'libFoundation.so')):
        import pytest
        pytest.skip(f'no libFoundation.so in {SWIFT_LIBRARIES}')
    directory = fake_library(tmp_path, 'int pb_abi_version(void) { return 2; }\n', '-Wl,--no-as-needed',
                             f'-L{SWIFT_LIBRARIES}', '-lFoundation', f'-Wl,-rpath,{SWIFT_LIBRARIES}')
    completed = check(directory)
    assert completed.returncode == 1
    assert 'FAIL - libplanbuild.so links Foundation' in completed.stdout
