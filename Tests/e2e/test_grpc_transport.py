"""The remote plugin's gRPC call (pbr_grpc_unary, libcurl over cleartext HTTP/2) against a real
REAPI server: BuildGrid's CAS and ActionCache on 127.0.0.1, started by the test. The messages are
written here with a few lines of protobuf wire format (the test's own, not PlanBuild's)."""
import ctypes
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

try:
    # The end-to-end tests' one maker of BuildGrid's venv (pinned, under a file lock), where it exists.
    from buildgrid_support import buildgrid_venv as make_buildgrid_venv
except ImportError:
    make_buildgrid_venv = None

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / ".build" / "release" / "libplanbuild-remote.so"
VENV = REPO / ".build-test" / "buildgrid-venv"
CAS = "/build.bazel.remote.execution.v2.ContentAddressableStorage/"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def digest(data: bytes) -> bytes:
    return field(1, hashlib.sha256(data).hexdigest().encode()) + field(2, len(data))


def fields(message: bytes):
    """(number, value) pairs of a message: ints for varints, bytes for length-delimited."""
    position = 0
    while position < len(message):
        key, position = read_varint(message, position)
        number, kind = key >> 3, key & 7
        if kind == 0:
            value, position = read_varint(message, position)
        elif kind == 2:
            length, position = read_varint(message, position)
            value, position = message[position:position + length], position + length
        else:
            raise AssertionError(f"wire type {kind}")
        yield number, value


def read_varint(data: bytes, position: int):
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


class Plugin:
    def __init__(self):
        self.lib = ctypes.CDLL(str(PLUGIN))
        self.lib.pbr_grpc_unary.restype = ctypes.c_int32
        self.lib.pbr_grpc_unary.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_double,
                                            ctypes.c_size_t, ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8)),
                                            ctypes.POINTER(ctypes.c_size_t), ctypes.c_char_p, ctypes.c_size_t]
        self.lib.pbr_free.argtypes = [ctypes.c_void_p]

    def call(self, url: str, method: str, request: bytes, deadline: float = 10, limit: int = 0):
        response = ctypes.POINTER(ctypes.c_uint8)()
        length = ctypes.c_size_t()
        error = ctypes.create_string_buffer(512)
        code = self.lib.pbr_grpc_unary(url.encode(), method.encode(), request, len(request), deadline, limit,
                                       ctypes.byref(response), ctypes.byref(length), error, len(error))
        body = ctypes.string_at(response, length.value) if code == 0 else None
        if response:
            self.lib.pbr_free(response)
        return code, body, error.value.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def buildgrid(tmp_path_factory):
    if make_buildgrid_venv is not None:
        make_buildgrid_venv()
    elif not (VENV / "bin" / "bgd").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "buildgrid==0.4.4"], check=True, timeout=600)
    folder = tmp_path_factory.mktemp("buildgrid")
    port = free_port()
    (folder / "cas").mkdir()
    config = folder / "buildgrid.yml"
    config.write_text(f"""server:
  - !channel
    address: "127.0.0.1:{port}"
    insecure-mode: true
authorization:
  method: none
storages:
  - !disk-storage &cas
    path: {folder / 'cas'}
caches:
  - !lru-action-cache &ac
    storage: *cas
    max-cached-refs: 256
    allow-updates: true
    cache-failed-actions: true
instances:
  - name: ''
    services:
      - !action-cache
        cache: *ac
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas
""")
    log = open(folder / "buildgrid.log", "wb")
    server = subprocess.Popen([str(VENV / "bin" / "bgd"), "server", "start", str(config)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((folder / "buildgrid.log").read_text()[-2000:])
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_unary_calls_against_buildgrids_cas_and_action_cache(buildgrid):
    plugin = Plugin()
    code, capabilities, _ = plugin.call(buildgrid, "/build.bazel.remote.execution.v2.Capabilities/GetCapabilities", b"")
    assert code == 0 and any(number == 1 for number, _ in fields(capabilities)), "cache_capabilities"

    blob = os.urandom(1000)
    code, missing, _ = plugin.call(buildgrid, CAS + "FindMissingBlobs", field(2, digest(blob)))
    assert code == 0 and [value for number, value in fields(missing)] == [digest(blob)]
    code, updated, _ = plugin.call(buildgrid, CAS + "BatchUpdateBlobs", field(2, field(1, digest(blob)) + field(2, blob)))
    assert code == 0
    code, missing, _ = plugin.call(buildgrid, CAS + "FindMissingBlobs", field(2, digest(blob)))
    assert code == 0 and missing == b""
    code, read, _ = plugin.call(buildgrid, CAS + "BatchReadBlobs", field(2, digest(blob)))
    [(_, response)] = list(fields(read))
    assert code == 0 and dict(fields(response))[2] == blob

    # An action nobody ran: NOT_FOUND (5), with the server's message.
    code, body, message = plugin.call(buildgrid, "/build.bazel.remote.execution.v2.ActionCache/GetActionResult",
                                      field(2, digest(b"no such action")))
    assert (code, body) == (5, None) and message
    # A service this server does not have: UNIMPLEMENTED (12).
    code, _, _ = plugin.call(buildgrid, "/build.bazel.remote.execution.v2.Execution/Execute", b"")
    assert code == 12


def test_an_answer_sent_before_the_request_was_read_is_still_heard(buildgrid):
    """grpc-python answers an unknown method before it reads the request, trailers and RST_STREAM
    together; libcurl 7.88 now and then fails such a stream without its headers (about 1 in 50
    under load), which the plugin sends again (up to four times). 240 calls from six threads: every
    one hears its status."""
    plugin = Plugin()
    codes = []

    def call_many():
        for _ in range(40):
            codes.append(plugin.call(buildgrid, "/build.bazel.remote.execution.v2.Execution/Execute",
                                     field(6, digest(b"x")))[0])
    threads = [threading.Thread(target=call_many) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [12] * 240


def test_an_answer_larger_than_allowed_is_cut_and_refused(buildgrid):
    plugin = Plugin()
    blob = os.urandom(100_000)
    assert plugin.call(buildgrid, CAS + "BatchUpdateBlobs", field(2, field(1, digest(blob)) + field(2, blob)))[0] == 0
    code, body, message = plugin.call(buildgrid, CAS + "BatchReadBlobs", field(2, digest(blob)), limit=10_000)
    assert (code, body) == (-6, None) and "larger" in message


def test_a_silent_server_ends_at_the_deadline_and_a_wrong_one_is_refused():
    plugin = Plugin()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    try:
        started = time.monotonic()
        code, _, _ = plugin.call(f"http://127.0.0.1:{silent.getsockname()[1]}", CAS + "FindMissingBlobs", b"", deadline=0.5)
        assert code == -2 and time.monotonic() - started < 5
    finally:
        silent.close()
    # Plain HTTP/1.1 that answers anything: not gRPC.
    port = free_port()
    plain = socket.socket()
    plain.bind(("127.0.0.1", port))
    plain.listen(4)

    def answer():
        connection, _ = plain.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        connection.close()
    threading.Thread(target=answer, daemon=True).start()
    try:
        code, _, message = plugin.call(f"http://127.0.0.1:{port}", CAS + "FindMissingBlobs", b"", deadline=5)
        assert code in (-1, -4), (code, message)
    finally:
        plain.close()
    assert plugin.call("https://127.0.0.1:1", CAS + "X", b"")[0] == -1
    assert plugin.call("http://127.0.0.1:1", "no-slash", b"")[0] == -1
