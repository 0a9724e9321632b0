"""run_many(dry_run=…, affected=…, base=…, head=…): the plan without running anything, and only
what a git change affects, through the library (pb_run's members of the same names)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[2] / "python"
sys.path.insert(0, str(PYTHON_DIR))

import _planbuild  # noqa: E402
import orchestrate  # noqa: E402

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]


def project(tmp_path: Path) -> Path:
    """core ← app, and docs/ in no module; each build leaves a marker file saying it ran."""
    modules = {}
    for name, dependencies in [("core", []), ("app", ["core"])]:
        (tmp_path / name / "src").mkdir(parents=True)
        (tmp_path / name / "src" / "Main.txt").write_text(name)
        modules[name] = {"name": name, "paths": {"module": name}, "dependencies": dependencies,
                         "commands": {"verify": f"touch {tmp_path}/ran-{name}"}}
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("guide")
    (tmp_path / ".gitignore").write_text(".plan/\nran-*\n")
    (tmp_path / ".plan" / "project-architecture").mkdir(parents=True)
    (tmp_path / ".plan" / "project-architecture" / "derived-data.json").write_text(json.dumps({"modules": modules}))
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(GIT + args, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def test_dry_run_returns_the_plan_and_runs_nothing(tmp_path):
    root = project(tmp_path)
    plan = orchestrate.run_many("verify", project_dir=root, dry_run=True)
    assert plan["dry_run"] is True and plan["status"] == "success"
    assert [(m["module"], m["action"], m["cache_miss"]["reason"]) for m in plan["modules"]] == \
        [("core", "run", "no_record"), ("app", "run", "no_record")]
    assert not list(root.glob("ran-*"))
    orchestrate.run_many("verify", project_dir=root)
    again = orchestrate.run_many("verify", project_dir=root, dry_run=True, format="toon")
    assert [m["action"] for m in again["modules"]] == ["cached", "cached"]
    assert "core\tcached\tlocal" in again["text"]


def test_affected_builds_the_changed_module_and_its_dependents(tmp_path):
    root = project(tmp_path)
    (root / "app" / "src" / "Main.txt").write_text("app, changed")
    plan = orchestrate.run_many("verify", project_dir=root, affected=True, base="HEAD", dry_run=True)
    assert {m["module"]: m["action"] for m in plan["modules"]} == {"app": "run", "core": "skipped"}
    assert plan["affected"]["changed_files"] == ["app/src/Main.txt"]
    report = orchestrate.run_many("verify", project_dir=root, affected=True, base="HEAD")
    assert [b["module"] for b in report["builds"]] == ["app"]
    assert (root / "ran-app").exists() and not (root / "ran-core").exists()


def test_affected_errors_are_the_librarys(tmp_path):
    root = project(tmp_path)
    with pytest.raises(_planbuild.PlanBuildError, match="unknown git reference 'nope'"):
        orchestrate.run_many("verify", project_dir=root, affected=True, base="nope")
    with pytest.raises(_planbuild.PlanBuildError, match="base and head need affected"):
        orchestrate.run_many("verify", project_dir=root, base="HEAD")
    assert not list(root.glob("ran-*"))
