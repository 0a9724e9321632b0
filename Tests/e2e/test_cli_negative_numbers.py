"""Negative numbers are values with a clear range error, never an option or a silent zero."""
import pytest

from cli_support import error_line, planbuild, ran


@pytest.mark.parametrize("command", [["orchestrate", "--command", "verify"], ["run", "--system", "maven", "--args", "verify"]])
def test_a_negative_timeout_is_a_value_out_of_range(project, command):
    run = planbuild(*command, "--timeout", "-5", "--project-dir", project)
    # `run` takes the build scripts' option table, whose messages name the argument as argparse does.
    assert error_line(run) in ("Error: --timeout must be at least 1 second",
                               "Error: argument --timeout must be at least 1 second")
    assert not ran(project, "core") and not (project / ".plan" / "temp").exists()


def test_a_negative_duration_is_refused_and_nothing_is_learned(project):
    config = project / ".plan" / "run-configuration.json"
    run = planbuild("timeout", "set", "--command", "maven:verify", "--duration", "-3", "--project-dir", project)
    assert error_line(run) == "Error: --duration must be 0 seconds or more"
    assert not config.exists()
    jobs = planbuild("orchestrate", "--command", "verify", "--jobs", "-1", "--project-dir", project)
    assert error_line(jobs) == "Error: jobs must be 0 (unlimited) or more"
    watch = planbuild("watch", "--command", "verify", "--jobs", "-1", "--project-dir", project)
    assert error_line(watch) == "Error: jobs must be 0 (unlimited) or more"
    default = planbuild("timeout", "get", "--command", "maven:verify", "--default", "-1", "--project-dir", project)
    assert error_line(default) == "Error: --default must be at least 1 second"
