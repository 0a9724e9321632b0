"""A scripted REAPI Execution service for the client's tests of what a real server does only now and
then: a stream that ends before its operation is done, an operation that fails as a whole, one that
never ends until cancelled, a response of the wrong type, thousands of updates, an update larger
than allowed; and it says the priority an execution asked for. It runs on grpcio and BuildGrid's generated messages from BuildGrid's venv.

The scenario is the action digest's size_bytes (the numbers below). Calls that matter to a test
(WaitExecution, CancelOperation) are appended to the log file, one line each. The port it listens
on (127.0.0.1, chosen by the system) is its first line of output. It ends when the process that
started it ends (its parent changes).

    python scripted_execution_server.py LOG"""
import os
import sys
import threading
import time
from concurrent import futures

import grpc
from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as reapi
from buildgrid._protos.google.longrunning import operations_pb2
from buildgrid._protos.google.rpc import status_pb2
from google.protobuf import any_pb2, empty_pb2

LOG = sys.argv[1]
log_lock = threading.Lock()
cancelled = {}


def note(line: str) -> None:
    with log_lock, open(LOG, "a") as log:
        log.write(line + "\n")


def operation(name, stage=None, done=False, response=None, error=None):
    op = operations_pb2.Operation(name=name, done=done)
    if stage is not None:
        op.metadata.Pack(reapi.ExecuteOperationMetadata(stage=stage))
    if response is not None:
        op.response.Pack(response)
    if error is not None:
        op.error.CopyFrom(error)
    return op


def finished(name, exit_code):
    return operation(name, reapi.ExecutionStage.COMPLETED, done=True,
                     response=reapi.ExecuteResponse(result=reapi.ActionResult(exit_code=exit_code)))


def wait_for_cancel(name, seconds):
    event = cancelled.setdefault(name, threading.Event())
    event.wait(seconds)


def execute(request, context):
    scenario = request.action_digest.size_bytes
    name = f"operations/{scenario}"
    if scenario == 1:  # the stream ends before the operation is done: WaitExecution brings the end
        yield operation(name, reapi.ExecutionStage.QUEUED)
        yield operation(name, reapi.ExecutionStage.EXECUTING)
    elif scenario == 2:  # the operation fails as a whole
        yield operation(name, done=True, error=status_pb2.Status(code=13, message="the scheduler broke"))
    elif scenario in (3, 8):  # never ends unless cancelled (3) or the client's deadline passes (8)
        yield operation(name, reapi.ExecutionStage.QUEUED)
        wait_for_cancel(name, 30)
    elif scenario == 4:  # a done operation whose response is not an ExecuteResponse
        op = operation(name, reapi.ExecutionStage.COMPLETED, done=True)
        op.response.Pack(reapi.ActionResult(exit_code=1))
        yield op
    elif scenario == 5:  # thousands of updates before the end
        for _ in range(2000):
            yield operation(name, reapi.ExecutionStage.EXECUTING)
        yield finished(name, 0)
    elif scenario == 6:  # streams that end without news, again and again
        yield operation(name)
    elif scenario == 9:  # says the priority it was asked for
        note(f"Execute priority {request.execution_policy.priority}")
        yield finished(name, 0)
    elif scenario == 7:  # an update larger than the client takes
        op = operation(name, reapi.ExecutionStage.EXECUTING)
        op.metadata.value = b"\x00" * (5 << 20)
        yield op
        yield finished(name, 0)


def wait_execution(request, context):
    note(f"WaitExecution {request.name}")
    if request.name == "operations/1":
        yield operation(request.name, reapi.ExecutionStage.EXECUTING)
        yield finished(request.name, 7)
    # operations/6 and any other: the stream ends at once, without news


def cancel_operation(request, context):
    note(f"CancelOperation {request.name}")
    cancelled.setdefault(request.name, threading.Event()).set()
    return empty_pb2.Empty()


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers([
        grpc.method_handlers_generic_handler("build.bazel.remote.execution.v2.Execution", {
            "Execute": grpc.unary_stream_rpc_method_handler(
                execute, request_deserializer=reapi.ExecuteRequest.FromString,
                response_serializer=operations_pb2.Operation.SerializeToString),
            "WaitExecution": grpc.unary_stream_rpc_method_handler(
                wait_execution, request_deserializer=reapi.WaitExecutionRequest.FromString,
                response_serializer=operations_pb2.Operation.SerializeToString),
        }),
        grpc.method_handlers_generic_handler("google.longrunning.Operations", {
            "CancelOperation": grpc.unary_unary_rpc_method_handler(
                cancel_operation, request_deserializer=operations_pb2.CancelOperationRequest.FromString,
                response_serializer=empty_pb2.Empty.SerializeToString),
        }),
    ])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    server.stop(0)


if __name__ == "__main__":
    main()
