"""A hostile remote cache for one test: a Python http.server on 127.0.0.1 (a free port) that
answers each request as the test's `respond(handler)` says, and remembers what it was asked
(method, path, Authorization header) and how many body bytes it managed to send. Started and
stopped by the test (`hostile_server`); endless answers (floods, drips) end when the client
hangs up or the server stops."""
import contextlib
import http.server
import sys
import threading
import time
from pathlib import Path


class HostileServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, respond):
        super().__init__(("127.0.0.1", 0), Handler)
        self.respond = respond
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.asked = []  # (method, path, authorization or None)
        self.sent = {}  # path -> body bytes written

    def handle_error(self, request, client_address):
        # A client that hangs up (a cut transfer) is what these tests provoke, not an error.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, path: str, count: int) -> None:
        with self.lock:
            self.sent[path] = self.sent.get(path, 0) + count


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        with self.server.lock:
            self.server.asked.append((self.command, self.path, self.headers.get("Authorization")))
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        try:
            self.server.respond(self)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_HEAD = do_PUT = handle_one

    def log_message(self, *args):
        pass

    # What a test's `respond` uses.

    def body(self, status: int, data: bytes = b"", headers=()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
            self.server.count(self.path, len(data))

    def files(self, data: Path) -> None:
        """GET/HEAD from a folder laid out as the cache (ac/, cas/); 404 when absent; PUT refused."""
        path = data / self.path.lstrip("/")
        if self.command == "PUT":
            self.body(405)
        elif path.is_file() and data in path.resolve().parents:
            self.body(200, path.read_bytes())
        else:
            self.body(404)

    def flood(self, declared: int = 4 << 30) -> None:
        """200 declaring `declared` bytes, then zeros as fast as the client takes them."""
        self.send_response(200)
        self.send_header("Content-Length", str(declared))
        self.end_headers()
        chunk = bytes(64 << 10)
        while not self.server.stopping.is_set():
            self.wfile.write(chunk)
            self.server.count(self.path, len(chunk))
        self.close_connection = True

    def drip(self, interval: float = 0.5) -> None:
        """200 declaring a small body, then one byte every `interval` seconds, never finishing."""
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        while not self.server.stopping.is_set():
            self.wfile.write(b"{")
            self.wfile.flush()
            self.server.count(self.path, 1)
            time.sleep(interval)
        self.close_connection = True

    def redirect(self, location: str, status: int = 302) -> None:
        self.body(status, headers=[("Location", location)])


@contextlib.contextmanager
def hostile_server(respond):
    server = HostileServer(respond)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
