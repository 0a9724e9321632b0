"""`--sarif`, `--junit` and `--trace` that cannot be written are refused before any build runs,
as `--events` is."""
import pytest

from cli_support import planbuild, ran


@pytest.mark.parametrize("option", ["--sarif", "--junit", "--trace"])
@pytest.mark.parametrize("where", ["missing-folder/out.file", "."])
def test_an_unwritable_export_is_refused_before_anything_runs(project, tmp_path, option, where):
    target = tmp_path / where
    run = planbuild("orchestrate", "--command", "verify", option, target, "--project-dir", project)
    assert run.returncode == 1
    assert run.stderr.startswith(f"error: cannot write {target}: ")
    assert len(run.stderr.splitlines()) == 1
    assert not any(ran(project, module) for module in ("core", "service", "backend"))
    assert list(tmp_path.glob("*.probe-*")) == []


def test_run_refuses_an_unwritable_sarif_before_the_build(project, tmp_path):
    run = planbuild("run", "--system", "maven", "--args", "verify", "--sarif", tmp_path / "no" / "s.json",
                    "--project-dir", project)
    assert run.returncode == 1 and "cannot write" in run.stderr
    assert not (project / ".plan" / "temp").exists()  # no log: no build started
