"""Peak resident memory and wall time of one child process, shared by the benchmarks."""
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

TIME = "/usr/bin/time"


def run_measured(command):
    """Runs command; returns (wall seconds, peak RSS in MiB of that child alone, exit code, stdout, stderr).

    The peak RSS comes from `/usr/bin/time -f %M` (apt-get install -y time): os.wait4 on a child
    of this Python process is not enough, because the kernel carries the forking process's peak
    into the child's ru_maxrss across exec (Python's own ~20 MB would be reported for grep too).
    /usr/bin/time is small, so the figure it reads for its child is the child's own."""
    with tempfile.NamedTemporaryFile(prefix="planbuild-bench-rss-") as rss_file:
        timed = [TIME, "-f", "%M", "-o", rss_file.name] + command if os.access(TIME, os.X_OK) else command
        started = time.perf_counter()
        child = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout, stderr = child.communicate()
        elapsed = time.perf_counter() - started
        if timed is command:
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # an upper bound only (see above)
            rss_kib = usage.ru_maxrss
        else:
            lines = [line for line in Path(rss_file.name).read_text().split() if line.isdigit()]
            rss_kib = int(lines[-1]) if lines else 0
    return elapsed, rss_kib / 1024.0, child.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace")
