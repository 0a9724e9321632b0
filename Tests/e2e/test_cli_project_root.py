"""Commands typed in a subfolder find the project as git finds its repository; a project directory
that does not exist is an error of every command, never created."""
import json

import pytest

from cli_support import planbuild, ran


def test_commands_from_a_subfolder_find_the_project_root(project):
    deeper = project / "service" / "src" / "deeper"
    deeper.mkdir(parents=True)
    resolved = planbuild("resolve", "--command", "verify", "--module", "core", cwd=deeper)
    assert resolved.returncode == 0, resolved.stderr
    assert "build-core.sh" in resolved.stdout
    graph = planbuild("graph", cwd=deeper)
    assert graph.returncode == 0 and "service\tcore\tdepends" in graph.stdout
    run = planbuild("orchestrate", "--command", "verify", "--module", "core", "--format", "json", cwd=deeper)
    assert run.returncode == 0, run.stderr
    assert ran(project, "core")
    assert json.loads(run.stdout)["builds"][0]["log_file"].startswith(str(project.resolve() / ".plan"))
    # Nothing of PlanBuild's is made in the folder the command was typed in.
    assert not (deeper / ".plan").exists() and not (project / "service" / ".plan").exists()


@pytest.mark.parametrize("command", [
    ["run", "--system", "maven", "--args", "verify"],
    ["orchestrate", "--command", "verify"],
    ["install-executor"],
    ["cache", "stats"],
    ["graph"],
    ["timeout", "set", "--command", "maven:verify", "--duration", "3"],
])
def test_a_project_dir_that_does_not_exist_is_an_error_and_never_created(tmp_path, command):
    missing = tmp_path / "no-such-project"
    run = planbuild(*command, "--project-dir", missing, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr == f"error: project directory '{missing}' does not exist\n"
    assert not missing.exists()
