"""The wheel of scripts/package, installed into fresh virtual environments and used where no Swift
toolchain can be loaded: every command runs in a mount namespace in which an empty folder is bound
over /opt/swift (`unshare -m`, root). The wheel is built once for this file, from the release build
scripts/setup made; nothing is compiled but the small C caller."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_tracked
from orchestration_support import make_project
from release_version import VERSION

TOOLCHAIN = Path("/opt/swift")
MAVEN = "pm-dev-java:plan-marshall-plugin:maven"

# One worker builds the wheel and runs every test of this file.
pytestmark = pytest.mark.xdist_group("wheel")

C_CALLER = r"""
#include <planbuild.h>
#include <stdio.h>
#include <string.h>

/* Calls the library as a C program built with pkg-config's flags would, and prints where the
   dynamic linker found the library and the Swift runtime. */
int main(int argc, char **argv) {
    if (argc != 2 || pb_abi_version() != PB_ABI_VERSION) return 2;
    printf("version %s\n", pb_version());
    char request[4096];
    snprintf(request, sizeof request,
             "{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"validate -pl core\"}", argv[1]);
    char *reply = pb_execute(request);
    printf("reply %s\n", reply);
    pb_free(reply);
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096];
    while (maps != NULL && fgets(line, sizeof line, maps) != NULL) {
        if (strstr(line, "libplanbuild.so") || strstr(line, "libswiftCore.so")) printf("mapped %s", strchr(line, '/'));
    }
    if (maps != NULL) fclose(maps);
    return 0;
}
"""


def clean_environment() -> dict:
    """The test session's environment without what points at the checkout's build (scripts/test
    sets PLANBUILD_LIBRARY) or adds to Python's path: the installed wheel must find its own."""
    return {name: value for name, value in os.environ.items()
            if not name.startswith("PLANBUILD_") and name not in ("PYTHONPATH", "PYTHONHOME")}


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    """run(COMMAND…): COMMAND in a new mount namespace where /opt/swift is an empty folder."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("hiding /opt/swift needs root and unshare (the tests run as root on this machine kind)")
    assert TOOLCHAIN.is_dir(), "the wheel is built from this machine's Swift toolchain in /opt/swift"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
    assert probe.returncode == 0, f"unshare -m fails as root here: {probe.stderr}"
    empty = tmp_path_factory.mktemp("empty-opt-swift")

    def run(*command, cwd=None, timeout=300, emptied=()) -> subprocess.CompletedProcess:
        """`emptied`: files to hide as well, each behind an empty file (/dev/null)."""
        script = 'mount --bind "$0" /opt/swift && test ! -e /opt/swift/usr/lib/swift/linux/libswiftCore.so'
        for path in emptied:
            script += f" && mount --bind /dev/null '{path}'"
        return subprocess.run(["unshare", "-m", "sh", "-c", script + ' && exec "$@"', str(empty),
                               *map(str, command)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env=clean_environment())
    return run


@pytest.fixture(scope="module")
def wheel(hidden, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(["bash", str(REPO / "scripts" / "package"), "--out", str(out)], capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "wheel unpack: every RECORD hash and size" in built.stdout
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def make_venv(folder: Path) -> Path:
    """A fresh virtual environment without pip of its own (this Python's pip installs into it)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    return folder


def pip(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), *args],
                          capture_output=True, text=True, timeout=300,
                          env=dict(clean_environment(), PIP_ROOT_USER_ACTION="ignore", PIP_NO_INPUT="1"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    venv = make_venv(tmp_path_factory.mktemp("wheel") / "venv")
    completed = pip(venv, "install", "--no-index", "--no-deps", str(wheel))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    return {"venv": venv, "python": python, "planbuild": venv / "bin" / "planbuild", "prefix": site / "planbuild"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of examples/maven-multi without an executor: the wheel installs it."""
    return copy_tracked(REPO / "examples" / "maven-multi", tmp_path_factory.mktemp("wheel-project") / "maven-multi")


def shipped_elf_files(prefix: Path) -> list:
    return sorted(path for path in (prefix / "lib").iterdir()
                  if path.is_file() and path.read_bytes()[:4] == b"\x7fELF")


def test_the_wheel_is_named_by_its_version_and_newest_glibc_and_stays_small(wheel, installed):
    match = re.fullmatch(r"planbuild-(.+)-py3-none-manylinux_2_(\d+)_x86_64\.whl", wheel.name)
    assert match, wheel.name
    assert match.group(1) == VERSION
    newest = 0
    for path in shipped_elf_files(installed["prefix"]):
        dynamic = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        newest = max([newest, *(int(minor) for minor in re.findall(r"\bGLIBC_2\.(\d+)\b", dynamic))])
    assert int(match.group(2)) == newest
    assert wheel.stat().st_size < 30 * 1024 * 1024


def test_no_shipped_elf_file_loads_anything_from_the_toolchain(installed):
    files = shipped_elf_files(installed["prefix"])
    names = {path.name for path in files}
    assert {"libplanbuild.so", "libplanbuild-remote.so", "planbuild-cli",
            "planbuild-supervisor", "libswiftCore.so"} <= names
    for path in files:
        # Outside the namespace: a RUNPATH still naming /opt/swift would resolve there and show.
        listed = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        assert "/opt/swift" not in listed, (path.name, listed)
        assert "not found" not in listed, (path.name, listed)
        runpath = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
        assert "/opt/swift" not in runpath, (path.name, runpath)
    # Stripping kept the exports: exactly the header's functions, and no Foundation in the library.
    exports = subprocess.run(["bash", str(REPO / "scripts" / "test-exports"), str(installed["prefix"] / "lib")],
                             capture_output=True, text=True, timeout=60)
    assert exports.returncode == 0, exports.stdout + exports.stderr


def test_the_command_and_the_python_package_without_a_toolchain(installed, hidden):
    version = hidden(installed["planbuild"], "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == VERSION
    prefix = hidden(installed["planbuild"], "--print-prefix")
    assert prefix.returncode == 0, prefix.stderr
    assert Path(prefix.stdout.strip()) == installed["prefix"]

    # The documented module names import without touching sys.path; every plugin loads.
    script = """
import ctypes, json, os, planbuild
from _maven_execute import execute_direct
from _build_format import format_toon
lib = os.path.join(planbuild.prefix(), 'lib')
for plugin in ('libplanbuild-remote.so',):
    ctypes.CDLL(os.path.join(lib, plugin))
print(json.dumps({'version': planbuild.version(), 'library': planbuild.library_path(),
                  'maps': [line.split()[-1] for line in open('/proc/self/maps') if 'libswiftCore' in line]}))
"""
    checked = hidden(installed["python"], "-c", script)
    assert checked.returncode == 0, checked.stderr
    facts = json.loads(checked.stdout)
    assert facts["version"] == VERSION
    assert Path(facts["library"]) == installed["prefix"] / "lib" / "libplanbuild.so"
    assert {Path(path).parent for path in facts["maps"]} == {installed["prefix"] / "lib"}


@pytest.mark.real_tool
def test_execute_direct_from_python_without_a_toolchain(installed, project, hidden):
    script = ("import json, sys\nfrom _maven_execute import execute_direct\n"
              "print(json.dumps(execute_direct('validate -pl core', 'maven:validate', project_dir=sys.argv[1])))")
    run = hidden(installed["python"], "-c", script, project)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "success", result
    assert Path(result["log_file"]).is_file()


@pytest.mark.real_tool
def test_a_c_program_built_with_pkg_config_flags(installed, project, hidden, tmp_path):
    dev = tmp_path / "dev"
    laid_out = hidden(installed["planbuild"], "install-dev", "--prefix", dev)
    assert laid_out.returncode == 0, laid_out.stderr
    (tmp_path / "caller.c").write_text(C_CALLER)
    for name, pkgconfig in (("from-install-dev", dev / "lib" / "pkgconfig"),
                            ("from-print-prefix", installed["prefix"] / "lib" / "pkgconfig")):
        environment = dict(clean_environment(), PKG_CONFIG_PATH=str(pkgconfig))
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "planbuild"], capture_output=True, text=True,
                               env=environment, check=True).stdout.split()
        assert subprocess.run(["pkg-config", "--modversion", "planbuild"], capture_output=True, text=True,
                              env=environment, check=True).stdout.strip() == VERSION
        program = tmp_path / name
        subprocess.run(["cc", "-o", str(program), str(tmp_path / "caller.c"), *flags], check=True, timeout=120)
        run = hidden(program, project)
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        assert lines[0] == f"version {VERSION}"
        assert json.loads(lines[1].removeprefix("reply "))["status"] == "success", lines[1]
        library_folder = pkgconfig.parent.resolve()
        mapped = {Path(line.split(" ", 1)[1]).parent.resolve() for line in lines if line.startswith("mapped ")}
        assert mapped == {library_folder}, lines


@pytest.mark.real_tool
def test_install_executor_and_an_orchestration_of_the_maven_example(installed, project, hidden):
    adopted = hidden(installed["planbuild"], "install-executor", "--project-dir", project)
    assert adopted.returncode == 0, adopted.stderr
    executor = (project / ".plan" / "execute-script.py").read_text()
    assert str(installed["prefix"] / "python") in executor
    assert str(installed["prefix"] / "lib" / "libplanbuild.so") in executor

    # The project's own command line, with the machine's python3 (not the environment's).
    script = hidden("python3", ".plan/execute-script.py", MAVEN, "run", "--commandArgs", "validate -pl core",
                    "--format", "json", cwd=project)
    assert script.returncode == 0, script.stdout + script.stderr
    assert json.loads(script.stdout)["status"] == "success"

    run = hidden(installed["planbuild"], "orchestrate", "--project-dir", project, "--command", "compile",
                 "--module", "core", "--module", "service", "--jobs", "2", "--format", "json", timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["status"] == "partial"
    builds = {build["module"]: build for build in report["builds"]}
    assert builds["core"]["status"] == "success"
    assert builds["service"]["status"] == "error"
    error = builds["service"]["first_errors"][0]
    assert (error["file"], error["line"], error["category"]) == (
        "service/src/main/java/com/example/service/OrderService.java", 19, "compilation_error")

    # The build cache's SHA-256 (the system's libnettle, opened by the library from the wheel): core is a hit now.
    explain = ("import json, sys\nfrom cache import cache_explain\n"
               "print(json.dumps(cache_explain('core', command='compile', project_dir=sys.argv[1])))")
    explained = hidden(installed["python"], "-c", explain, project)
    assert explained.returncode == 0, explained.stderr
    assert json.loads(explained.stdout)["decision"] == "cached"


def test_without_libcurl_only_the_remote_cache_is_missing(installed, hidden, tmp_path):
    """The wheel takes libcurl from the system, for the remote cache's plugin alone: hidden too,
    an orchestration with a remote cache still builds and says why the cache was not used."""
    linked = subprocess.run(["ldd", str(installed["prefix"] / "lib" / "libplanbuild-remote.so")], capture_output=True,
                            text=True, check=True).stdout
    libcurl = re.search(r"libcurl\.so\.4 => (/\S+)", linked).group(1)
    project = make_project(tmp_path / "project", {"app": {"sleep": 0}})
    (project / "app").mkdir()
    (project / "app" / "input.txt").write_text("an input, so that the module has a cache entry\n")
    run = hidden(installed["planbuild"], "orchestrate", "--project-dir", project, "--command", "verify",
                 "--remote-cache", "http://127.0.0.1:9/", "--format", "json", emptied=[libcurl])
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert [build["status"] for build in report["builds"]] == ["success"]
    assert len(report["cache_warnings"]) == 1
    assert "libcurl.so.4" in report["cache_warnings"][0] and "remote cache not used" in report["cache_warnings"][0]


def test_pip_uninstall_leaves_nothing_behind(wheel, hidden, tmp_path):
    venv = make_venv(tmp_path / "venv")
    before = {path for path in venv.rglob("*")}
    assert pip(venv, "install", "--no-index", "--no-deps", str(wheel)).returncode == 0
    # Use it first, so that what running leaves (compiled modules) is there to be removed too.
    used = hidden(venv / "bin" / "python", "-c", "import planbuild, maven, orchestrate, cache; print(planbuild.version())")
    assert used.returncode == 0, used.stderr
    assert hidden(venv / "bin" / "planbuild", "--version").returncode == 0
    assert any(venv.rglob("__pycache__"))
    removed = pip(venv, "uninstall", "--yes", "planbuild")
    assert removed.returncode == 0, removed.stdout + removed.stderr
    left = sorted(str(path.relative_to(venv)) for path in set(venv.rglob("*")) - before)
    assert left == []
