"""One build at a time runs in dependency order, not critical-path order."""
import json

from cli_support import planbuild
from orchestration_support import make_project


def test_sequential_stop_on_failure_runs_in_dependency_order(tmp_path):
    """`backend`, the longest learned build, fails: one at a time in dependency order, `core` and
    `service` (declared first) have run before it."""
    project = make_project(tmp_path / "p", {"core": {}, "service": {"deps": ["core"]}, "backend": {"exit": 1}})
    assert planbuild("timeout", "set", "--command", "command:verify@backend", "--duration", "900",
                     "--project-dir", project).returncode == 0
    run = planbuild("orchestrate", "--command", "verify", "--sequential", "--stop-on-failure", "--format", "json",
                    "--project-dir", project)
    report = json.loads(run.stdout)
    status = {b["module"]: b["status"] for b in report["builds"]}
    assert status == {"core": "success", "service": "success", "backend": "error"}, run.stdout
    started = sorted((b["started_ms"], b["module"]) for b in report["builds"])
    assert [module for _, module in started] == ["core", "service", "backend"]
