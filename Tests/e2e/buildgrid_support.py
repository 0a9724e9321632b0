"""BuildGrid 0.4.4, a real REAPI server with its scheduler, for one test: Execution and Bots (the
Remote Workers API) on an SQL scheduler over a PostgreSQL of its own, CAS and ByteStream on disk,
an ActionCache, Operations and Capabilities, no authentication, cleartext gRPC on 127.0.0.1 with a
free port. Everything it starts is stopped at the end, the test passed or not.

    with buildgrid(tmp_path) as server:        # server.target == "grpc://127.0.0.1:PORT"
        ...                                    # server.stop() takes it down in the middle of a test

For tests of the worker alone, `bgd_execute` submits a shell command with BuildGrid's own client.

BuildGrid is pip-installed once per checkout into .build-test/buildgrid-venv (pinned by
buildgrid-requirements.txt; about 20 s), under a file lock so that the test processes of a
pytest-xdist session do not install it side by side. Its scheduler refuses SQLite, so each server
gets a PostgreSQL of Debian's (`/usr/lib/postgresql/N/bin`) in a temporary folder that listens only
on a unix socket in that folder. PostgreSQL refuses to run as root: when the tests run as root (CI
does), it runs as Debian's `postgres` user, in a folder outside pytest's (whose parents only root
may enter).

The scheduler is set up for tests: a bot that stops calling is declared dead after
`keepalive` seconds (5; BuildGrid assigns no lease when 0.8 × keepalive is under its 3 s network
timeout, so 4 is the least that works) and its leases are queued again at the next sweep (every
second); platform properties `OSFamily` and `tools` are matched against the properties of a bot's
first device (docs/remote-execution.md says how)."""
import contextlib
import fcntl
import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from process_support import group_alive, process_alive

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".build-test" / "buildgrid-venv"
REQUIREMENTS = Path(__file__).with_name("buildgrid-requirements.txt")
BGD = VENV / "bin" / "bgd"
# Prefixed to the servers' commands: when the test process dies without stopping them (killed by a
# timeout, say), the kernel signals them (SIGINT: PostgreSQL's fast shutdown; SIGKILL: BuildGrid),
# so no server outlives its test. The signal follows the death of the thread that started them: a
# test starts its servers on the thread that lives through it (pytest's).
def die_with_test(signal_name: str) -> list:
    return ["setpriv", f"--pdeathsig={signal_name}", "--"]


# The platform properties a job may carry and a bot must match (OSFamily and ISA BuildGrid always adds).
MATCH_PROPERTY_KEYS = ("OSFamily", "tools")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def buildgrid_venv() -> Path:
    """The venv holding BuildGrid, made when missing, brought up to date when the pinned requirements
    changed. Every test that runs BuildGrid must get it from here: the lock is what keeps two
    pytest-xdist workers from installing into it at once."""
    VENV.parent.mkdir(parents=True, exist_ok=True)
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / "requirements.sha256"
    with open(VENV.parent / "buildgrid-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == wanted and BGD.exists():
            return VENV
        started = time.monotonic()
        # A venv made by an older list is brought up to this one in place (a test elsewhere may be
        # running its BuildGrid); one without a working pip is made again.
        if not (VENV / "bin" / "pip").exists():
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True)
        # The list pins every package (no resolver run: --no-deps); no byte-compiling of ~60
        # packages up front (--no-compile): Python compiles what BuildGrid imports when it first
        # does. Together a third of pip's CPU time, which counts on a CI machine busy building.
        install = subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                                  "--no-compile", "--no-deps", "-r", str(REQUIREMENTS)],
                                 capture_output=True, text=True, timeout=900)
        if install.returncode != 0:
            raise RuntimeError(f"pip could not install BuildGrid: {install.stderr[-4000:]}")
        stamp.write_text(wanted)
        print(f"buildgrid_support: installed BuildGrid into {VENV.relative_to(REPO)} in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
    return VENV


def postgres_bin() -> Path:
    """The bin folder of the newest PostgreSQL Debian installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda path: int(Path(path).parts[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (scripts/setup installs postgresql-15)")
    return Path(found[-1]).parent


def stop_process(process: subprocess.Popen, sig: int, grace: float) -> None:
    """Sends SIG to PROCESS, then SIGKILL to it after GRACE seconds, and SIGKILL to whatever is left of
    its process group (it leads one: started with start_new_session)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()
    if group_alive(process.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


class Postgres:
    """A PostgreSQL server of its own in a temporary folder: no TCP, a unix socket in that folder,
    no durability (fsync off: the database lives as long as the test)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="planbuild-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.bin = postgres_bin()
        self.process = None
        self.account = {}
        if os.getuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.account = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@/{database}?host={self.folder}"

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=self.folder, capture_output=True, text=True, timeout=timeout, **self.account)

    def start(self, database: str) -> "Postgres":
        made = self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {made.stderr}")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [*die_with_test("INT"), str(self.bin / "postgres"), "-D", str(self.data), "-k", str(self.folder), "-c", "listen_addresses=",
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                 "-c", "shared_buffers=16MB", "-c", "max_connections=200"],
                cwd=self.folder, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, **self.account)
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start: {self.log.read_text()[-4000:]}")
            created = self.run(str(self.bin / "createdb"), "-h", str(self.folder), "-U", "postgres", database)
            if created.returncode == 0:
                return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections within 30 s: {created.stderr}")
            time.sleep(0.1)

    def stop(self) -> None:
        # SIGINT: PostgreSQL's fast shutdown (sessions ended, its helper processes stopped with it).
        if self.process:
            stop_process(self.process, signal.SIGINT, 10)
        shutil.rmtree(self.folder, ignore_errors=True)


class BuildGrid:
    def __init__(self, root: Path, instance: str = "", keepalive: int = 5):
        self.root = root
        self.instance = instance
        self.keepalive = keepalive
        self.port = None
        self.process = None
        self.postgres = None
        self.log = root / "buildgrid.log"
        self.cas = root / "cas"

    @property
    def target(self) -> str:
        return f"grpc://127.0.0.1:{self.port}"

    def config(self, database_url: str) -> str:
        keys = ", ".join(MATCH_PROPERTY_KEYS)
        return f"""server:
  - !channel
    address: "127.0.0.1:{self.port}"
    insecure-mode: true
# gRPC shares a port between servers by default (SO_REUSEPORT): a port another test's server took
# must fail here, not split the requests between two servers.
grpc-server-options:
  grpc.so_reuseport: 0
authorization:
  method: none
monitoring:
  enabled: false
thread-pool-size: 40
connections:
  - !sql-connection &sql
    connection-string: "{database_url}"
    pool-size: 5
    max-overflow: 20
storages:
  - !disk-storage &cas
    path: "{self.cas}"
caches:
  - !lru-action-cache &ac
    storage: *cas
    max-cached-refs: 4096
    allow-updates: true
    cache-failed-actions: false
schedulers:
  - !sql-scheduler &scheduler
    sql: *sql
    storage: *cas
    action-cache: *ac
    property-set: !dynamic-property-set
      match-property-keys: [{keys}]
    bot-session-keepalive-timeout: {self.keepalive}
    session-expiry-timer-interval: 1
    max-job-attempts: 3
    poll-interval: 0.2
    bot-poll-interval: 0.2
    assigners:
      - !priority-age-assigner
        count: 1
        interval: 0.05
        jitter-factor: 0.02
        priority-assignment-percentage: 100
instances:
  - name: "{self.instance}"
    services:
      - !action-cache
        cache: *ac
      - !execution
        scheduler: *scheduler
        operation-stream-keepalive-timeout: 5
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas
"""

    def start(self) -> "BuildGrid":
        venv = buildgrid_venv()
        self.cas.mkdir(parents=True, exist_ok=True)
        self.postgres = Postgres().start("buildgrid")
        database_url = self.postgres.url("buildgrid")
        migrated = subprocess.run([str(BGD), "migrate", "apply", database_url], capture_output=True, text=True,
                                  timeout=120)
        if migrated.returncode != 0:
            raise RuntimeError(f"bgd migrate failed: {migrated.stdout}{migrated.stderr}")
        env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}", PYTHONUNBUFFERED="1")
        # The free port can be taken by another test's server before BuildGrid binds it: then another.
        for _ in range(5):
            self.port = free_port()
            config = self.root / "buildgrid.yml"
            config.write_text(self.config(database_url))
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen([*die_with_test("KILL"), str(BGD), "server", "start", "-vv", str(config)], env=env,
                                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True)
            if self.wait_until_listening(60):
                return self
            self.stop_server()
        raise RuntimeError(f"BuildGrid found no free port in 5 tries: {self.log.read_text()[-4000:]}")

    def wait_until_listening(self, seconds: float) -> bool:
        """True once the server accepts connections; False when it ended because its port was taken."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "Failed to bind" in self.log.read_text() or "address already in use" in self.log.read_text().lower():
                    return False
                raise RuntimeError(f"BuildGrid did not start: {self.log.read_text()[-4000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
            time.sleep(0.1)
        raise RuntimeError(f"BuildGrid did not listen within {seconds} s: {self.log.read_text()[-4000:]}")

    def bot_sessions(self) -> int:
        """How many bot sessions the server has opened so far (from its log: -vv logs each at INFO)."""
        return self.log.read_text(errors="replace").count("Created new BotSession")

    def wait_for_bot_sessions(self, count: int, seconds: float = 60) -> None:
        """Waits until COUNT bot sessions were opened: the workers of a test are connected."""
        deadline = time.monotonic() + seconds
        while self.bot_sessions() < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.bot_sessions()} of {count} bots connected within {seconds} s")
            time.sleep(0.1)

    def stop_server(self) -> None:
        """Stops BuildGrid (its whole process group); PostgreSQL keeps running until close()."""
        if self.process:
            stop_process(self.process, signal.SIGTERM, 10)

    def stop(self) -> None:
        """Takes the server down in the middle of a test, as a server that goes away."""
        self.stop_server()

    def close(self) -> None:
        self.stop_server()
        if self.postgres:
            self.postgres.stop()

    def leftovers(self) -> list:
        """The processes this server started that still live (none after close())."""
        left = []
        if self.process and group_alive(self.process.pid):
            left.append(f"BuildGrid's group {self.process.pid}")
        if self.postgres and self.postgres.process and process_alive(self.postgres.process.pid):
            left.append(f"PostgreSQL {self.postgres.process.pid}")
        return left


@contextlib.contextmanager
def buildgrid(tmp_path: Path, instance: str = "", keepalive: int = 5):
    """A running BuildGrid for the block: `.target`, `.instance`, `.log`, `.stop()`,
    `.wait_for_bot_sessions(n)`."""
    root = tmp_path / "buildgrid"
    root.mkdir(parents=True, exist_ok=True)
    server = BuildGrid(root, instance, keepalive)
    try:
        server.start()
        yield server
    finally:
        server.close()


def bgd_execute(server: BuildGrid, folder: Path, shell: str, *properties: str, timeout: float = 120,
                background: bool = False, cache: bool = False):
    """`bgd execute command` of `sh -c SHELL` with the files of folder/input as its input root and
    out.txt as its output, downloaded into folder/testing. `cache`: the ActionCache is looked up
    and the result stored (bgd's default is neither)."""
    (folder / "input").mkdir(parents=True, exist_ok=True)
    (folder / "input" / "in.txt").write_text("input\n")
    args = [str(BGD), "execute", "--remote", server.target.replace("grpc://", "http://"),
            "--instance-name", server.instance, "command", "--output-file", "out.txt"]
    for pair in properties:
        key, _, value = pair.partition("=")
        args += ["-p", key, value]
    if cache:
        args.append("--enable-action-cache")
    # After "--": click would take sh's -c for the command's own -c (--enable-action-cache).
    args += ["--", str(folder / "input"), "sh", "-c", shell]
    if background:
        return subprocess.Popen(args, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=timeout)


if __name__ == "__main__":
    # scripts/test makes the venv beside set-up's build, before the end-to-end tests need it.
    print(f"BuildGrid venv ready: {buildgrid_venv()}")
