"""Two orchestrations at once on one project, ten times over: the build cache,
stats.json and run-configuration.json stay valid, and every record names a log of the build it
records. Modules are shell scripts (the brief allows a script where timing is the subject) with
real input files, which each round changes in part."""
import json
import random
import subprocess
from pathlib import Path

from orchestration_support import PLANBUILD

MODULES = ["alpha", "beta", "gamma", "delta"]


def make(root: Path) -> Path:
    (root / ".plan" / "project-architecture").mkdir(parents=True)
    modules = {}
    for index, name in enumerate(MODULES):
        (root / name / "src").mkdir(parents=True)
        (root / name / "src" / "input.txt").write_text("0\n")
        script = root / f"build-{name}.sh"
        script.write_text(f"#!/bin/sh\necho building {name} $(cat '{root}/{name}/src/input.txt')\nsleep 0.3\n")
        script.chmod(0o755)
        modules[name] = {"name": name, "paths": {"module": name, "sources": [f"{name}/src"]},
                         "dependencies": MODULES[:index][-1:], "commands": {"verify": str(script)}}
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(json.dumps({"modules": modules}))
    return root


def test_two_orchestrations_at_once_keep_the_cache_consistent(tmp_path: Path):
    project = make(tmp_path / "project")
    rng = random.Random(8)
    for round_number in range(1, 11):
        for name in rng.sample(MODULES, 2):
            (project / name / "src" / "input.txt").write_text(f"{round_number}\n")
        runs = [subprocess.Popen([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                                  "--format", "json", "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            report = json.loads(out)
            assert {b["status"] for b in report["builds"]} <= {"success", "cached"}
            assert "cache_warnings" not in report, report["cache_warnings"]
        json.loads((project / ".plan" / "run-configuration.json").read_text())
        stats = json.loads((project / ".plan" / "build-cache" / "stats.json").read_text())
        assert stats["total"]["hits"] + stats["total"]["misses"] == 2 * len(MODULES) * round_number
        for name in MODULES:
            record = json.loads((project / ".plan" / "build-cache" / name / "verify.json").read_text())
            current = (project / name / "src" / "input.txt").read_text().strip()
            assert Path(record["log_file"]).read_text().startswith(f"building {name} {current}\n"), (name, round_number)
            assert not list((project / ".plan" / "build-cache" / name).glob("*.tmp-*"))
