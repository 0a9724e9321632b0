"""Helpers of the tests of typical mistakes with `planbuild`: the real CLI on a project of small
shell-script modules (orchestration_support), where what is tested is PlanBuild's own handling."""
import subprocess
from pathlib import Path

from orchestration_support import PLANBUILD, make_project


def planbuild(*args, cwd=None, env=None, timeout=120):
    return subprocess.run([str(PLANBUILD), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def error_line(run) -> str:
    """The one line a mistake prints (ArgumentParser adds its usage after a usage error)."""
    assert run.returncode != 0, run.stdout
    return run.stderr.strip().splitlines()[0]


def three_modules(root: Path) -> Path:
    """core, service (depends on core) and backend; each build writes MODULE.pid."""
    return make_project(root / "project", {"core": {}, "service": {"deps": ["core"]}, "backend": {}})


def ran(project: Path, module: str) -> bool:
    return (project / f"{module}.pid").exists()


def with_input(project: Path, module: str) -> Path:
    """A source file in the module's folder: a build with inputs is one the cache records."""
    (project / module).mkdir(exist_ok=True)
    (project / module / "Main.txt").write_text("source\n")
    return project
