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
    return parser.parse_args()


class Execution(threading.Thread):
    """One lease's action, run beside the session's heartbeats."""

    def __init__(self, channel, instance, lease, work, name):
        super().__init__(daemon=True)
        self.channel, self.instance, self.lease, self.work, self.name = channel, instance, lease, work, name
        self.result = None
        self.status = None

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
        done = subprocess.run(list(command.arguments), cwd=os.path.join(root, command.working_directory),
                              env=environment, capture_output=True,
                              timeout=action.timeout.seconds or None)
        print(f"exit {done.returncode}: {done.stderr[-500:]!r}", flush=True)
        result = re_pb2.ActionResult(exit_code=done.returncode)
        result.execution_metadata.worker = self.name
        with upload(self.channel, instance=self.instance) as uploader:
            result.stdout_digest.CopyFrom(uploader.put_blob(io.BytesIO(done.stdout)))
            result.stderr_digest.CopyFrom(uploader.put_blob(io.BytesIO(done.stderr)))
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
    session = bots.CreateBotSession(bots_pb2.CreateBotSessionRequest(parent=options.instance, bot_session=session),
                                    timeout=30)
    print(f"session {session.name}", flush=True)
    running = {}
    while True:
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
