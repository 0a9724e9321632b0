"""A module or command the project does not have: one line with the closest name and every name
that exists, and nothing runs."""
import json

import pytest

from cli_support import planbuild, ran, with_input


@pytest.mark.parametrize("command, expected", [
    (["orchestrate", "--command", "verify", "--force", "nosuch"],
     "error: Module 'nosuch' not found. Available modules: core, service, backend"),
    (["orchestrate", "--command", "verify", "--module", "Backend"],
     "error: Module 'Backend' not found. Did you mean 'backend'? Available modules: core, service, backend"),
    (["orchestrate", "--command", "verify", "--force", "servce"],
     "error: Module 'servce' not found. Did you mean 'service'? Available modules: core, service, backend"),
    (["cache", "clear", "--module", "cor"],
     "error: Module 'cor' not found. Did you mean 'core'? Available modules: core, service, backend"),
    (["cache", "explain", "--module", "nosuch"],
     "error: Module 'nosuch' not found. Available modules: core, service, backend"),
    (["orchestrate", "--command", "verfy"],
     "error: Command 'verfy' not found in any module. Did you mean 'verify'? Available commands: verify"),
    (["resolve", "--command", "verfy", "--module", "core"],
     "error: Command 'verfy' not found for module 'core'. Did you mean 'verify'? Available commands: verify"),
])
def test_unknown_modules_and_commands_say_what_exists(project, command, expected):
    run = planbuild(*command, "--project-dir", project)
    assert run.returncode == 1
    assert run.stderr == expected + "\n"
    assert not any(ran(project, module) for module in ("core", "service", "backend"))


def test_a_module_the_cache_still_holds_can_be_cleared_after_it_left_the_project(project):
    with_input(project, "core")
    assert planbuild("orchestrate", "--command", "verify", "--module", "core", "--project-dir", project).returncode == 0
    data = json.loads((project / ".plan/project-architecture/derived-data.json").read_text())
    data["modules"]["kernel"] = {**data["modules"].pop("core"), "name": "kernel"}
    (project / ".plan/project-architecture/derived-data.json").write_text(json.dumps(data))
    cleared = planbuild("cache", "clear", "--module", "core", "--project-dir", project)
    assert cleared.returncode == 0, cleared.stderr
    assert "cleared\t1" in cleared.stdout
