"""`orchestrate --dry-run` (the next real run's decisions, nothing run) and `--affected` (the modules
whose files differ between two git states, and their dependents) through the CLI, on projects of
fake modules (the subject is PlanBuild's planning, not a build tool) in git repositories the tests
make."""
import json
import subprocess
from pathlib import Path

from orchestration_support import PLANBUILD, make_project, orchestrate

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]


def project_with_sources(tmp_path: Path) -> Path:
    """base ← lib ← app, and tool on its own; each module has a source file; docs/ is in no module;
    `other` has no verify command."""
    project = make_project(tmp_path / "project", {
        "base": {}, "lib": {"deps": ["base"]}, "app": {"deps": ["lib"]}, "tool": {},
    })
    architecture = project / ".plan" / "project-architecture" / "derived-data.json"
    data = json.loads(architecture.read_text())
    data["modules"]["other"] = {"name": "other", "paths": {"module": "other"}, "commands": {"compile": "true"}}
    architecture.write_text(json.dumps(data))
    for name in ["base", "lib", "app", "tool", "other"]:
        (project / name / "src").mkdir(parents=True)
        (project / name / "src" / "Main.java").write_text(f"class {name} {{}}\n")
    (project / "docs").mkdir()
    (project / "docs" / "guide.md").write_text("guide\n")
    (project / "pom.xml").write_text("<project/>\n")
    (project / ".gitignore").write_text(".plan/\n*.pid\n")
    return project


def git(project: Path, *args: str) -> str:
    return subprocess.run(GIT + list(args), cwd=project, check=True, capture_output=True, text=True).stdout


def committed(tmp_path: Path) -> Path:
    project = project_with_sources(tmp_path)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "initial")
    return project


def dry_run(project: Path, *args: str):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--dry-run", "--format", "json", *args], capture_output=True, text=True, timeout=120)
    return run, (json.loads(run.stdout) if run.stdout.strip().startswith("{") else None)


def actions(plan) -> dict:
    return {entry["module"]: entry["action"] for entry in plan["modules"]}


def test_dry_run_lists_the_decisions_the_next_run_makes(tmp_path: Path):
    project = project_with_sources(tmp_path)
    first, _ = orchestrate(project)
    assert first.returncode == 0, first.stderr
    (project / "lib" / "src" / "Main.java").write_text("class lib { int changed; }\n")
    pids = {name: (project / f"{name}.pid").read_text() for name in ["base", "lib", "app", "tool"]}

    run, plan = dry_run(project)
    assert run.returncode == 0, run.stderr
    assert plan["dry_run"] is True
    # Every build after what it depends on, then what is not built and why.
    order = [entry["module"] for entry in plan["modules"]]
    assert order.index("base") < order.index("lib") < order.index("app")
    assert actions(plan) == {"base": "cached", "lib": "run", "app": "run", "tool": "cached", "other": "skipped"}
    by_module = {entry["module"]: entry for entry in plan["modules"]}
    assert by_module["lib"]["cache_miss"]["reason"] == "inputs_changed"
    assert by_module["lib"]["cache_miss"]["modified"] == ["lib/src/Main.java"]
    assert by_module["app"]["cache_miss"]["reason"] == "dependency_changed"
    assert by_module["base"]["cache"] == "local"
    assert by_module["other"]["reason"] == "no command 'verify'"
    # Nothing ran: no build wrote its pid again.
    assert {name: (project / f"{name}.pid").read_text() for name in pids} == pids

    real, report = orchestrate(project)
    assert real.returncode == 0, real.stderr
    for build in report["builds"]:
        expected = actions(plan)[build["module"]]
        assert ("cached" if build["status"] == "cached" else "run") == expected, build
        if expected == "run":
            assert build["cache_miss"]["reason"] == by_module[build["module"]]["cache_miss"]["reason"]


def test_dry_run_text_form_and_no_cache(tmp_path: Path):
    project = project_with_sources(tmp_path)
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--dry-run", "--no-cache"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "dry_run\ttrue" in run.stdout
    assert "base\trun\tdisabled" in run.stdout
    assert not (project / "base.pid").exists()


def test_affected_a_change_in_one_module_takes_it_and_its_dependents(tmp_path: Path):
    project = committed(tmp_path)
    (project / "lib" / "src" / "Main.java").write_text("class lib { int changed; }\n")
    run, plan = dry_run(project, "--affected", "--base", "HEAD")
    assert run.returncode == 0, run.stderr
    assert actions(plan) == {"lib": "run", "app": "run", "base": "skipped", "tool": "skipped", "other": "skipped"}
    assert plan["affected"]["changed_files"] == ["lib/src/Main.java"]
    assert plan["affected"]["head"] == "working tree"
    assert {e["module"]: e.get("reason") for e in plan["modules"]}["base"] == "not affected by the changes"

    # The real run builds exactly those, in order.
    real, report = orchestrate(project, "--affected", "--base", "HEAD")
    assert real.returncode == 0, real.stderr
    assert sorted(build["module"] for build in report["builds"]) == ["app", "lib"]
    assert not (project / "base.pid").exists() and not (project / "tool.pid").exists()


def test_affected_untracked_files_and_commits_between_refs(tmp_path: Path):
    project = committed(tmp_path)
    (project / "tool" / "src" / "New.java").write_text("class New {}\n")  # untracked
    _, plan = dry_run(project, "--affected", "--base", "HEAD")
    assert [m for m, a in actions(plan).items() if a == "run"] == ["tool"]
    git(project, "add", "-A")
    git(project, "commit", "-qm", "tool")
    (project / "base" / "src" / "Main.java").write_text("class base { int x; }\n")  # not in the head ref
    # --head REF compares two commits: the working tree's change to base is not among them.
    _, plan = dry_run(project, "--affected", "--base", "HEAD~1", "--head", "HEAD")
    assert [m for m, a in actions(plan).items() if a == "run"] == ["tool"]
    # Default base: no origin/HEAD here, so HEAD~1; the head is the working tree.
    _, plan = dry_run(project, "--affected")
    assert sorted(m for m, a in actions(plan).items() if a == "run") == ["app", "base", "lib", "tool"]


def test_affected_a_project_wide_file_affects_every_module(tmp_path: Path):
    project = committed(tmp_path)
    (project / "pom.xml").write_text("<project><changed/></project>\n")
    _, plan = dry_run(project, "--affected", "--base", "HEAD")
    assert sorted(m for m, a in actions(plan).items() if a == "run") == ["app", "base", "lib", "tool"]


def test_affected_a_change_in_no_module_builds_nothing(tmp_path: Path):
    project = committed(tmp_path)
    (project / "docs" / "guide.md").write_text("guide, changed\n")
    _, plan = dry_run(project, "--affected", "--base", "HEAD")
    assert [a for a in actions(plan).values() if a == "run"] == []
    real, report = orchestrate(project, "--affected", "--base", "HEAD")
    assert real.returncode == 0, real.stderr
    assert report["total"] == 0 and report["status"] == "success"


def test_affected_unknown_ref_and_not_a_repository_are_clear_errors(tmp_path: Path):
    project = committed(tmp_path)
    run, report = orchestrate(project, "--affected", "--base", "no-such-ref")
    assert run.returncode == 1 and report is None
    assert "unknown git reference 'no-such-ref'" in run.stderr
    run, _ = orchestrate(project, "--affected", "--head", "also-missing")
    assert run.returncode == 1 and "also-missing" in run.stderr

    plain = project_with_sources(tmp_path / "plain")
    run, _ = orchestrate(plain, "--affected")
    assert run.returncode == 1
    assert "needs a git repository" in run.stderr
    assert not (plain / "base.pid").exists()


def test_base_without_affected_is_a_usage_error(tmp_path: Path):
    project = project_with_sources(tmp_path)
    run, _ = orchestrate(project, "--base", "HEAD")
    assert run.returncode == 64, run.stderr
    assert "--affected" in run.stderr
