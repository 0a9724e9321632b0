"""No build outlives its runner: real signals to the real runners — `planbuild run`,
`planbuild orchestrate`, maven.py and orchestrate.py — and real process trees.

A build here is a small shell script (a real build tool cannot be made to leave a setsid'ed
grandchild or ignore its end on demand). Every process a test starts carries a unique marker in its
command line; after the runner stopped, a scan of /proc must find no process with that marker.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from orchestration_support import PLANBUILD, REPO, alive

PYTHON_SHIMS = REPO / "python"


# ---- markers and survivors ----

def new_marker() -> str:
    return f"i14tree-{uuid.uuid4().hex[:12]}"


def sleeper(marker: str, role: str, seconds: int = 3600) -> str:
    """A shell command for one long-lived process whose command line holds the marker."""
    return f"{sys.executable} -c 'import time; time.sleep({seconds})' {marker}-{role}"


def with_marker(marker: str):
    """Live (not zombie) processes whose command line contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in command and alive(int(entry)):
            found.append(int(entry))
    return found


def wait_for(predicate, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def kill_all(marker: str):
    for pid in with_marker(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def assert_no_survivor(marker: str, within: float = 3.0):
    gone = wait_for(lambda: not with_marker(marker), within)
    left = with_marker(marker)
    for pid in left:  # leave the machine clean even when the test fails
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert gone, f"processes of the build survived: {left}"


# ---- fake builds ----

def tree_script(path: Path, marker: str, ending: str) -> Path:
    """A build that starts a child in its own group and a setsid'ed one, then runs ``ending``."""
    path.write_text(textwrap.dedent(f"""\
        #!/bin/sh
        {sleeper(marker, 'group-child')} &
        setsid {sleeper(marker, 'setsid-child')} &
        echo "[INFO] building"
        {ending}
        """))
    path.chmod(0o755)
    return path


def maven_project(root: Path, marker: str, ending: str) -> Path:
    """A Maven project whose ./mvnw is a tree script."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text("<project/>\n")
    tree_script(root / "mvnw", marker, ending)
    return root


def orchestration_project(root: Path, modules: dict) -> Path:
    """modules: name → script body ending (see tree_script) with its marker: (marker, ending)."""
    (root / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, (marker, ending) in modules.items():
        script = tree_script(root / f"build-{name}.sh", marker, ending)
        entries[name] = {"name": name, "paths": {"module": name}, "dependencies": [],
                         "commands": {"verify": str(script)}}
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": root.name}, "modules": entries}))
    return root


def hanging(marker: str) -> str:
    return sleeper(marker, "build")


def stop_and_measure(process: subprocess.Popen, number: int, marker: str, expected_processes: int = 3):
    """Waits until the tree runs, sends the signal; returns (stdout, stderr, seconds to exit)."""
    assert wait_for(lambda: len(with_marker(marker)) >= expected_processes), "the build tree never started"
    time.sleep(0.2)
    sent = time.monotonic()
    process.send_signal(number)
    stdout, stderr = process.communicate(timeout=20)
    return stdout, stderr, time.monotonic() - sent


# ---- planbuild run ----

@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_planbuild_run_stops_on_signal(tmp_path: Path, number):
    marker = new_marker()
    project = maven_project(tmp_path / "p", marker, hanging(marker))
    process = subprocess.Popen([str(PLANBUILD), "run", "--system", "maven", "--args", "verify", "--project-dir",
                                str(project), "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    stdout, stderr, seconds = stop_and_measure(process, number, marker)
    assert process.returncode == 128 + number, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    assert "Program crashed" not in stderr
    result = json.loads(stdout)  # the result so far is printed
    assert result["status"] != "success"
    assert_no_survivor(marker)
    # A cancelled build learns nothing.
    config = project / ".plan" / "run-configuration.json"
    assert not config.exists() or not json.loads(config.read_text()).get("commands")


# ---- planbuild orchestrate ----

def start_orchestrate(project: Path, *args: str, **popen):
    return subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                             "--format", "json", *args], text=True, **popen)


@pytest.mark.parametrize("number", [signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT])
def test_orchestrate_stops_on_signal_with_report(tmp_path: Path, number):
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {f"m{i}": (marker, hanging(marker)) for i in range(2)})
    process = start_orchestrate(project, "--jobs", "2", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr, seconds = stop_and_measure(process, number, marker, expected_processes=6)
    assert process.returncode == 128 + number, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    report = json.loads(stdout)
    assert [b["status"] for b in report["builds"]] == ["cancelled", "cancelled"]
    assert_no_survivor(marker)


def test_orchestrate_stops_when_its_reader_goes(tmp_path: Path):
    """`planbuild orchestrate … 2>&1 | head -2`: once head is gone the next progress line meets a
    closed pipe; the run is cancelled, the command stops (141) and nothing of the builds is left."""
    marker = new_marker()
    quick = new_marker()
    project = orchestration_project(tmp_path / "p", {"m0": (quick, "sleep 1"), "m1": (marker, hanging(marker))})
    command = (f"'{PLANBUILD}' orchestrate --project-dir '{project}' --command verify --sequential 2>&1 | head -2;"
               " echo \"exit=${PIPESTATUS[0]}\"")
    started = time.monotonic()
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    assert "exit=141" in run.stdout, run.stdout + run.stderr
    assert time.monotonic() - started < 10
    assert_no_survivor(marker)
    assert_no_survivor(f"{quick}-group-child")
    kill_all(quick)  # m0 exited normally: its setsid'ed child is left alone (the rule)


def test_sigkill_of_the_runner_leaves_no_build(tmp_path: Path):
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {f"m{i}": (marker, hanging(marker)) for i in range(2)})
    process = start_orchestrate(project, "--jobs", "2", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop_and_measure(process, signal.SIGKILL, marker, expected_processes=6)
    assert process.returncode == -signal.SIGKILL
    assert_no_survivor(marker)


def test_timeout_ends_a_setsid_grandchild(tmp_path: Path):
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {"m0": (marker, hanging(marker))})
    started = time.monotonic()
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--format", "json", "--timeout", "1"], capture_output=True, text=True, timeout=60)
    report = json.loads(run.stdout)
    assert [b["status"] for b in report["builds"]] == ["timeout"]
    assert time.monotonic() - started < 6
    assert_no_survivor(marker, within=0.5)


def test_after_a_normal_exit_the_group_is_ended_and_a_daemon_left_alone(tmp_path: Path):
    """The rule (docs/processes.md): after a build exits on its own, what is left in its process
    group is ended; a process that left the group on purpose (setsid, as Gradle's daemon) stays."""
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {"m0": (marker, "sleep 0.5; exit 0")})
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--format", "json"], capture_output=True, text=True, timeout=60)
    report = json.loads(run.stdout)
    assert [b["status"] for b in report["builds"]] == ["success"], run.stderr
    try:
        assert not with_marker(f"{marker}-group-child"), "a background child of the build survived it"
        assert with_marker(f"{marker}-setsid-child"), "the setsid'ed daemon was ended"
    finally:
        kill_all(marker)  # the daemon was left alone by the rule; the test cleans up


# ---- Python shims ----

def python_env():
    return dict(os.environ, PYTHONPATH=str(PYTHON_SHIMS))


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_python_single_build_is_cancelled_by_signal(tmp_path: Path, number):
    marker = new_marker()
    project = maven_project(tmp_path / "p", marker, hanging(marker))
    process = subprocess.Popen([sys.executable, str(PYTHON_SHIMS / "maven.py"), "run", "--commandArgs", "verify",
                                "--project-dir", str(project), "--format", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=python_env())
    stdout, stderr, seconds = stop_and_measure(process, number, marker)
    assert process.returncode == 128 + number, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    assert json.loads(stdout)["status"] != "success"
    assert_no_survivor(marker)
    config = project / ".plan" / "run-configuration.json"
    assert not config.exists() or not json.loads(config.read_text()).get("commands"), "a cancelled build learned"


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_python_orchestrate_is_cancelled_by_signal(tmp_path: Path, number):
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {f"m{i}": (marker, hanging(marker)) for i in range(2)})
    process = subprocess.Popen([sys.executable, str(PYTHON_SHIMS / "orchestrate.py"), "run", "--command", "verify",
                                "--jobs", "2", "--project-dir", str(project), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=python_env())
    stdout, stderr, seconds = stop_and_measure(process, number, marker, expected_processes=6)
    assert process.returncode == 128 + number, stderr
    assert seconds < 3, f"took {seconds:.1f}s"
    assert [b["status"] for b in json.loads(stdout)["builds"]] == ["cancelled", "cancelled"]
    assert_no_survivor(marker)


SIGCHLD_IGNORED = textwrap.dedent("""
    import json, signal, sys
    sys.path.insert(0, {shims!r})
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # as some servers do: children are reaped away
    import _maven_execute
    from orchestrate import run_many
    single = _maven_execute.execute_direct('verify', 'maven:verify', project_dir={single!r})
    many = run_many('verify', project_dir={many!r})
    print(json.dumps({{'single': single, 'many': many}}))
""")


def test_host_ignoring_sigchld_gets_true_statuses(tmp_path: Path):
    marker = new_marker()
    single = maven_project(tmp_path / "single", marker, "exit 0")
    many = orchestration_project(tmp_path / "many", {"m0": (marker, "exit 0"), "m1": (marker, "exit 3")})
    script = tmp_path / "driver.py"
    script.write_text(SIGCHLD_IGNORED.format(shims=str(PYTHON_SHIMS), single=str(single), many=str(many)))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    output = json.loads(run.stdout)
    assert output["single"]["status"] == "success" and output["single"]["exit_code"] == 0
    assert [b["status"] for b in output["many"]["builds"]] == ["success", "error"]
    assert_no_survivor(f"{marker}-group-child")
    kill_all(marker)  # the setsid'ed children: left alone after a normal exit


def test_run_many_with_bytes_raises_at_once(tmp_path: Path):
    driver = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PYTHON_SHIMS)!r})
        from orchestrate import run_many
        import _maven_execute
        for call in (lambda: run_many(b'verify'), lambda: run_many('verify', modules=[b'core']),
                     lambda: run_many('verify', mode=object()),
                     lambda: _maven_execute.execute_direct(b'verify', 'k'),
                     lambda: _maven_execute.execute_direct('verify', 'k', default_timeout=float('nan'))):
            try:
                call()
            except (TypeError, ValueError) as error:
                print(type(error).__name__)
            else:
                print('no error')
    """)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", driver], capture_output=True, text=True, timeout=20,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no error" not in run.stdout, run.stdout
    assert len(run.stdout.split()) == 5
    assert time.monotonic() - started < 5


def test_copied_shims_find_the_supervisor_beside_the_library(tmp_path: Path):
    """The README's way to install: python/ copied with the library and the supervisor beside it.
    A timeout there still ends a setsid'ed grandchild (only the supervisor can)."""
    import shutil
    from conftest import copy_tracked
    scripts = copy_tracked(PYTHON_SHIMS, tmp_path / "scripts")
    release = Path(os.environ.get("PLANBUILD_LIBRARY", REPO / ".build" / "release" / "libplanbuild.so")).parent
    for name in ("libplanbuild.so", "planbuild-supervisor"):
        shutil.copy2(release / name, scripts / name)
    marker = new_marker()
    project = orchestration_project(tmp_path / "p", {"m0": (marker, hanging(marker))})
    env = {k: v for k, v in os.environ.items() if k not in ("PLANBUILD_LIBRARY", "PLANBUILD_SUPERVISOR")}
    run = subprocess.run([sys.executable, str(scripts / "orchestrate.py"), "run", "--command", "verify",
                          "--timeout", "1", "--project-dir", str(project), "--format", "json"],
                         capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert [b["status"] for b in json.loads(run.stdout)["builds"]] == ["timeout"], run.stderr
    assert_no_survivor(marker, within=0.5)
