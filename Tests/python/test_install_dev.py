"""The version from its one source, the `planbuild` package in a checkout, and the C package that
`planbuild install-dev` lays out (the installed wheel's side is Tests/e2e/test_wheel.py)."""

import os
import subprocess

import planbuild
from conftest import PYTHON_DIR, REPO
from release_version import VERSION

PLANBUILD = str(REPO / 'bin' / 'planbuild')


def planbuild_cli(*args):
    return subprocess.run([PLANBUILD, *map(str, args)], capture_output=True, text=True, timeout=60)


def pkg_config(pc_folder, *args):
    return subprocess.run(['pkg-config', *args, 'planbuild'], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PKG_CONFIG_PATH=str(pc_folder))).stdout.strip()


def test_the_command_the_library_and_the_package_say_the_same_version():
    assert planbuild_cli('--version').stdout.strip() == VERSION
    assert planbuild.version() == VERSION


def test_in_a_checkout_the_package_names_the_shims_folder_and_no_prefix():
    assert planbuild.SHIMS_DIR == str(PYTHON_DIR)
    assert planbuild.prefix() is None
    assert planbuild.executable() is None
    printed = planbuild_cli('--print-prefix')
    assert printed.returncode == 1
    assert printed.stdout == ''
    assert 'not an installed package' in printed.stderr and 'install-dev --prefix' in printed.stderr


def test_install_dev_lays_out_header_library_and_pkg_config_file(tmp_path):
    prefix = tmp_path / 'dev'
    completed = planbuild_cli('install-dev', '--prefix', prefix)
    assert completed.returncode == 0, completed.stderr
    assert (prefix / 'include' / 'planbuild.h').read_bytes() == (REPO / 'include' / 'planbuild.h').read_bytes()
    library_folder = os.path.dirname(planbuild_cli_library())
    for name in ('libplanbuild.so', 'libplanbuild-remote.so', 'planbuild-supervisor'):
        copied = prefix / 'lib' / name
        assert copied.read_bytes() == open(os.path.join(library_folder, name), 'rb').read(), name
        assert os.access(copied, os.X_OK), name
    pc_folder = prefix / 'lib' / 'pkgconfig'
    assert pkg_config(pc_folder, '--modversion') == VERSION
    assert pkg_config(pc_folder, '--cflags', '--libs').split() == [
        f'-I{prefix}/include', f'-L{prefix}/lib', '-lplanbuild', f'-Wl,-rpath,{prefix}/lib']
    # Again: the files are replaced, not added to.
    assert planbuild_cli('install-dev', '--prefix', prefix).returncode == 0


def test_a_relocatable_package_still_works_after_a_move(tmp_path):
    assert planbuild_cli('install-dev', '--prefix', tmp_path / 'first', '--relocatable').returncode == 0
    (tmp_path / 'first').rename(tmp_path / 'moved')
    assert pkg_config(tmp_path / 'moved' / 'lib' / 'pkgconfig', '--variable=includedir') == \
        f'{tmp_path}/moved/lib/pkgconfig/../../include'


def test_a_prefix_pkg_config_cannot_carry_is_refused_and_nothing_is_written(tmp_path):
    for name in ('with space', 'dollar$HOME', "quo'te", 'hash#1'):
        completed = planbuild_cli('install-dev', '--prefix', tmp_path / name)
        assert completed.returncode == 1
        assert completed.stderr.startswith(f"error: the prefix '{tmp_path / name}' contains"), completed.stderr
        assert not (tmp_path / name).exists()


def planbuild_cli_library():
    """The library of the CLI that bin/planbuild runs (release preferred, as the launcher does)."""
    for flavour in ('release', 'debug'):
        candidate = REPO / '.build' / flavour / 'libplanbuild.so'
        if (REPO / '.build' / flavour / 'planbuild-cli').is_file():
            return str(candidate)
    raise AssertionError('no planbuild-cli built')
