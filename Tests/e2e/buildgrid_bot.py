"""A Remote Workers API bot made of BuildGrid's own client library (its generated REAPI/RWAPI
stubs and its CAS uploader and downloader), run with the BuildGrid venv's Python. BuildGrid 0.4.4
ships no bot of its own (its bots are buildbox-worker, a separate C++ project), and the fixture's
test must prove the server schedules and hands back work without any PlanBuild code.

    python buildgrid_bot.py --remote grpc://127.0.0.1:PORT --name NAME --work DIR
                            [--instance NAME] [--property KEY=VALUE]...

It does what the Remote Workers API asks of a bot: CreateBotSession with its properties on its
first device, then UpdateBotSession in a loop; a lease whose payload is an Action is run (input
root from CAS into a fresh folder, the Command's arguments in its working directory, its outputs
and stdout/stderr uploaded), heartbeats go on while it runs, and the lease goes back COMPLETED
with the ActionResult packed in `result`. It prints `running LEASE_ID` and `completed LEASE_ID`
lines, flushed, for the test to follow."""
import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import threading
import time

from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re_pb2
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2, bots_pb2_grpc
from buildgrid._protos.google.rpc import code_pb2
from buildgrid.server.client.cas import download, upload
from buildgrid.server.client.channel import setup_channel


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--remote", required=True)
    parser.add_argument("--instance", default="")
    parser.add_argument("--name", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--property", action="append", default=[])
    parser.add_argument("--capacity", type=int, default=1)
    return parser.parse_args()


class Execution(threading.Thread):
    """One lease's action, run beside the session's heartbeats."""

    def __init__(self, channel, instance, lease, work, name):
        super().__init__(daemon=True)
        self.channel, self.instance, self.lease, self.work, self.name = channel, instance, lease, work, name
        self.result = None
        self.status = None
        self.process = None
        self.cancelled = threading.Event()

    def cancel(self):
        """The server took the lease away: the command ends. (It stays in the bot's process group,
        so that a test that kills the bot's group kills its commands too, as a machine that dies.)"""
        self.cancelled.set()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def run(self):
        try:
            self.result = self.execute()
            self.status = code_pb2.OK
        except Exception as error:  # the lease fails with INTERNAL: BuildGrid retries those
            print(f"failed {self.lease.id}: {error!r}", flush=True)
            self.status = code_pb2.INTERNAL

    def execute(self):
        action = re_pb2.Action()
        if not self.lease.payload.Unpack(action):
            raise ValueError(f"lease payload is {self.lease.payload.type_url}, not an Action")
        root = os.path.join(self.work, self.lease.id)
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        with download(self.channel, instance=self.instance) as downloader:
            command = downloader.get_message(action.command_digest, re_pb2.Command())
            downloader.download_directory(action.input_root_digest, root)
        environment = dict(os.environ)
        environment.update({variable.name: variable.value for variable in command.environment_variables})
        if self.cancelled.is_set():
            raise RuntimeError("cancelled")
        self.process = subprocess.Popen(list(command.arguments), cwd=os.path.join(root, command.working_directory),
                                        env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if self.cancelled.is_set():
            self.cancel()
        stdout, stderr = self.process.communicate(timeout=action.timeout.seconds or None)
        print(f"exit {self.process.returncode}: {stderr[-500:]!r}", flush=True)
        result = re_pb2.ActionResult(exit_code=self.process.returncode)
        result.execution_metadata.worker = self.name
        with upload(self.channel, instance=self.instance) as uploader:
            result.stdout_digest.CopyFrom(uploader.put_blob(io.BytesIO(stdout)))
            result.stderr_digest.CopyFrom(uploader.put_blob(io.BytesIO(stderr)))
            for path in list(command.output_paths) or list(command.output_files) + list(command.output_directories):
                local = os.path.join(root, command.working_directory, path)
                if os.path.isfile(local):
                    digest = uploader.upload_file(local, queue=False)
                    result.output_files.add(path=path, digest=digest, is_executable=os.access(local, os.X_OK))
                elif os.path.isdir(local):
                    result.output_directories.add(path=path, tree_digest=uploader.upload_tree(local, queue=False))
        shutil.rmtree(root, ignore_errors=True)
        return result


def main():
    options = arguments()
    channel, _ = setup_channel(options.remote.replace("grpc://", "http://", 1))
    bots = bots_pb2_grpc.BotsStub(channel)
    session = bots_pb2.BotSession(bot_id=options.name, status=bots_pb2.OK)
    device = session.worker.devices.add(handle=options.name)
    for pair in options.property:
        key, _, value = pair.partition("=")
        device.properties.add(key=key, value=value)
    session.worker.configs.add(key="capacity", value=str(options.capacity))
    session = bots.CreateBotSession(bots_pb2.CreateBotSessionRequest(parent=options.instance, bot_session=session),
                                    timeout=30)
    print(f"session {session.name}", flush=True)
    running = {}
    while True:
        # A lease that is no longer in the server's answer was cancelled (BuildGrid drops it rather
        # than sending it back CANCELLED).
        for lease_id in set(running) - {lease.id for lease in session.leases}:
            print(f"cancelled {lease_id}", flush=True)
            running.pop(lease_id).cancel()
        for lease in session.leases:
            if lease.state == bots_pb2.ACTIVE and lease.id not in running:
                print(f"running {lease.id}", flush=True)
                running[lease.id] = Execution(channel, options.instance, lease, options.work, options.name)
                running[lease.id].start()
        for lease in session.leases:
            execution = running.get(lease.id)
            if execution is not None and not execution.is_alive():
                lease.state = bots_pb2.COMPLETED
                lease.status.code = execution.status
                if execution.result is not None:
                    lease.result.Pack(execution.result)
                print(f"completed {lease.id}", flush=True)
                del running[lease.id]
        if running:
            time.sleep(0.5)  # a heartbeat while the action runs; the server answers at once
        session = bots.UpdateBotSession(bots_pb2.UpdateBotSessionRequest(name=session.name, bot_session=session),
                                        timeout=30)


if __name__ == "__main__":
    sys.exit(main())
