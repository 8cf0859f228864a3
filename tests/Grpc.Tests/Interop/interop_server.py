"""Python grpcio as a server that Grpc.Net.Client calls: the same EchoService, implemented by grpcio.

Prints "PORT <n>" once listening on 127.0.0.1, then serves until its standard input closes (so it
never outlives the test process that started it).
"""
import sys
import time
from concurrent import futures

import grpc
from google.protobuf import wrappers_pb2

import interop_test_pb2 as pb
import interop_test_pb2_grpc as pb_grpc
from google.rpc import status_pb2


class EchoService(pb_grpc.EchoServiceServicer):
    def Unary(self, request, context):
        received = context.invocation_metadata()
        echoed = [(m.key, m.value) for m in received if m.key.startswith("x-")]
        if echoed:
            context.send_initial_metadata(echoed)
            context.set_trailing_metadata([("trailer-" + k, v) for k, v in echoed])
        if request.compress_response:
            context.set_compression(grpc.Compression.Gzip)
        reply = pb.EchoReply(message=request.message, payload=request.payload)
        if request.response_payload_size > 0:
            reply.payload = b"\x00" * request.response_payload_size
        for m in received:
            if (m.key in ("authorization", "traceparent") or m.key.startswith("x-")) and not m.key.endswith("-bin"):
                reply.request_headers[m.key] = m.value
        return reply

    def ClientStream(self, request_iterator, context):
        reply = pb.SumReply()
        for number in request_iterator:
            reply.sum += number.value
            reply.count += 1
            reply.pad_bytes += len(number.pad)
        return reply

    def ServerStream(self, request, context):
        if request.compress_response:
            context.set_compression(grpc.Compression.Gzip)
        payload = b"\x00" * request.payload_size
        for i in range(request.count):
            if request.fail_after > 0 and i == request.fail_after:
                context.abort(grpc.StatusCode.ABORTED, "Failed after %d replies" % i)
            yield pb.EchoReply(index=i, payload=payload, message=request.tag)
            if request.interval_ms > 0:
                time.sleep(request.interval_ms / 1000.0)

    def Duplex(self, request_iterator, context):
        for index, request in enumerate(request_iterator):
            yield pb.EchoReply(message=request.message, index=index, payload=request.payload)

    def Fail(self, request, context):
        code = next(c for c in grpc.StatusCode if c.value[0] == request.code)
        if code == grpc.StatusCode.OK:
            return pb.EchoReply(message=request.message)
        if request.with_details:
            status = status_pb2.Status(code=request.code, message=request.message)
            status.details.add().Pack(wrappers_pb2.StringValue(value="detail: " + request.message))
            context.set_trailing_metadata([("grpc-status-details-bin", status.SerializeToString())])
        context.abort(code, request.message)

    def Sleep(self, request, context):
        started = time.monotonic()
        while (time.monotonic() - started) * 1000 < request.milliseconds:
            if not context.is_active():
                return pb.SleepReply()
            time.sleep(0.01)
        return pb.SleepReply(slept_ms=int((time.monotonic() - started) * 1000))


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    pb_grpc.add_EchoServiceServicer_to_server(EchoService(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
