"""Projects of fake modules for the orchestration tests: each module's command is a small shell
script with a known duration and outcome (timing is what these tests shape, so a script stands
in for a build tool here; the real-Maven test uses the real example)."""
import json
import subprocess
from pathlib import Path

from process_support import process_alive

REPO = Path(__file__).resolve().parents[2]
PLANBUILD = REPO / "bin" / "planbuild"


def make_project(root: Path, modules: dict) -> Path:
    """modules: name → {"sleep": seconds, "exit": code, "deps": [names], "grandchild": bool}."""
    (root / ".plan" / "project-architecture").mkdir(parents=True, exist_ok=True)
    entries = {}
    for name, spec in modules.items():
        script = root / f"build-{name}.sh"
        lines = ["#!/bin/sh"]
        if spec.get("grandchild"):
            lines += ["sleep 300 &", f"echo $! > '{root}/{name}.grandchild.pid'"]
        lines += [f"echo $$ > '{root}/{name}.pid'", f"echo building {name}", f"sleep {spec.get('sleep', 0)}",
                  f"exit {spec.get('exit', 0)}"]
        script.write_text("\n".join(lines) + "\n")
        script.chmod(0o755)
        entries[name] = {"name": name, "paths": {"module": name}, "dependencies": spec.get("deps", []),
                         "commands": {"verify": str(script)}}
    (root / ".plan" / "project-architecture" / "derived-data.json").write_text(
        json.dumps({"project": {"name": root.name}, "modules": entries}))
    return root


def orchestrate(project: Path, *args: str, timeout: float = 120):
    run = subprocess.run([str(PLANBUILD), "orchestrate", "--project-dir", str(project), "--command", "verify",
                          "--format", "json", *args], capture_output=True, text=True, timeout=timeout)
    return run, (json.loads(run.stdout) if run.stdout.strip().startswith("{") else None)


def max_overlap(builds) -> int:
    points = []
    for build in builds:
        if build["started_ms"] is not None:
            points.append((build["started_ms"], 1))
            points.append((build["finished_ms"], -1))
    current = peak = 0
    for _, delta in sorted(points, key=lambda p: (p[0], p[1])):
        current += delta
        peak = max(peak, current)
    return peak


alive = process_alive  # the name the orchestration tests use
