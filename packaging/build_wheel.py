#!/usr/bin/env python3
"""Assembles PlanBuild's wheel from the release build (scripts/package runs this; see its header).

The wheel is put together here, file by file, rather than by a PEP 517 backend: everything in it is
already built (SwiftPM made the ELF files), and what a backend would add — compiling, guessing a
platform tag — is exactly what must not happen. This script decides the tag from the ELF files
themselves, vendors the Swift runtime the way auditwheel vendors libraries, and writes the zip,
RECORD and metadata the wheel format (PEP 427) asks for. Standard library only.

Layout inside the wheel (``site-packages/`` after ``pip install``):

    planbuild/__init__.py, _console.py, __main__.py   the package (python/planbuild/)
    planbuild/python/                                  the drop-in modules and scripts (python/*.py)
    planbuild/include/planbuild.h                      the C header
    planbuild/lib/                                     libplanbuild.so, its plugins, planbuild-cli,
                                                       planbuild-supervisor, the Swift runtime
    planbuild/lib/pkgconfig/planbuild.pc               relocatable (${pcfiledir})
    planbuild.pth                                      puts planbuild/python on sys.path
    planbuild-VERSION.dist-info/                       METADATA, WHEEL, entry_points.txt, RECORD,
                                                       licenses/ of the vendored runtime and packages
"""
import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VERSION_HEADER = REPO / "Sources" / "CPlanBuildSupport" / "include" / "planbuild_version.h"
SUMMARY = "PlanBuild: run and read Maven, Gradle, npm and Python builds for .plan projects"

# Built by SwiftPM (scripts/setup): the library, its plugins, the command line and the supervisor.
OWN_ELF_FILES = ("libplanbuild.so", "libplanbuild-remote.so", "planbuild-cli",
                 "planbuild-supervisor")

# What every glibc distribution provides and a manylinux wheel may link without carrying it
# (the manylinux policy's list, as far as these files use it).
SYSTEM_LIBRARIES = {"libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "libutil.so.1",
                    "libresolv.so.2", "libgcc_s.so.1", "libstdc++.so.6", "ld-linux-x86-64.so.2"}

# Linked from the system on purpose, not carried: the remote cache's plugin uses the machine's
# libcurl (its TLS library, CA certificates and security updates belong to the system; see README).
# The plugin is loaded only when a remote cache is configured. The build cache's SHA-256 comes from
# the system's Nettle (libnettle.so.8, GnuTLS's crypto library), opened with dlopen on first use,
# so no file names it.
SYSTEM_BY_CHOICE = {"libplanbuild-remote.so": {"libcurl.so.4"}}

# Folders whose libraries are the system's: anything a file resolves outside them is vendored.
SYSTEM_FOLDERS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")


class PackagingError(Exception):
    """A reason the wheel cannot be built, for a person."""


def run(*command, **kwargs) -> str:
    completed = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    if completed.returncode != 0:
        raise PackagingError(f"`{' '.join(map(str, command))}` failed: {completed.stderr.strip()}")
    return completed.stdout


def source_version() -> str:
    """PLANBUILD_VERSION of the version header, the one place the version is written."""
    found = re.search(r'^#define PLANBUILD_VERSION "([0-9A-Za-z.+-]+)"$', VERSION_HEADER.read_text(), re.M)
    if not found:
        raise PackagingError(f"no `#define PLANBUILD_VERSION \"…\"` line in {VERSION_HEADER}")
    return found.group(1)


def built_versions(build: Path) -> dict:
    """What the built program and library say their version is."""
    cli = run(build / "planbuild-cli", "--version").strip()
    library = run(sys.executable, "-c", "import ctypes, sys; f = ctypes.CDLL(sys.argv[1]).pb_version; "
                  "f.restype = ctypes.c_char_p; print(f().decode())", build / "libplanbuild.so").strip()
    return {"planbuild-cli --version": cli, "libplanbuild.so pb_version()": library}


def is_elf(path: Path) -> bool:
    if not path.is_file():
        return False
    with open(path, "rb") as handle:
        return handle.read(4) == b"\x7fELF"


def needed(path: Path) -> list:
    """The DT_NEEDED entries of an ELF file (empty for a static executable)."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run("readelf", "-dW", path))


def resolved(path: Path) -> dict:
    """name → path of every library the dynamic linker loads for PATH (ldd), transitively."""
    output = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
    return dict(re.findall(r"^\s*(\S+) => (/\S+) \(0x", output, re.M))


def vendor_runtime(lib: Path) -> list:
    """Copies beside the files of LIB every library they load from outside the system's folders
    (the Swift runtime of the toolchain), as they are: they already look for each other through
    $ORIGIN. Returns the names copied."""
    copied = []
    for path in sorted(lib.iterdir()):
        if not is_elf(path):
            continue
        for name, location in resolved(path).items():
            if location.startswith(SYSTEM_FOLDERS) or (lib / name).exists():
                continue
            shutil.copy2(location, lib / name)
            os.chmod(lib / name, 0o755)
            copied.append(name)
    return sorted(copied)


def check_dependencies(lib: Path) -> None:
    """Each file links only what the wheel carries, what the manylinux policy lets it take from
    the system, and libcurl for the remote plugin."""
    carried = {path.name for path in lib.iterdir()}
    for path in sorted(lib.iterdir()):
        if not is_elf(path):
            continue
        allowed = carried | SYSTEM_LIBRARIES | SYSTEM_BY_CHOICE.get(path.name, set())
        stray = sorted(set(needed(path)) - allowed)
        if stray:
            raise PackagingError(f"{path.name} links {', '.join(stray)}, which the wheel neither carries nor may "
                                 "take from the system")


def symbol_versions(lib: Path, prefix: str) -> set:
    """The (major, minor[, patch]) of every PREFIX_x.y version any dynamic ELF file of LIB needs."""
    versions = set()
    for path in sorted(lib.iterdir()):
        if not is_elf(path) or not needed(path):
            continue  # a static executable needs no symbol of the system
        for text in re.findall(rf"\b{prefix}_([0-9]+(?:\.[0-9]+)+)\b", run("objdump", "-T", path)):
            versions.add(tuple(int(part) for part in text.split(".")))
    return versions


def platform_tag(lib: Path) -> str:
    """manylinux_2_N_x86_64 for the newest glibc symbol version any file needs."""
    glibc = symbol_versions(lib, "GLIBC")
    if not glibc:
        raise PackagingError("no GLIBC symbol version found: objdump -T read nothing")
    major, minor = max(glibc)[:2]
    return f"manylinux_{major}_{minor}_x86_64"


def stage(build: Path, target: Path) -> None:
    """The files of the wheel under TARGET, as they will lie in site-packages."""
    package = target / "planbuild"
    # The C package (header, library, plugins, supervisor, planbuild.pc) as `install-dev` lays it out.
    run(build / "planbuild-cli", "install-dev", "--prefix", package, "--relocatable")
    lib = package / "lib"
    shutil.copy2(build / "planbuild-cli", lib / "planbuild-cli")
    for name in OWN_ELF_FILES:
        # Debug symbols are most of their size (the CLI: 46 MB, 20 MB without); the exports stay.
        run("strip", "--strip-all", lib / name)
    for name in vendor_runtime(lib):
        print(f"package: vendored {name}")
    for path in sorted(lib.iterdir()):
        # The build's RUNPATH names the toolchain (/opt/swift/…); the wheel's runtime lies beside.
        if is_elf(path) and needed(path) and path.name in OWN_ELF_FILES:
            run("patchelf", "--set-rpath", "$ORIGIN", path)
    check_dependencies(lib)

    for source in sorted((REPO / "python" / "planbuild").glob("*.py")):
        shutil.copy2(source, package / source.name)
    shims = package / "python"
    shims.mkdir()
    for source in sorted((REPO / "python").iterdir()):
        if source.is_file() and (source.suffix == ".py" or source.name == "executor_template.py.txt"):
            shutil.copy2(source, shims / source.name)
    (target / "planbuild.pth").write_text("planbuild/python\n")


def licenses() -> dict:
    """name in dist-info/licenses → file: the licenses of what the wheel carries built in."""
    found = {"swift-runtime-LICENSE.txt": Path("/opt/swift/usr/share/swift/LICENSE.txt")}
    for checkout in sorted((REPO / ".build" / "checkouts").glob("*")):
        for name in ("LICENSE.txt", "LICENSE"):
            if (checkout / name).is_file():
                found[f"{checkout.name}-{name}"] = checkout / name
                break
    return {name: path for name, path in found.items() if path.is_file()}


def metadata(version: str) -> str:
    return "\n".join([
        "Metadata-Version: 2.1",
        "Name: planbuild",
        f"Version: {version}",
        f"Summary: {SUMMARY}",
        "Platform: linux",
        # Only the remote build cache's plugin needs it, and only when a remote cache is configured.
        "Requires-External: libcurl",
        # The build cache's SHA-256, opened when a cache is first used.
        "Requires-External: libnettle (Nettle 3)",
        "",
        "Needs glibc and libstdc++ as the wheel's tag says; the system's Nettle 3 libnettle.so.8 for the",
        "build cache (Debian/Ubuntu libnettle8, Fedora/RHEL nettle: GnuTLS needs it), and its libcurl.so.4 for the",
        "remote build cache alone (Debian/Ubuntu libcurl4, Fedora/RHEL libcurl).",
        "",
        "PlanBuild's engine (libplanbuild.so) with its command line (`planbuild`), the Python drop-in",
        "modules, and the C package (`planbuild install-dev --prefix DIR`, or",
        "`PKG_CONFIG_PATH=$(planbuild --print-prefix)/lib/pkgconfig pkg-config --cflags --libs planbuild`).",
        "",
    ])


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(target: Path, out: Path, version: str, tag: str) -> Path:
    """The zip: every file of TARGET, then the dist-info folder with RECORD last."""
    dist_info = f"planbuild-{version}.dist-info"
    wheel = out / f"planbuild-{version}-py3-none-{tag}.whl"
    entries = []
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        executable = os.access(path, os.X_OK) and is_elf(path)
        entries.append((path.relative_to(target).as_posix(), path.read_bytes(), 0o755 if executable else 0o644))
    for name, path in licenses().items():
        entries.append((f"{dist_info}/licenses/{name}", path.read_bytes(), 0o644))
    entries += [
        (f"{dist_info}/METADATA", metadata(version).encode(), 0o644),
        (f"{dist_info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: PlanBuild scripts/package\n"
                                f"Root-Is-Purelib: false\nTag: py3-none-{tag}\n").encode(), 0o644),
        (f"{dist_info}/entry_points.txt", b"[console_scripts]\nplanbuild = planbuild._console:main\n", 0o644),
        (f"{dist_info}/top_level.txt", b"planbuild\n", 0o644),
    ]
    record = [record_line(name, data) for name, data, _ in entries] + [f"{dist_info}/RECORD,,"]
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode(), 0o644))
    out.mkdir(parents=True, exist_ok=True)
    partial = wheel.with_suffix(".partial")
    # One fixed time stamp: the same build gives the same bytes.
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name, stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(partial, wheel)
    return wheel


def group_of(name: str) -> str:
    """The part of the wheel a file belongs to, for the report of what the wheel holds."""
    base = name.rsplit("/", 1)[-1]
    if name.startswith("planbuild/lib/") and base in OWN_ELF_FILES:
        return base
    if name.startswith("planbuild/lib/") and base.startswith("lib") and ".so" in base:
        return "Swift runtime (vendored)"
    if name.endswith(".py") or name.endswith(".py.txt"):
        return "Python package and drop-in modules"
    return "header, planbuild.pc, .pth, metadata, licenses"


def contents(wheel: Path) -> list:
    """(group, files, bytes unpacked, bytes in the wheel), largest first."""
    groups = {}
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            group = group_of(info.filename)
            count, size, packed = groups.get(group, (0, 0, 0))
            groups[group] = (count + 1, size + info.file_size, packed + info.compress_size)
    return sorted(((group, *numbers) for group, numbers in groups.items()), key=lambda row: -row[3])


def main() -> int:
    parser = argparse.ArgumentParser(description="Build PlanBuild's wheel from the release build.")
    parser.add_argument("--build-dir", type=Path, default=REPO / ".build" / "release")
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    args = parser.parse_args()
    build = args.build_dir.resolve()
    try:
        missing = [name for name in OWN_ELF_FILES if not (build / name).is_file()]
        if missing:
            raise PackagingError(f"{build} lacks {', '.join(missing)}: run `bash scripts/setup` first")
        if shutil.which("patchelf") is None:
            raise PackagingError("patchelf is missing: run `bash scripts/setup` (Debian's patchelf)")
        version = source_version()
        stale = {what: said for what, said in built_versions(build).items() if said != version}
        if stale:
            raise PackagingError(f"the release build is older than {VERSION_HEADER.name} ({version}): "
                                 + ", ".join(f"{what} says {said!r}" for what, said in stale.items())
                                 + "; run `bash scripts/setup`")
        with tempfile.TemporaryDirectory(prefix="planbuild-wheel-") as temporary:
            target = Path(temporary)
            stage(build, target)
            lib = target / "planbuild" / "lib"
            tag = platform_tag(lib)
            # The C++ runtime the Swift runtime links is the system's too: its newest versions
            # must be there wherever glibc of the tag is (GCC 12's libstdc++ with glibc 2.36).
            needs = {name: max(symbol_versions(lib, name), default=None) for name in ("GLIBCXX", "CXXABI", "GCC")}
            wheel = write_wheel(target, args.out.resolve(), version, tag)
    except PackagingError as error:
        print(f"package: error: {error}", file=sys.stderr)
        return 1
    print(f"package: {wheel} ({wheel.stat().st_size / 1e6:.1f} MB)")
    print("package: needs of the system beyond glibc: "
          + ", ".join(f"{name}_{'.'.join(map(str, found))}" for name, found in needs.items() if found))
    for group, count, size, packed in contents(wheel):
        print(f"  {packed / 1e6:6.2f} MB packed {size / 1e6:6.2f} MB unpacked  {count:3d} files  {group}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
