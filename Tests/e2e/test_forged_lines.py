"""No report line can be forged (docs/formats.md): a module named
`evil\nstatus\tsuccess` in derived-data.json and a build whose output names a file path with a CR
and tabs in a Maven error line, through `planbuild orchestrate`, `orchestrate.py run`,
`planbuild resolve` and `architecture.py` — real processes; a tiny mvnw stands in for Maven (what
it prints is the point here, not Maven)."""
import json
import subprocess
import sys
from pathlib import Path

from orchestration_support import PLANBUILD, REPO

EVIL = "evil\nstatus\tsuccess"
EVIL_SHOWN = "evil | status success"
MAVEN_NOTATION = 'python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs "verify -pl core"'


def hostile_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    failing = root / "fail.sh"
    failing.write_text("#!/bin/sh\necho failing\nexit 1\n")
    failing.chmod(0o755)
    # Maven-style compile errors whose paths carry tabs and a CR (build output is anything; the log
    # reader ends a line at the CR, so what follows it joins the error's message).
    mvnw = root / "mvnw"
    mvnw.write_text("#!/bin/sh\n"
                    "printf '[INFO] Scanning for projects...\\n[ERROR] COMPILATION ERROR : \\n'\n"
                    "printf '[ERROR] %s/core/src/ev\\til\\tx/Foo.java:[3,5] cannot find symbol\\n' \"$PWD\"\n"
                    "printf '[ERROR] %s/core/src/cr\\rstatus\\tsuccess/Bar.java:[4,1] cannot find symbol\\n' \"$PWD\"\n"
                    "printf '[INFO] BUILD FAILURE\\n'\nexit 1\n")
    mvnw.chmod(0o755)
    modules = {
        EVIL: {"name": EVIL, "paths": {"module": "evil"}, "dependencies": [],
               "commands": {"verify": str(failing)}, "description": "x"},
        "core": {"name": "core", "paths": {"module": "core"}, "dependencies": [],
                 "commands": {"verify": MAVEN_NOTATION}},
    }
    (root / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": "hostile"}, "modules": modules}))
    return root


def assert_report_not_forged(toon: str):
    lines = toon.split("\n")
    assert [line for line in lines if line.startswith("status")] == ["status\tfailure"], toon
    table = lines.index("builds[2]{module,command,status,duration_seconds,errors,warnings,tests,log_file}:")
    rows = lines[table + 1:table + 3]
    assert all(len(row.split("\t")) == 8 for row in rows), rows
    assert rows[0].startswith(EVIL_SHOWN + "\tverify\terror\t"), rows
    assert f"{EVIL_SHOWN}:\terror" in lines
    header = [line for line in lines if line.startswith("errors:core[")]
    assert len(header) == 1, toon
    count = int(header[0][len("errors:core["):].split("]")[0])
    errors = lines.index(header[0])
    rows = [row.split("\t") for row in lines[errors + 1:]]
    assert len(rows) == count and all(len(row) == 4 for row in rows), toon  # no line or column added
    assert rows[0][:2] == ["core/src/ev il x/Foo.java", "3"], rows[0]
    assert any("status success/Bar.java" in row[2] for row in rows), toon


def assert_progress_not_forged(stderr: str):
    lines = stderr.splitlines()
    assert f"started  {EVIL_SHOWN}" in lines, stderr
    assert not any(line.startswith("status") for line in lines), stderr


def test_cli_report_and_progress(tmp_path: Path):
    project = hostile_project(tmp_path / "p")
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--sequential"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert_report_not_forged(run.stdout.rstrip("\n"))
    assert_progress_not_forged(run.stderr)
    as_json = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                              "--format", "json"], capture_output=True, text=True, timeout=120)
    report = json.loads(as_json.stdout)
    assert [build["module"] for build in report["builds"]] == [EVIL, "core"]  # JSON keeps the value intact
    assert report["builds"][1]["first_errors"][0]["file"] == "core/src/ev\til\tx/Foo.java"


def test_python_orchestrate_report_and_progress(tmp_path: Path):
    project = hostile_project(tmp_path / "p")
    run = subprocess.run([sys.executable, str(REPO / "python" / "orchestrate.py"), "run", "--command", "verify",
                          "--project-dir", str(project), "--sequential"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert_report_not_forged(run.stdout.rstrip("\n"))
    assert_progress_not_forged(run.stderr)
    # The failed build's line, with why it ran and its first error, is one line.
    assert any(line.startswith(f"error    {EVIL_SHOWN}  0s  errors 0  (") and " first error: " in line
               for line in run.stderr.splitlines()), run.stderr


def test_resolve_prints_three_lines(tmp_path: Path):
    project = hostile_project(tmp_path / "p")
    run = subprocess.run([str(PLANBUILD), "resolve", "--project-dir", str(project), "--command", "verify",
                          "--module", EVIL], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"module: {EVIL_SHOWN}\ncommand: verify\nexecutable: {tmp_path / 'p' / 'fail.sh'}\n"
    shim = subprocess.run([sys.executable, str(REPO / "python" / "architecture.py"), "--project-dir", str(project),
                           "resolve", "--command", "verify", "--name", EVIL], capture_output=True, text=True, timeout=60)
    assert shim.returncode == 0, shim.stderr
    assert shim.stdout == run.stdout


def test_architecture_queries_print_no_raw_break(tmp_path: Path):
    project = hostile_project(tmp_path / "p")
    script = [sys.executable, str(REPO / "python" / "architecture.py"), "--project-dir", str(project)]
    expected = {
        ("modules",): f"modules[2]:\n  - {EVIL_SHOWN}\n  - core\n",
        ("commands", "--name", EVIL): f"module: {EVIL_SHOWN}\n\ncommands[1]{{name,description}}:\nverify\t\n",
    }
    for arguments, text in expected.items():
        run = subprocess.run(script + list(arguments), capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout == text
    module = subprocess.run(script + ["module", "--name", EVIL], capture_output=True, text=True, timeout=60)
    assert module.returncode == 0, module.stderr
    assert f"  name: {EVIL_SHOWN}" in module.stdout.split("\n")
    assert not any(line.startswith("status") for line in module.stdout.split("\n"))


def test_build_script_lines_are_escaped(tmp_path: Path):
    """`maven.py run`'s `[EXEC]` line, `run-config-key`'s answer and the CLI's `error:` lines carry
    a module name from the caller: none gains a line."""
    project = hostile_project(tmp_path / "p")
    maven = [sys.executable, str(REPO / "python" / "maven.py")]
    args = 'verify -pl "x\nstatus\tsuccess"'
    run = subprocess.run(maven + ["run", "--commandArgs", args, "--project-dir", str(project)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    exec_lines = [line for line in run.stderr.splitlines() if line.startswith("[EXEC]")]
    assert len(exec_lines) == 1 and "x | status success" in exec_lines[0], run.stderr
    assert not any(line.startswith("status") for line in run.stderr.splitlines()), run.stderr
    assert [line for line in run.stdout.splitlines() if line.startswith("status")] == ["status\terror"], run.stdout
    key = subprocess.run(maven + ["run-config-key", "--commandArgs", args, "--project-dir", str(project)],
                         capture_output=True, text=True, timeout=60)
    assert key.returncode == 0, key.stderr
    lines = key.stdout.splitlines()
    assert len(lines) == 2 and lines[0] == "status: success" and lines[1].startswith("command_key: "), key.stdout
    cli = subprocess.run([str(PLANBUILD), "resolve", "--project-dir", str(project), "--command", "verify",
                          "--module", "nope\nstatus\tsuccess"], capture_output=True, text=True, timeout=60)
    assert cli.returncode != 0
    assert len(cli.stderr.strip("\n").splitlines()) == 1 and "nope | status success" in cli.stderr, cli.stderr
