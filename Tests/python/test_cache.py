"""python/cache.py: the Python face of pb_cache, as functions and as a script."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[2] / "python"
sys.path.insert(0, str(PYTHON_DIR))

import _planbuild  # noqa: E402
import cache  # noqa: E402
import orchestrate  # noqa: E402


def project_with_cache(tmp_path: Path) -> Path:
    (tmp_path / ".plan" / "project-architecture").mkdir(parents=True)
    (tmp_path / "lib" / "src").mkdir(parents=True)
    (tmp_path / "lib" / "src" / "L.txt").write_text("lib")
    (tmp_path / ".plan" / "project-architecture" / "derived-data.json").write_text(json.dumps({"modules": {
        "lib": {"name": "lib", "paths": {"module": "lib", "sources": ["lib/src"]}, "commands": {"verify": "true"}}}}))
    report = orchestrate.run_many("verify", project_dir=tmp_path)
    assert report["builds"][0]["status"] == "success"
    assert orchestrate.run_many("verify", project_dir=tmp_path)["builds"][0]["status"] == "cached"
    assert orchestrate.run_many("verify", project_dir=tmp_path, cache=False)["builds"][0]["status"] == "success"
    return tmp_path


def test_functions_answer_from_the_library(tmp_path):
    project = project_with_cache(tmp_path)
    assert cache.cache_stats(project)["entries"] == 1
    assert [e["module"] for e in cache.cache_list(project)["entries"]] == ["lib"]
    assert cache.cache_explain("lib", project_dir=project)["decision"] == "cached"
    assert cache.cache_clear(module="lib", project_dir=project)["cleared"] == 1
    assert cache.cache_stats(project)["entries"] == 0
    assert cache.cache_explain("lib", project_dir=project)["cache_miss"]["reason"] == "no_record"


def test_unknown_module_and_bad_action_are_errors(tmp_path):
    project = project_with_cache(tmp_path)
    with pytest.raises(_planbuild.PlanBuildError) as raised:
        cache.cache_explain("nope", project_dir=project)
    assert raised.value.error == "unknown_module"
    reply = _planbuild.call("pb_cache", {"project_dir": str(project), "action": "shred"})
    assert reply["error"] == "invalid_request" and "action" in reply["message"]
    reply = _planbuild.call("pb_cache", {"project_dir": str(project)})
    assert reply["error"] == "invalid_request"


def test_script_prints_toon_and_json(tmp_path):
    project = project_with_cache(tmp_path)
    script = [sys.executable, str(PYTHON_DIR / "cache.py"), "--project-dir", str(project)]
    toon = subprocess.run(script + ["stats"], capture_output=True, text=True)
    assert toon.returncode == 0, toon.stderr
    assert "entries\t1" in toon.stdout.splitlines()
    listed = subprocess.run(script + ["list", "--format", "json"], capture_output=True, text=True)
    assert json.loads(listed.stdout)["entries"][0]["module"] == "lib"
    missing = subprocess.run(script + ["explain"], capture_output=True, text=True)
    assert missing.returncode == 2 and "--module" in missing.stderr
    help_text = subprocess.run(script[:2] + ["--help"], capture_output=True, text=True)
    assert help_text.returncode == 0 and "explain" in help_text.stdout


def test_records_with_numbers_out_of_range_are_unreadable_not_fatal(tmp_path):
    project = project_with_cache(tmp_path)
    record_path = project / ".plan" / "build-cache" / "lib" / "verify.json"
    record = json.loads(record_path.read_text())
    record["recorded_at"] = -9223372036854775808
    record["duration_ms"] = 9223372036854775807
    record_path.write_text(json.dumps(record))
    stats = project / ".plan" / "build-cache" / "stats.json"
    stats.write_text(json.dumps({"version": 1, "total": {"hits": -1}}))
    listed = cache.cache_list(project)
    assert listed["entries"] == [] and len(listed["unreadable"]) == 1
    answer = cache.cache_stats(project)
    assert answer["entries"] == 0 and answer["total"]["hits"] == 0
    assert len(answer["cache_warnings"]) == 1 and "stats.json" in answer["cache_warnings"][0]
    report = orchestrate.run_many("verify", project_dir=project)
    assert report["builds"][0]["status"] == "success"
    assert len(report["cache_warnings"]) == 2  # the record and stats.json, once each
    assert orchestrate.run_many("verify", project_dir=project)["builds"][0]["status"] == "cached"


def test_clearing_unlinks_links_and_keeps_what_they_point_to(tmp_path):
    project = project_with_cache(tmp_path)
    folder = project / ".plan" / "build-cache"
    (folder / "root").symlink_to("../..")
    (folder / "lib" / "src").symlink_to(project / "lib" / "src")
    assert cache.cache_clear(project_dir=project)["cleared"] == 1
    assert (project / "lib" / "src" / "L.txt").read_text() == "lib"
    assert (project / ".plan" / "project-architecture" / "derived-data.json").is_file()
    assert not (folder / "root").exists() and not (folder / "lib").exists()
