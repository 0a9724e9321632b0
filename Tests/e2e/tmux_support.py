"""A real terminal for the display tests: a tmux server of the test's own (its socket in the
test's temporary folder), one window running a command, what the window shows read with
capture-pane. tmux re-wraps lines when its window is resized, as terminals do, so a test sees
what a person would after shrinking a window."""
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path


class TmuxWindow:
    def __init__(self, folder: Path, command: list[str], columns: int = 120, rows: int = 30, env: dict | None = None):
        # A server of its own per window: a folder of its own for its socket and exit file.
        folder = Path(tempfile.mkdtemp(prefix="tmux-", dir=folder))
        self.socket = folder / "tmux.sock"
        self.done = folder / "tmux.exit"
        environment = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR", "TMUX")}
        environment["TERM"] = "xterm-256color"
        environment.update(env or {})
        exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in environment.items() if key.isidentifier())
        # The window stays open after the command ends (its screen is read then); the exit code goes to a file.
        # The shell outlives a Ctrl-C sent to the window (a trap, which the command does not inherit).
        # The window's shell inherits the tmux server's environment, which is the test's (CI=true in
        # CI): what the command must not see is unset there, not only left out of the exports.
        script = (f"unset CI NO_COLOR; export {exports}; trap true INT; {shlex.join(command)}; "
                  f"echo $? > {shlex.quote(str(self.done))}; sleep 600")
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(columns), "-y", str(rows), "sh", "-c", script)
        self.tmux("set-option", "-g", "window-size", "manual")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.socket), *args], check=True, capture_output=True, text=True).stdout

    def screen(self) -> list[str]:
        """The lines the window shows now (trailing blank lines left out)."""
        lines = self.tmux("capture-pane", "-p", "-J").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def history(self) -> list[str]:
        """Every line, scrolled off or on screen."""
        lines = self.tmux("capture-pane", "-p", "-S", "-", "-E", "-").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def resize(self, columns: int, rows: int = 30) -> None:
        self.tmux("resize-window", "-x", str(columns), "-y", str(rows))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def wait_exit(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.done.exists() and self.done.read_text().strip():
                time.sleep(0.2)  # what the command wrote last reaches the screen
                return int(self.done.read_text())
            time.sleep(0.1)
        raise TimeoutError("the command in tmux did not end")

    def wait_for(self, text: str, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(text in line for line in screen):
                return screen
            time.sleep(0.1)
        raise TimeoutError(f"{text!r} never appeared: {self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
