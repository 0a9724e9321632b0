"""Runs `planbuild orchestrate` under a real pseudo-terminal (Python's pty) and records what it
writes, with the time each piece arrived, so a test can look at the screen at two moments."""
import fcntl
import json
import os
import pty
import re
import select
import struct
import termios
import time
from pathlib import Path

from orchestration_support import PLANBUILD


class TerminalRun:
    def __init__(self, project: Path, *args: str, env: dict | None = None, columns: int = 120, rows: int = 30):
        environment = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR")}
        environment["TERM"] = "xterm-256color"
        environment.update(env or {})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: planbuild on the terminal's slave side
            os.execve(str(PLANBUILD), [str(PLANBUILD), "orchestrate", "--project-dir", str(project),
                                       "--command", "verify", *args], environment)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.chunks: list[tuple[float, bytes]] = []
        self.started = time.monotonic()
        self.status = None

    def read_for(self, seconds: float) -> None:
        """Collects output for `seconds` (or until the process closes the terminal)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.status is None:
            ready, _, _ = select.select([self.fd], [], [], min(0.05, max(0, deadline - time.monotonic())))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    data = b""
                if not data:
                    self.wait()
                    return
                self.chunks.append((time.monotonic(), data))

    def read_to_end(self, timeout: float = 60) -> int:
        self.read_for(timeout)
        return self.wait()

    def wait(self) -> int:
        if self.status is None:
            _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)
            os.close(self.fd)
        return self.status

    @property
    def output(self) -> bytes:
        return b"".join(data for _, data in self.chunks)

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def live_block(self) -> list[str]:
        """The live block as it stands now: what was drawn after the last clear-to-end (ESC [J)."""
        last = self.text.rsplit("\x1b[J", 1)[-1]
        return [strip_colour(line) for line in last.replace("\r", "").split("\n") if line]


def strip_colour(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def written_lines(text: str) -> list[str]:
    """Every line written, with all escape sequences and carriage returns taken out."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "").split("\n")


def learn(project: Path, durations: dict) -> None:
    """Writes learned durations, as earlier runs would have left them in run-configuration.json."""
    path = project / ".plan" / "run-configuration.json"
    path.write_text(json.dumps({"version": 1, "commands": {
        f"command:verify@{module}": {"timeout_seconds": seconds} for module, seconds in durations.items()}}))
