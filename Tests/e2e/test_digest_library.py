"""The build cache's SHA-256 comes from the system's Nettle (libnettle.so.8), opened on first use:
the same digests as any SHA-256 tool, and a clear error (not a crash) when the library is missing
or is not Nettle's."""
import hashlib
import json
import os

from cli_support import planbuild, with_input


def test_input_digests_are_sha256_of_the_files(project):
    with_input(project, "core")
    assert planbuild("orchestrate", "--command", "verify", "--module", "core", "--project-dir", project).returncode == 0
    manifest = (project / ".plan" / "build-cache" / "core" / "verify.manifest").read_text()
    expected = hashlib.sha256(b"source\n").hexdigest()
    assert expected in manifest, manifest[:500]


def test_a_missing_or_wrong_library_is_a_clear_error(project):
    with_input(project, "core")
    for library, reason in [("/nonexistent/libnettle.so.8", "cannot load /nonexistent/libnettle.so.8"),
                            ("libz.so.1", "libz.so.1 lacks nettle_sha256_init: Nettle 3's libnettle is needed")]:
        env = {**os.environ, "PLANBUILD_DIGEST_LIBRARY": library}
        explained = planbuild("cache", "explain", "--module", "core", "--project-dir", project, env=env)
        assert explained.returncode == 1, explained.stdout
        lines = explained.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: the build cache cannot compute SHA-256: {reason}"), lines
        run = planbuild("orchestrate", "--command", "verify", "--module", "core", "--format", "json",
                        "--project-dir", project, env=env)
        report = json.loads(run.stdout)
        # The build still runs, without the cache, and says why once.
        assert report["status"] == "success", report
        assert any(reason in warning for warning in report.get("cache_warnings", [])), report
