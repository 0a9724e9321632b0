"""A real nginx (Debian's package, WebDAV module built in) serving a remote build cache for one
test: on 127.0.0.1 with a free port, a temporary config with `dav_methods PUT;
create_full_put_path on;`, one process (no daemon, no workers) stopped at the end."""
import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CacheServer:
    def __init__(self, root: Path, token: str = None):
        self.root = root
        self.data = root / "data"
        self.token = token
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        guard = f'if ($http_authorization != "Bearer {self.token}") {{ return 401; }}' if self.token else ""
        temp = self.root / "temp"
        return f"""
daemon off;
master_process off;
worker_processes 1;
pid {self.root}/nginx.pid;
error_log {self.root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {self.root}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.data};
        client_max_body_size 512m;
        location / {{
            {guard}
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }}
    }}
}}
"""

    def start(self) -> "CacheServer":
        (self.root / "temp").mkdir(parents=True, exist_ok=True)
        self.data.mkdir(parents=True, exist_ok=True)
        # The free port can be taken by another test's server before nginx binds it (tests run side
        # by side): then another port, a few times.
        for _ in range(5):
            conf = self.root / "nginx.conf"
            conf.write_text(self.config())
            self.process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.root)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    message = self.process.stderr.read().decode()
                    self.process.stderr.close()
                    if "Address already in use" not in message:
                        raise RuntimeError(f"nginx did not start: {message}")
                    self.port = free_port()
                    break
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
                time.sleep(0.05)
            else:
                self.stop()
                raise RuntimeError("nginx did not listen within 10 s")
        raise RuntimeError("nginx found no free port in 5 tries")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stderr:
            self.process.stderr.close()

    def requests(self) -> list:
        """(method, path, status) of every request so far, from the access log."""
        log = self.root / "access.log"
        found = []
        for line in (log.read_text().splitlines() if log.exists() else []):
            try:
                request = line.split('"')[1].split()
                status = int(line.split('"')[2].split()[0])
            except (IndexError, ValueError):
                continue
            found.append((request[0], request[1], status))
        return found


@contextlib.contextmanager
def cache_server(root: Path, token: str = None):
    server = CacheServer(root, token).start()
    try:
        yield server
    finally:
        server.stop()
