"""bin/planbuild through a symbolic link on PATH, and `planbuild --version`."""
import os
import re
import subprocess

from orchestration_support import PLANBUILD
from cli_support import planbuild


def test_the_launcher_works_through_a_symbolic_link_and_has_a_version(tmp_path):
    link = tmp_path / "bin" / "planbuild"
    link.parent.mkdir()
    link.symlink_to(PLANBUILD)
    through_path = subprocess.run(["planbuild", "--version"], capture_output=True, text=True,
                                  env={**os.environ, "PATH": f"{link.parent}:{os.environ['PATH']}"})
    assert through_path.returncode == 0, through_path.stderr
    version = planbuild("--version")
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", version.stdout) and through_path.stdout == version.stdout
