"""Copies of folders of this checkout (the examples, the fixture projects, the Python shims) made of
the files git tracks, and only those: a test never sees what an earlier run left beside them (the
demo's build cache, target/, node_modules/, an installed executor, a learned run-configuration.json,
a library copied into python/). Each file is copied as the work tree has it, so a changed tracked file
is tested as changed; a new file is seen once it is added (`git add`), as a commit would have it."""
import functools
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@functools.lru_cache(maxsize=None)
def tracked_files(folder: Path) -> tuple:
    """The paths, relative to FOLDER (a folder of this checkout), of the files git tracks under it."""
    relative = folder.resolve().relative_to(REPO)
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--full-name", "--", str(relative)],
                            capture_output=True)
    if listed.returncode != 0:
        raise RuntimeError(f"the tests copy the files git tracks, and `git ls-files` failed in {REPO} "
                           f"(run the tests from a git clone): {listed.stderr.decode(errors='replace').strip()}")
    names = [name for name in listed.stdout.decode().split("\0") if name]
    if not names:
        raise RuntimeError(f"git tracks no file under {relative}")
    return tuple(os.path.relpath(name, relative) for name in names)


def copy_tracked(source: Path, target: Path) -> Path:
    """TARGET, a new folder holding the tracked files of SOURCE (modes kept, links copied as links)."""
    target.mkdir(parents=True, exist_ok=False)
    for name in tracked_files(Path(source)):
        origin = Path(source) / name
        if not os.path.lexists(origin):  # deleted in the work tree, not yet committed
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, destination, follow_symlinks=False)
    return target
