"""A build that outlives its timeout: status `timeout`, and its whole process tree is gone."""
import json
import time
from pathlib import Path

from conftest import install_executor, run_script
from process_support import process_alive as alive

WRAPPER = """#!/bin/sh
# Starts a grandchild that would outlive us, then hangs.
sleep 300 &
echo $! > "$(dirname "$0")/grandchild.pid"
echo $$ > "$(dirname "$0")/wrapper.pid"
echo "building forever"
sleep 300
"""


def test_timeout_kills_the_whole_tree(tmp_path: Path):
    project = tmp_path / "hang"
    (project / ".plan").mkdir(parents=True)
    (project / ".plan" / "run-configuration.json").write_text(json.dumps(
        {"version": 1, "timeout_policy": {"minimum_seconds": 1}, "commands": {}, "keep": {"me": True}}))
    wrapper = project / "mvnw"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)
    install_executor(project)

    started = time.monotonic()
    run = run_script(project, "pm-dev-java:plan-marshall-plugin:maven", "run", "--commandArgs", "verify",
                     "--timeout", "2", "--format", "json", timeout=60)
    elapsed = time.monotonic() - started
    result = json.loads(run.stdout)
    assert run.returncode == 1
    assert result["status"] == "timeout"
    assert result["exit_code"] == -1
    assert result["error"] == "timeout"
    assert result["timeout_used_seconds"] == 2
    assert result["wrapper"] == "./mvnw"
    assert elapsed < 8, elapsed

    for name in ("wrapper.pid", "grandchild.pid"):
        pid = int((project / name).read_text())
        deadline = time.monotonic() + 2
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid), f"{name} {pid} survived the timeout"

    assert "building forever" in Path(result["log_file"]).read_text()
    config = json.loads((project / ".plan" / "run-configuration.json").read_text())
    # The timed-out build learned its timeout (raised so that int(learned × 1.25) exceeds 2),
    # so the next run gets more time.
    assert config["commands"]["maven:verify"]["timeout_seconds"] == 3
    assert config["keep"] == {"me": True}
    assert config["timeout_policy"] == {"minimum_seconds": 1}
