"""Python grpcio as a client of our server. Each scenario asserts what a real gRPC client sees.

usage: interop_client.py PORT SCENARIO [ARG...]; prints one line "OK <json>" on success, exits 1
with a traceback on failure.
"""
import json
import sys
import threading
import time

import grpc
from google.protobuf import wrappers_pb2

import interop_test_pb2 as pb
import interop_test_pb2_grpc as pb_grpc
from google.rpc import status_pb2
from interop_common import channel, expect_error, load_health_pb2

TIMEOUT = 10


def stub(target, **kwargs):
    return pb_grpc.EchoServiceStub(channel(target, **kwargs))


def unary(target, _):
    reply = stub(target).Unary(pb.EchoRequest(message="hello from python", payload=b"\x00\x01\xff"), timeout=TIMEOUT)
    assert reply.message == "hello from python", reply
    assert reply.payload == b"\x00\x01\xff", reply
    return {}


def metadata(target, _):
    sent = [
        ("authorization", "Bearer py-token"),
        ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("x-tenant", "acme"),
        ("x-blob-bin", b"\x00\x01\x02\xff"),
    ]
    reply, call = stub(target).Unary.with_call(pb.EchoRequest(message="m"), metadata=sent, timeout=TIMEOUT)
    assert reply.request_headers["authorization"] == "Bearer py-token", reply
    assert reply.request_headers["traceparent"] == sent[1][1], reply
    initial = dict(call.initial_metadata())
    trailing = dict(call.trailing_metadata())
    assert initial["x-tenant"] == "acme", initial
    assert initial["x-blob-bin"] == b"\x00\x01\x02\xff", initial
    assert trailing["trailer-x-tenant"] == "acme", trailing
    assert trailing["trailer-x-blob-bin"] == b"\x00\x01\x02\xff", trailing
    return {}


def client_stream(target, _):
    reply = stub(target).ClientStream((pb.Number(value=i) for i in range(1, 1001)), timeout=TIMEOUT)
    assert reply.sum == 500500 and reply.count == 1000, reply
    return {}


def server_stream(target, _):
    replies = list(stub(target).ServerStream(pb.StreamRequest(count=500, payload_size=100), timeout=TIMEOUT))
    assert [r.index for r in replies] == list(range(500)), [r.index for r in replies][:10]
    assert all(len(r.payload) == 100 for r in replies)
    return {}


def server_stream_error(target, _):
    received = []

    def run():
        for reply in stub(target).ServerStream(pb.StreamRequest(count=10, fail_after=3), timeout=TIMEOUT):
            received.append(reply.index)

    expect_error(run, grpc.StatusCode.ABORTED, "Failed after 3 replies")
    assert received == [0, 1, 2], received
    return {}


def duplex(target, _):
    requests = (pb.EchoRequest(message="m%d" % i) for i in range(20))
    replies = list(stub(target).Duplex(requests, timeout=TIMEOUT))
    assert [r.message for r in replies] == ["m%d" % i for i in range(20)], replies
    return {}


def status_codes(target, _):
    s = stub(target)
    seen = []
    for code in grpc.StatusCode:
        if code == grpc.StatusCode.OK:
            continue
        value = code.value[0]
        message = "failing with %s" % code.name
        expect_error(lambda: s.Fail(pb.FailRequest(code=value, message=message), timeout=TIMEOUT), code, message)
        seen.append(code.name)
    return {"codes": seen}


def unicode_message(target, _):
    s = stub(target)
    for message in ["prix négatif : −5 € — 価格は正であること", "100% sure\r\nsecond line\ttab", "%41 is not A", ""]:
        e = expect_error(lambda: s.Fail(pb.FailRequest(code=3, message=message), timeout=TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT)
        assert (e.details() or "") == message, (e.details(), message)
    return {}


def rich_details(target, _):
    e = expect_error(lambda: stub(target).Fail(pb.FailRequest(code=9, message="lane closed", with_details=True), timeout=TIMEOUT),
                     grpc.StatusCode.FAILED_PRECONDITION, "lane closed")
    raw = dict(e.trailing_metadata())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(raw)
    assert status.code == 9 and status.message == "lane closed", status
    detail = wrappers_pb2.StringValue()
    assert status.details[0].Unpack(detail), status.details
    assert detail.value == "detail: lane closed", detail
    return {}


def internal_error(target, _):
    e = expect_error(lambda: stub(target).Fail(pb.FailRequest(code=-1), timeout=TIMEOUT), grpc.StatusCode.INTERNAL)
    assert "hunter2" not in e.details() and "Password" not in e.details(), e.details()
    return {"details": e.details()}


def unimplemented(target, _):
    ch = channel(target)
    for path in ["/priceingest.test.EchoService/NoSuchMethod", "/priceingest.test.NoSuchService/Unary"]:
        call = ch.unary_unary(path, request_serializer=lambda m: m, response_deserializer=lambda b: b)
        expect_error(lambda: call(b"", timeout=TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)
    return {}


def deadline(target, args):
    # Long enough for the request to reach the handler on a busy machine: the test checks that
    # the handler saw the deadline.
    started = time.monotonic()
    expect_error(lambda: stub(target).Sleep(pb.SleepRequest(milliseconds=20000, tag=args[0]), timeout=1.5),
                 grpc.StatusCode.DEADLINE_EXCEEDED)
    elapsed = time.monotonic() - started
    assert elapsed < 6, elapsed
    return {"seconds": round(elapsed, 3)}


def cancel_stream(target, args):
    replies = stub(target).ServerStream(pb.StreamRequest(count=1000000, interval_ms=5, tag=args[0]), timeout=30)
    for _ in range(3):
        next(replies)
    replies.cancel()
    assert replies.code() == grpc.StatusCode.CANCELLED, replies.code()
    return {}


def cancel_unary(target, args):
    future = stub(target).Sleep.future(pb.SleepRequest(milliseconds=20000, tag=args[0]), timeout=30)
    # Give the call time to reach the handler (even on a busy machine) before cancelling it.
    time.sleep(1.0)
    assert future.cancel(), "could not cancel"
    return {}


def compression(target, _):
    payload = b"freight " * 20000
    for algorithm, name in [(grpc.Compression.Gzip, "gzip"), (grpc.Compression.Deflate, "deflate")]:
        s = stub(target, compression=algorithm)
        reply = s.Unary(pb.EchoRequest(message="c", payload=payload), timeout=TIMEOUT)
        assert reply.request_encoding == name and reply.payload == payload, (name, reply.request_encoding)
        total = s.ClientStream((pb.Number(value=i, pad=b"p" * 1000) for i in range(100)), timeout=TIMEOUT)
        assert total.count == 100 and total.pad_bytes == 100000, total
    # Responses compressed by our server, read by grpcio.
    plain = stub(target)
    reply = plain.Unary(pb.EchoRequest(message="c", compress_response=True, response_payload_size=300000), timeout=TIMEOUT)
    assert len(reply.payload) == 300000
    replies = list(stub(target, compression=grpc.Compression.Gzip).ServerStream(
        pb.StreamRequest(count=50, payload_size=10000, compress_response=True), timeout=TIMEOUT))
    assert len(replies) == 50 and all(len(r.payload) == 10000 for r in replies)
    return {}


def size_limits(target, _):
    s = stub(target)
    # Over our server's 4 MiB receive limit.
    expect_error(lambda: s.Unary(pb.EchoRequest(payload=b"x" * (5 * 1024 * 1024)), timeout=TIMEOUT), grpc.StatusCode.RESOURCE_EXHAUSTED)
    # A 3 MiB reply: over a grpcio client limited to 2 MiB, and fine with grpcio's 4 MiB default.
    small = stub(target, options=[("grpc.max_receive_message_length", 2 * 1024 * 1024)])
    expect_error(lambda: small.Unary(pb.EchoRequest(response_payload_size=3 * 1024 * 1024), timeout=TIMEOUT), grpc.StatusCode.RESOURCE_EXHAUSTED)
    reply = s.Unary(pb.EchoRequest(response_payload_size=3 * 1024 * 1024), timeout=TIMEOUT)
    assert len(reply.payload) == 3 * 1024 * 1024
    # A 5 MiB reply: over our server's 4 MiB send limit (Grpc:MaxSendMessageBytes), refused by the
    # server even to a client that would take it. (The old layer had no send limit: it went out.)
    big = stub(target, options=[("grpc.max_receive_message_length", 16 * 1024 * 1024)])
    expect_error(lambda: big.Unary(pb.EchoRequest(response_payload_size=5 * 1024 * 1024), timeout=TIMEOUT), grpc.StatusCode.RESOURCE_EXHAUSTED,
                 "Sending message exceeds the maximum configured message size.")
    # Just under the limit goes through.
    reply = s.Unary(pb.EchoRequest(payload=b"y" * (4 * 1024 * 1024 - 64)), timeout=TIMEOUT)
    assert len(reply.payload) == 4 * 1024 * 1024 - 64
    return {}


def health(target, _):
    health_pb2 = load_health_pb2()
    ch = channel(target)
    check = ch.unary_unary("/grpc.health.v1.Health/Check", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                           response_deserializer=health_pb2.HealthCheckResponse.FromString)
    watch = ch.unary_stream("/grpc.health.v1.Health/Watch", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                            response_deserializer=health_pb2.HealthCheckResponse.FromString)
    # The server as a whole and each public service, as AddPriceIngestGrpc maps them.
    for name in ["", "priceingest.v1.IngestService", "priceingest.v1.PriceService"]:
        status = check(health_pb2.HealthCheckRequest(service=name), timeout=TIMEOUT).status
        assert status == health_pb2.HealthCheckResponse.SERVING, (name, status)
    expect_error(lambda: check(health_pb2.HealthCheckRequest(service="nope"), timeout=TIMEOUT), grpc.StatusCode.NOT_FOUND)
    stream = watch(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    assert next(stream).status == health_pb2.HealthCheckResponse.SERVING
    stream.cancel()
    return {}


def million(target, args):
    count, pad = int(args[0]), int(args[1])
    padding = b"p" * pad
    tag = args[2]

    def numbers():
        yield pb.Number(value=0, pad=padding, tag=tag)
        for i in range(1, count):
            yield pb.Number(value=i, pad=padding)

    started = time.monotonic()
    reply = stub(target).ClientStream(numbers(), timeout=float(args[3]))
    elapsed = time.monotonic() - started
    assert reply.count == count and reply.sum == count * (count - 1) // 2 and reply.pad_bytes == count * pad, reply
    return {"seconds": round(elapsed, 3), "count": reply.count}


def unary_latency(target, args):
    s = stub(target)
    for _ in range(300):
        s.Unary(pb.EchoRequest(message="warm-up"), timeout=TIMEOUT)
    n = int(args[0])
    started = time.monotonic()
    for _ in range(n):
        s.Unary(pb.EchoRequest(message="ping"), timeout=TIMEOUT)
    return {"mean_ms": round((time.monotonic() - started) * 1000 / n, 3)}


def tls_unary(target, args):
    with open(args[0], "rb") as f:
        root = f.read()
    credentials = grpc.ssl_channel_credentials(root_certificates=root)
    ch = grpc.secure_channel(target, credentials, options=[("grpc.enable_http_proxy", 0), ("grpc.ssl_target_name_override", "localhost")])
    reply = pb_grpc.EchoServiceStub(ch).Unary(pb.EchoRequest(message="over tls"), timeout=TIMEOUT)
    assert reply.message == "over tls", reply
    return {}


SCENARIOS = {f.__name__: f for f in [
    unary, metadata, client_stream, server_stream, server_stream_error, duplex, status_codes, unicode_message,
    rich_details, internal_error, unimplemented, deadline, cancel_stream, cancel_unary, compression, size_limits,
    health, million, unary_latency, tls_unary,
]}


def main():
    port, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    result = SCENARIOS[scenario]("127.0.0.1:" + port, args)
    print("OK " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
