"""The small things a person reads: help texts, plurals, cache answers in TOON with local times, the
log folders of npm and Python builds, the module graph."""
import json
import os
from datetime import datetime, timedelta, timezone

from cli_support import planbuild, with_input
from conftest import copy_example
from maven_example import chain


def test_help_texts_say_each_thing_once():
    assert "python" in planbuild("run", "--help").stdout
    timeout_get = planbuild("timeout", "get", "--help").stdout
    assert timeout_get.count("300") == 1 and "(default: 300)" in timeout_get


def test_one_module_is_one_module(project):
    run = planbuild("orchestrate", "--command", "verify", "--module", "core", "--project-dir", project)
    assert run.returncode == 0
    assert "orchestrating verify over 1 module (" in run.stderr


def test_cache_answers_are_toon_with_local_times(project):
    with_input(project, "core")
    assert planbuild("orchestrate", "--command", "verify", "--module", "core", "--project-dir", project).returncode == 0
    env = {**os.environ, "TZ": "PBT-2"}  # two hours east of UTC
    listed = planbuild("cache", "list", "--project-dir", project, env=env)
    recorded = json.loads(planbuild("cache", "list", "--format", "json", "--project-dir", project).stdout)["entries"][0]["recorded_at"]
    local = datetime.fromtimestamp(recorded, timezone(timedelta(hours=2))).isoformat()
    assert f"\t{local}\t" in listed.stdout and local.endswith("+02:00")
    stats = planbuild("cache", "stats", "--project-dir", project)
    assert stats.returncode == 0
    assert "{" not in stats.stdout and "\nremote:\n  last_run:\n    hits: 0\n" in stats.stdout


def test_engine_builds_log_under_their_module(tmp_path):
    """npm and Python builds that no argument routes to a module log under the module's folder."""
    project = tmp_path / "p"
    (project / ".plan" / "project-architecture").mkdir(parents=True)
    (project / "pw").write_text("#!/bin/sh\necho checked\n")
    (project / "pw").chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "npm").write_text("#!/bin/sh\necho npm ran\n")
    (tools / "npm").chmod(0o755)
    script = "python3 .plan/execute-script.py"
    modules = {
        "inventory": {"name": "inventory", "build_systems": ["python"], "paths": {"module": "."},
                      "commands": {"verify": f"{script} plan-marshall:build-pyproject:pyproject_build run --command-args verify"}},
        "web": {"name": "web", "build_systems": ["npm"], "paths": {"module": "packages/web"},
                "commands": {"verify": f"{script} plan-marshall:build-npm:npm run --command-args \"run test\" --working-dir packages/web"}},
    }
    (project / "packages" / "web").mkdir(parents=True)
    (project / ".plan/project-architecture/derived-data.json").write_text(json.dumps({"modules": modules}))
    run = planbuild("orchestrate", "--command", "verify", "--module", "inventory", "--module", "web", "--no-cache",
                    "--format", "json", "--project-dir", project,
                    env={**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"})
    report = json.loads(run.stdout)
    logs = {b["module"]: b["log_file"] for b in report["builds"]}
    output = (project / ".plan" / "temp" / "build-output").resolve()
    assert logs["inventory"].startswith(f"{output}/inventory/python-"), run.stdout
    assert logs["web"].startswith(f"{output}/web/npm-"), run.stdout


def test_graph_labels_systems_shows_the_aggregator_and_names_each_target_once(tmp_path):
    polyglot = copy_example("polyglot", tmp_path / "polyglot")
    toon = planbuild("graph", "--project-dir", polyglot).stdout
    assert "modules[4]{name,build_systems}:\n  polyglot\tmaven,npm\n  backend\tmaven\n  frontend\tnpm\n  analytics\tpython\n" in toon
    assert "  polyglot\tbackend\taggregates\t-\n  polyglot\tfrontend\taggregates\t-\n" in toon
    assert "  frontend\tbackend\tdepends\t-\n" in toon
    dot = planbuild("graph", "--format", "dot", "--project-dir", polyglot).stdout
    assert '"analytics" [label="analytics\\npython"];' in dot
    assert '"polyglot" -> "frontend" [style=dashed];' in dot
    maven = copy_example("maven-multi", tmp_path / "maven-multi")
    chain(maven)
    chained = planbuild("graph", "--format", "dot", "--project-dir", maven).stdout
    assert '"service" -> "core" [label="compile"];' in chained
    assert "com.example.planbuild:core" not in chained
    as_json = json.loads(planbuild("graph", "--format", "json", "--project-dir", maven).stdout)
    assert as_json["aggregator"] == "maven-multi" and as_json["build_systems"]["core"] == ["maven"]
    assert as_json["edges"][0]["declared"] == "com.example.planbuild:core:compile"
