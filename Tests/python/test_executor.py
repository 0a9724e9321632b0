"""execute-script.py / planbuild_executor: notations, --list, unknown notations, pass-through, template."""

import os
import subprocess
import sys

import planbuild_executor
from conftest import EXECUTE_SCRIPT, PYTHON, PYTHON_DIR, REPO, run, subprocess_env, write_tool

EXPECTED = {
    'pm-dev-java:plan-marshall-plugin:maven': 'maven.py',
    'pm-dev-java:plan-marshall-plugin:gradle': 'gradle.py',
    'pm-dev-frontend:plan-marshall-plugin:npm': 'npm.py',
    'plan-marshall:run-config:run_config': 'run_config.py',
    'plan-marshall:analyze-project-architecture:architecture': 'architecture.py',
}


def test_notations_name_existing_scripts():
    for notation, script in EXPECTED.items():
        assert planbuild_executor.NOTATIONS[notation] == script
        assert (PYTHON_DIR / script).is_file()
    assert planbuild_executor.NOTATIONS['plan-marshall:build-orchestrator:orchestrate'] == 'orchestrate.py'


def test_list(project):
    completed = run([EXECUTE_SCRIPT, '--list'], project)
    assert completed.returncode == 0
    listed = completed.stdout.split()
    assert set(EXPECTED) <= set(listed) and listed == sorted(listed)
    orchestrate = 'plan-marshall:build-orchestrator:orchestrate'
    assert (orchestrate in listed) == (PYTHON_DIR / 'orchestrate.py').is_file()


def test_unknown_notation(project):
    completed = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:mavn', 'run'], project)
    assert completed.returncode == 1 and completed.stdout == ''
    lines = completed.stderr.splitlines()
    assert lines[0] == 'SCRIPT_ERROR\tpm-dev-java:plan-marshall-plugin:mavn\t1\tUnknown notation'
    assert '  pm-dev-java:plan-marshall-plugin:maven' in lines
    assert lines.index('  pm-dev-java:plan-marshall-plugin:maven') < len(lines)


def test_unknown_notation_without_close_match_lists_known(project):
    completed = run([EXECUTE_SCRIPT, 'zzz'], project)
    assert completed.returncode == 1
    assert completed.stderr.startswith('SCRIPT_ERROR\tzzz\t1\tUnknown notation\n')
    assert '  plan-marshall:run-config:run_config' in completed.stderr.splitlines()


def test_no_arguments_prints_usage(project):
    completed = run([EXECUTE_SCRIPT], project)
    assert completed.returncode == 1 and 'Usage: execute-script.py' in completed.stderr


def test_passes_stdout_stderr_and_exit_code(project):
    write_tool(project, 'mvnw', '[INFO] fine\n', 0)
    ok = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:maven', 'run', '--commandArgs', 'verify'], project)
    assert ok.returncode == 0 and ok.stdout.startswith('status\tsuccess\n')
    assert ok.stderr == '[EXEC] ./mvnw verify\n'
    write_tool(project, 'mvnw', '[ERROR] broken\n', 3)
    failed = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:maven', 'run', '--commandArgs', 'verify'],
                 project)
    assert failed.returncode == 1 and failed.stdout.startswith('status\terror\nexit_code\t3\n')
    usage = run([EXECUTE_SCRIPT, 'pm-dev-java:plan-marshall-plugin:maven', 'run'], project)
    assert usage.returncode == 2 and 'required: --commandArgs' in usage.stderr


def test_trace_plan_id_is_stripped(project):
    completed = run([EXECUTE_SCRIPT, 'plan-marshall:run-config:run_config', 'timeout', 'get', '--trace-plan-id',
                     'p1', '--command', 'k', '--default', '200'], project)
    assert completed.returncode == 0 and completed.stdout == '200\n'


def test_main_in_process(project, capsys, monkeypatch):
    monkeypatch.chdir(project)
    argv = list(sys.argv)
    code = planbuild_executor.main(['plan-marshall:run-config:run_config', 'timeout', 'get', '--command', 'k',
                                    '--default', '130'])
    assert code == 0 and capsys.readouterr().out == '130\n'
    assert sys.argv == argv
    assert planbuild_executor.main(['nope']) == 1
    assert 'SCRIPT_ERROR\tnope\t1\tUnknown notation' in capsys.readouterr().err


def test_missing_script_of_a_known_notation(project, monkeypatch, capsys):
    monkeypatch.setitem(planbuild_executor.notations(), 'x:y:z', ('does_not_exist.py', 'spec'))
    assert planbuild_executor.main(['x:y:z']) == 1
    assert capsys.readouterr().err.startswith('SCRIPT_ERROR\tx:y:z\t1\tScript not found: ')
    assert 'x:y:z' not in planbuild_executor.available()


def test_script_exit_codes(tmp_path, capsys):
    script = tmp_path / 'probe.py'
    script.write_text('import sys\nprint("out", sys.argv[1:])\nprint("err", file=sys.stderr)\n'
                      'sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1])\n')
    assert planbuild_executor.run_script(str(script), ['7']) == 7
    captured = capsys.readouterr()
    assert captured.out == "out ['7']\n" and captured.err == 'err\n'
    assert planbuild_executor.run_script(str(script), ['0']) == 0
    assert planbuild_executor.run_script(str(script), ['message']) == 1
    assert capsys.readouterr().err.endswith('message\n')
    broken = tmp_path / 'broken.py'
    broken.write_text('raise RuntimeError("bad")\n')
    assert planbuild_executor.run_script(str(broken), []) == 1
    assert 'SCRIPT_ERROR\tbroken.py\t1\tRuntimeError: bad' in capsys.readouterr().err


def test_repository_execute_script_is_tiny():
    text = EXECUTE_SCRIPT.read_text()
    assert 'from planbuild_executor import main' in text and len(text.splitlines()) < 25


def test_generated_executor_from_template(tmp_path, project):
    """The file `planbuild install-executor` writes: template with absolute paths filled in."""
    template = (PYTHON_DIR / 'executor_template.py.txt').read_text()
    assert '@SHIMS_DIR@' in template and '@LIBRARY@' in template
    import _planbuild
    library = next(path for path in _planbuild.candidates() if os.path.isfile(path))
    generated = project / '.plan' / 'execute-script.py'
    generated.parent.mkdir(parents=True)
    generated.write_text(template.replace('@SHIMS_DIR@', str(PYTHON_DIR)).replace('@LIBRARY@', library))
    write_tool(project, 'mvnw', '', 0)
    env = subprocess_env(PLANBUILD_LIBRARY=None)
    completed = run(['.plan/execute-script.py', 'pm-dev-java:plan-marshall-plugin:maven', 'run',
                     '--commandArgs', 'verify -pl core', '--format', 'json'], project, env)
    assert completed.returncode == 0, completed.stderr
    assert '"wrapper": "./mvnw"' in completed.stdout
    listed = run(['.plan/execute-script.py', '--list'], project, env)
    assert set(EXPECTED) <= set(listed.stdout.split())
    # the generated file works from any working directory and with a library path that does not exist
    broken = subprocess.run([PYTHON, str(generated), 'plan-marshall:run-config:run_config', 'timeout', 'get',
                             '--command', 'k', '--default', '1'], cwd=REPO, capture_output=True, text=True,
                            env=subprocess_env(PLANBUILD_LIBRARY=str(tmp_path / 'gone.so')))
    assert broken.returncode == 1 and 'libplanbuild.so not found' in broken.stderr
