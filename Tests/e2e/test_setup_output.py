"""What the README's first command shows while it sets up."""
import subprocess

from conftest import REPO


def test_setup_shows_the_swift_build_and_no_pip_root_warning():
    """The README's first command runs scripts/setup: SwiftPM's progress is shown for each product
    (not only its last line) and pip, run as root here, prints no warning about it."""
    run = subprocess.run(["bash", "scripts/setup"], cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    output = run.stdout + run.stderr
    products = (REPO / "scripts" / "setup").read_text().count("\nswift build -c release --product ")
    assert products >= 4 and output.count("Building for production...") == products
    assert "Running pip as the 'root' user" not in output
