"""run-configuration.json as the shared locked-write helper writes it, through
`planbuild timeout set`, run_config.py and many processes at once; and who names the project when
PLAN_BASE_DIR and --project-dir disagree."""
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import PLANBUILD, REPO

PYTHON_DIR = REPO / "python"
FOREIGN = ('{"version": 1, "commands": {}, "foreign": {"big": 12345678901234567890, "huge": 1e400, '
           '"lone": "\\ud800", "list": [1.50, -0]}}\n')


def env_without_conventions(**overrides):
    env = {name: value for name, value in os.environ.items() if name not in ("PLAN_BASE_DIR", "PLAN_DIR_NAME")}
    env.update(overrides)
    return env


def planbuild(*args, cwd=None, env=None):
    return subprocess.run([str(PLANBUILD), *map(str, args)], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env=env or env_without_conventions())


def run_config_py(project, *args, env=None):
    return subprocess.run([sys.executable, str(PYTHON_DIR / "run_config.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=60, env=env or env_without_conventions())


def linked_project(tmp_path):
    """A project whose .plan/run-configuration.json is a relative symlink to a shared file."""
    shared = tmp_path / "shared" / "run-configuration.json"
    shared.parent.mkdir()
    shared.write_text(FOREIGN)
    project = tmp_path / "project"
    (project / ".plan").mkdir(parents=True)
    (project / ".plan" / "run-configuration.json").symlink_to(Path("../../shared/run-configuration.json"))
    return project, shared


def test_cli_and_shim_write_through_a_symlink(tmp_path):
    project, shared = linked_project(tmp_path)
    link = project / ".plan" / "run-configuration.json"
    assert planbuild("timeout", "set", "--project-dir", project, "--command", "cli:k", "--duration", "40").returncode == 0
    completed = run_config_py(project, "timeout", "set", "--command", "shim:k", "--duration", "50")
    assert completed.returncode == 0, completed.stderr
    assert link.is_symlink()
    commands = json.loads(shared.read_text())["commands"]
    assert commands["cli:k"] == {"timeout_seconds": 40} and commands["shim:k"] == {"timeout_seconds": 50}
    assert sorted(p.name for p in shared.parent.iterdir()) == ["run-configuration.json"]
    # Values under keys PlanBuild does not own are kept as written.
    text = shared.read_text()
    for written in ('"big": 12345678901234567890', '"huge": 1e400', '"lone": "\\ud800"', "1.50,", "-0\n"):
        assert written in text, text


def test_a_read_only_file_is_refused_and_left_alone(tmp_path):
    project = tmp_path / "project"
    path = project / ".plan" / "run-configuration.json"
    path.parent.mkdir(parents=True)
    path.write_text(FOREIGN)
    path.chmod(0o444)
    try:
        cli = planbuild("timeout", "set", "--project-dir", project, "--command", "k", "--duration", "40")
        shim = run_config_py(project, "timeout", "set", "--command", "k", "--duration", "40")
        edit = run_config_py(project, "profile-mapping", "set", "--profile-id", "jfr", "--canonical", "skip")
        for completed in (cli, shim, edit):
            assert completed.returncode == 1, completed
            assert "read-only" in completed.stderr and "run-configuration.json" in completed.stderr, completed.stderr
            assert "Traceback" not in completed.stderr
        assert path.read_text() == FOREIGN
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        assert sorted(p.name for p in path.parent.iterdir()) == ["run-configuration.json"]
    finally:
        path.chmod(0o644)


def test_mode_is_kept(tmp_path):
    project = tmp_path / "project"
    path = project / ".plan" / "run-configuration.json"
    path.parent.mkdir(parents=True)
    path.write_text(FOREIGN)
    path.chmod(0o600)
    assert planbuild("timeout", "set", "--project-dir", project, "--command", "k", "--duration", "40").returncode == 0
    assert run_config_py(project, "timeout", "set", "--command", "j", "--duration", "40").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_temporary_files_of_dead_writers_are_removed(tmp_path):
    project = tmp_path / "project"
    path = project / ".plan" / "run-configuration.json"
    path.parent.mkdir(parents=True)
    path.write_text(FOREIGN)
    # A writer killed mid-write: its process is gone, its temporary file stayed.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale = path.parent / f"run-configuration.json.tmp-{dead}-42"
    stale.write_text('{"partial')
    assert planbuild("timeout", "set", "--project-dir", project, "--command", "k", "--duration", "40").returncode == 0
    assert not stale.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == ["run-configuration.json"]


def test_writers_through_the_link_and_the_target_lose_nothing(tmp_path):
    project, shared = linked_project(tmp_path)
    worker = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PYTHON_DIR)!r})
        import run_config
        number, folder = int(sys.argv[1]), sys.argv[2]
        for index in range(25):
            run_config.timeout_set(f'w{{number}}:k{{index}}', number * 100 + index + 1, folder)
    """)
    # Half the writers name the project (the symlink), half a project whose file is the target itself.
    direct = tmp_path / "direct"
    (direct / ".plan").mkdir(parents=True)
    (direct / ".plan" / "run-configuration.json").symlink_to(shared)
    folders = [project if number % 2 == 0 else direct for number in range(12)]
    processes = [subprocess.Popen([sys.executable, "-c", worker, str(number), str(folder)],
                                  env=env_without_conventions(), stderr=subprocess.PIPE, text=True)
                 for number, folder in enumerate(folders)]
    processes.append(subprocess.Popen([str(PLANBUILD), "timeout", "set", "--project-dir", str(project),
                                       "--command", "cli:k", "--duration", "7"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True))
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    data = json.loads(shared.read_text())
    assert len(data["commands"]) == 12 * 25 + 1
    assert all(data["commands"][f"w{n}:k{i}"] == {"timeout_seconds": n * 100 + i + 1}
               for n in range(12) for i in range(25))
    assert '"big": 12345678901234567890' in shared.read_text()
    assert (project / ".plan" / "run-configuration.json").is_symlink()


def test_project_dir_option_wins_over_plan_base_dir(tmp_path):
    """One rule in the core: --project-dir > PLAN_BASE_DIR > a program's project_dir > '.'."""
    option, base, given = (tmp_path / name for name in ("option", "base", "given"))
    for folder in (option, base, given):
        folder.mkdir()
    env = env_without_conventions(PLAN_BASE_DIR=str(base))
    assert planbuild("timeout", "set", "--project-dir", option, "--command", "a", "--duration", "9",
                     env=env).returncode == 0
    assert planbuild("timeout", "set", "--command", "b", "--duration", "9", cwd=given, env=env).returncode == 0
    assert (option / ".plan" / "run-configuration.json").exists()
    assert "b" in json.loads((base / ".plan" / "run-configuration.json").read_text())["commands"]
    # The shim's command line (architecture.py --project-dir) and its Python API agree.
    (option / ".plan" / "project-architecture").mkdir(parents=True)
    (option / ".plan" / "project-architecture" / "derived-data.json").write_text(json.dumps(
        {"project": {"name": "o"}, "modules": {"m": {"name": "m", "paths": {"module": "m"}, "commands": {"verify": "x"}}}}))
    modules = subprocess.run([sys.executable, str(PYTHON_DIR / "architecture.py"), "--project-dir", str(option),
                              "modules"], capture_output=True, text=True, timeout=60, cwd=given, env=env)
    assert modules.returncode == 0 and "m" in modules.stdout.split(), modules.stderr
    api = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PYTHON_DIR)!r})
        import run_config
        run_config.timeout_set('c', 9, {str(given)!r})
    """)], capture_output=True, text=True, timeout=60, env=env)
    assert api.returncode == 0, api.stderr
    assert "c" in json.loads((base / ".plan" / "run-configuration.json").read_text())["commands"]
    assert not (given / ".plan").exists()
