"""Debian's python3-grpcio as a client of the silo's public gRPC API, with stubs generated from
protos/priceingest/v1 at test time. One scenario per run; prints "OK <json>" on success.

usage: priceingest_client.py PORT SCENARIO [ARGS...]
"""
import importlib.util
import json
import os
import random
import sys
import threading
import time

import grpc

from priceingest.v1 import ingest_pb2, ingest_pb2_grpc, prices_pb2, prices_pb2_grpc

STUBS = os.environ["PRICEINGEST_PY_STUBS"]
TIMEOUT = 30
# Never route loopback test traffic through a proxy an environment may define.
OPTIONS = [("grpc.enable_http_proxy", 0)]


def load_health_pb2():
    # grpc/health/v1/health_pb2.py would be shadowed by the grpcio package ("grpc"): load it by path.
    path = os.path.join(STUBS, "grpc", "health", "v1", "health_pb2.py")
    spec = importlib.util.spec_from_file_location("priceingest_health_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expect_error(fn, code, contains=None):
    try:
        fn()
    except grpc.RpcError as e:
        assert e.code() == code, "expected %s, got %s: %s" % (code, e.code(), e.details())
        if contains is not None:
            assert contains in e.details(), "expected %r in details %r" % (contains, e.details())
        return e.details()
    raise AssertionError("expected %s, but the call succeeded" % code)


def item(origin, destination, day, price):
    return ingest_pb2.PriceItem(origin=origin, destination=destination, day=day, price=price)


def header(batch_id, declared=None):
    h = ingest_pb2.BatchHeader(batch_id=batch_id, source="python-grpcio")
    if declared is not None:
        h.declared_items = declared
    return ingest_pb2.UploadBatchRequest(header=h)


def items(*xs):
    return ingest_pb2.UploadBatchRequest(items=ingest_pb2.PriceItems(items=list(xs)))


def wait_for_status(ingest, batch_id, status):
    for _ in range(300):
        try:
            if ingest.GetBatch(ingest_pb2.GetBatchRequest(batch_id=batch_id), timeout=TIMEOUT).status == status:
                return
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.NOT_FOUND:
                raise
        time.sleep(0.1)
    raise AssertionError("batch %s never reached %s" % (batch_id, status))


def rates(prices, origin, destination, date_from, date_to, **kw):
    return prices.GetRates(prices_pb2.RatesRequest(origin=origin, destination=destination, date_from=date_from, date_to=date_to, **kw),
                           timeout=TIMEOUT)


def all_rpcs(ch, tag):
    ingest, prices = ingest_pb2_grpc.IngestServiceStub(ch), prices_pb2_grpc.PriceServiceStub(ch)
    # UploadBatch: header, then items in two messages.
    receipt = ingest.UploadBatch(iter([header("py-up-" + tag, declared=4),
                                       items(item("CNSGH", "NLRTM", "2015-06-01", 100), item("CNSGH", "NLRTM", "2015-06-01", 200)),
                                       items(item("CNSGH", "NLRTM", "2015-06-01", 300), item("CNNBO", "DEHAM", "2015-06-02", 50))]),
                                 timeout=TIMEOUT)
    assert receipt.status == ingest_pb2.BATCH_STATUS_COMMITTED and receipt.items == 4 and receipt.commit_seq > 0, receipt
    # The same id again: the first receipt, nothing written.
    again = ingest.UploadBatch(iter([header("py-up-" + tag), items(item("CNSGH", "NLRTM", "2015-06-01", 9))]), timeout=TIMEOUT)
    assert (again.status, again.commit_seq, again.items) == (receipt.status, receipt.commit_seq, 4), again
    # SubmitBatch
    submitted = ingest.SubmitBatch(ingest_pb2.SubmitBatchRequest(header=ingest_pb2.BatchHeader(batch_id="py-sub-" + tag),
                                                                 items=[item("CNSGH", "NLRTM", "2015-06-01", 400)]), timeout=TIMEOUT)
    assert submitted.status == ingest_pb2.BATCH_STATUS_COMMITTED and submitted.commit_seq > receipt.commit_seq, submitted
    # GetBatch
    got = ingest.GetBatch(ingest_pb2.GetBatchRequest(batch_id="py-up-" + tag), timeout=TIMEOUT)
    assert (got.status, got.commit_seq, got.items) == (receipt.status, receipt.commit_seq, 4), got
    assert got.received_at.seconds > 0 and got.finished_at.seconds > 0, got
    # GetRates, reading our own writes.
    reply = rates(prices, "CNSGH", "NLRTM", "2015-06-01", "2015-06-02", min_commit_seq=submitted.commit_seq)
    days = [(d.day, d.average_price if d.HasField("average_price") else None, d.count) for d in reply.days]
    assert days == [("2015-06-01", 250, 4), ("2015-06-02", None, 0)], days
    one = rates(prices, "asia", "north_europe", "2015-06-02", "2015-06-02", min_count=1, min_commit_seq=submitted.commit_seq)
    assert [(d.average_price, d.count) for d in one.days] == [(50, 1)], one
    # A rejection is an OK reply carrying the item errors.
    rejected = ingest.UploadBatch(iter([header("py-bad-" + tag), items(item("CNSGH", "NLRTM", "2016-06-01", 1)),
                                        items(item("CNSGH", "XXXXX", "2016-02-30", 0))]), timeout=TIMEOUT)
    assert rejected.status == ingest_pb2.BATCH_STATUS_REJECTED and rejected.invalid_items == 1, rejected
    errors = [(e.index, e.field, e.value) for e in rejected.errors]
    assert errors == [(1, "destination", "XXXXX"), (1, "day", "2016-02-30"), (1, "price", "0")], errors
    # Health: Check and the first answer of Watch.
    health_pb2 = load_health_pb2()
    check = ch.unary_unary("/grpc.health.v1.Health/Check", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                           response_deserializer=health_pb2.HealthCheckResponse.FromString)
    watch = ch.unary_stream("/grpc.health.v1.Health/Watch", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                            response_deserializer=health_pb2.HealthCheckResponse.FromString)
    assert check(health_pb2.HealthCheckRequest(service="priceingest.v1.IngestService"), timeout=TIMEOUT).status == health_pb2.HealthCheckResponse.SERVING
    stream = watch(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    assert next(stream).status == health_pb2.HealthCheckResponse.SERVING
    stream.cancel()
    return {"commit_seq": receipt.commit_seq, "rejected_errors": len(errors)}


def errors(ch, tag):
    ingest, prices = ingest_pb2_grpc.IngestServiceStub(ch), prices_pb2_grpc.PriceServiceStub(ch)
    out = {}
    out["get_unknown"] = expect_error(lambda: ingest.GetBatch(ingest_pb2.GetBatchRequest(batch_id="never-" + tag), timeout=TIMEOUT),
                                      grpc.StatusCode.NOT_FOUND, "was never received")
    out["items_first"] = expect_error(lambda: ingest.UploadBatch(iter([items(item("CNSGH", "NLRTM", "2016-06-01", 1))]), timeout=TIMEOUT),
                                      grpc.StatusCode.INVALID_ARGUMENT, "header")
    out["header_twice"] = expect_error(lambda: ingest.UploadBatch(iter([header("py-twice-" + tag), header("py-twice-" + tag)]), timeout=TIMEOUT),
                                       grpc.StatusCode.INVALID_ARGUMENT, "header arrived again")
    out["bad_id"] = expect_error(lambda: ingest.SubmitBatch(ingest_pb2.SubmitBatchRequest(header=ingest_pb2.BatchHeader(batch_id="no spaces")),
                                                            timeout=TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT, "header.batch_id")
    out["bad_date"] = expect_error(lambda: rates(prices, "CNSGH", "NLRTM", "2016-13-01", "2016-01-02"),
                                   grpc.StatusCode.INVALID_ARGUMENT, "date_from '2016-13-01'")
    out["range"] = expect_error(lambda: rates(prices, "CNSGH", "NLRTM", "2016-01-01", "2019-01-02"), grpc.StatusCode.INVALID_ARGUMENT, "date_to")
    out["unknown_place"] = expect_error(lambda: rates(prices, "CNSGH", "atlantis", "2016-01-01", "2016-01-02"),
                                        grpc.StatusCode.NOT_FOUND, "destination 'atlantis'")
    # 5 MiB in one message: over the 4 MiB default.
    fat = items(*[item("CNSGH", "NLRTM", "2016-06-01", 1)] * 200_000)
    out["too_big"] = expect_error(lambda: ingest.UploadBatch(iter([header("py-fat-" + tag), fat]), timeout=TIMEOUT),
                                  grpc.StatusCode.RESOURCE_EXHAUSTED)
    # A concurrent duplicate of an upload in progress.
    release = threading.Event()

    def slow():
        yield header("py-busy-" + tag)
        yield items(item("CNSGH", "NLRTM", "2016-06-01", 1))
        release.wait(TIMEOUT)
        yield items(item("CNSGH", "NLRTM", "2016-06-01", 2))
    first = ingest.UploadBatch.future(slow(), timeout=TIMEOUT)
    wait_for_status(ingest, "py-busy-" + tag, ingest_pb2.BATCH_STATUS_RECEIVING)
    out["duplicate"] = expect_error(lambda: ingest.UploadBatch(iter([header("py-busy-" + tag), items(item("CNSGH", "NLRTM", "2016-06-01", 3))]),
                                                               timeout=TIMEOUT), grpc.StatusCode.ALREADY_EXISTS, "py-busy-" + tag)
    release.set()
    done = first.result()
    assert done.status == ingest_pb2.BATCH_STATUS_COMMITTED and done.items == 2, done
    return out


def stalled_upload(batch_id, started, cancelled):
    yield header(batch_id)
    yield items(*[item("CNSGH", "NLRTM", "2016-06-01", i + 1) for i in range(1000)])
    started.set()
    cancelled.wait(TIMEOUT)


def deadline(ch, tag):
    ingest = ingest_pb2_grpc.IngestServiceStub(ch)
    started, stop = threading.Event(), threading.Event()
    t0 = time.monotonic()
    expect_error(lambda: ingest.UploadBatch(stalled_upload("py-deadline-" + tag, started, stop), timeout=1.0), grpc.StatusCode.DEADLINE_EXCEEDED)
    elapsed = time.monotonic() - t0
    stop.set()
    wait_for_status(ingest, "py-deadline-" + tag, ingest_pb2.BATCH_STATUS_ABORTED)
    assert 0.9 <= elapsed < 10, elapsed
    return {"elapsed_s": round(elapsed, 2)}


def cancel(ch, tag):
    ingest = ingest_pb2_grpc.IngestServiceStub(ch)
    started, stop = threading.Event(), threading.Event()
    call = ingest.UploadBatch.future(stalled_upload("py-cancel-" + tag, started, stop), timeout=TIMEOUT)
    assert started.wait(TIMEOUT)
    wait_for_status(ingest, "py-cancel-" + tag, ingest_pb2.BATCH_STATUS_RECEIVING)
    assert call.cancel()
    stop.set()
    try:
        call.result()
        raise AssertionError("a cancelled call returned a result")
    except grpc.FutureCancelledError:
        pass
    wait_for_status(ingest, "py-cancel-" + tag, ingest_pb2.BATCH_STATUS_ABORTED)
    # The id is free again.
    retry = ingest.UploadBatch(iter([header("py-cancel-" + tag), items(item("CNSGH", "NLRTM", "2016-06-01", 7))]), timeout=TIMEOUT)
    assert retry.status == ingest_pb2.BATCH_STATUS_COMMITTED and retry.items == 1, retry
    return {"commit_seq": retry.commit_seq}


def gzip(ch, tag):
    ingest, prices = ingest_pb2_grpc.IngestServiceStub(ch), prices_pb2_grpc.PriceServiceStub(ch)
    messages = [header("py-gzip-" + tag)] + [items(*[item("CNNBO", "ESBCN", "2016-07-01", 10 + m) for _ in range(500)]) for m in range(4)]
    receipt = ingest.UploadBatch(iter(messages), timeout=TIMEOUT, compression=grpc.Compression.Gzip)
    assert receipt.status == ingest_pb2.BATCH_STATUS_COMMITTED and receipt.items == 2000, receipt
    reply = prices.GetRates(prices_pb2.RatesRequest(origin="CNNBO", destination="ESBCN", date_from="2016-07-01", date_to="2016-07-01",
                                                    min_commit_seq=receipt.commit_seq), timeout=TIMEOUT, compression=grpc.Compression.Gzip)
    assert [(d.average_price, d.count) for d in reply.days] == [(12, 2000)], reply  # (10+11+12+13)/4 = 11.5 -> 12
    return {"items": receipt.items}


def metadata(ch, tag):
    ingest, prices = ingest_pb2_grpc.IngestServiceStub(ch), prices_pb2_grpc.PriceServiceStub(ch)
    md = (("authorization", "Bearer py-token"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
          ("x-etl-job", "nightly"), ("x-trace-bin", b"\x00\x01\xfe\xff"))
    receipt, call = ingest.UploadBatch.with_call(iter([header("py-md-" + tag), items(item("CNSGH", "DEHAM", "2016-08-01", 5))]),
                                                 timeout=TIMEOUT, metadata=md)
    assert receipt.status == ingest_pb2.BATCH_STATUS_COMMITTED, receipt
    assert call.code() == grpc.StatusCode.OK
    reply, call = prices.GetRates.with_call(prices_pb2.RatesRequest(origin="CNSGH", destination="DEHAM", date_from="2016-08-01",
                                                                    date_to="2016-08-01", min_count=1, min_commit_seq=receipt.commit_seq),
                                            timeout=TIMEOUT, metadata=md)
    assert [(d.average_price, d.count) for d in reply.days] == [(5, 1)], reply
    headers = dict(call.initial_metadata())
    return {"initial_metadata": sorted(headers.keys()), "trailing_metadata": sorted(k for k, _ in call.trailing_metadata())}


def million(ch, tag, total="1000000", per_message="10000"):
    ingest = ingest_pb2_grpc.IngestServiceStub(ch)
    total, per_message = int(total), int(per_message)
    ports = ["NLRTM", "DEHAM", "ESBCN", "CNSGH", "CNNBO"]
    lanes = [(o, d) for o in ports for d in ports if o != d]
    days = ["2017-%02d-%02d" % (m, d) for m in range(1, 13) for d in range(1, 29)]
    rnd = random.Random(7)
    t0 = time.monotonic()
    messages = [header("py-million-" + tag, declared=total)]
    for start in range(0, total, per_message):
        chunk = []
        for i in range(start, min(total, start + per_message)):
            o, d = lanes[i % len(lanes)]
            chunk.append(item(o, d, days[i % len(days)], rnd.randint(1, 5000)))
        messages.append(items(*chunk))
    built = time.monotonic() - t0
    t1 = time.monotonic()
    receipt = ingest.UploadBatch(iter(messages), timeout=600)
    elapsed = time.monotonic() - t1
    assert receipt.status == ingest_pb2.BATCH_STATUS_COMMITTED and receipt.items == total, receipt
    return {"items": receipt.items, "commit_seq": receipt.commit_seq, "messages": len(messages) - 1,
            "build_s": round(built, 2), "upload_s": round(elapsed, 2), "items_per_s": int(total / elapsed)}


SCENARIOS = {"all_rpcs": all_rpcs, "errors": errors, "deadline": deadline, "cancel": cancel, "gzip": gzip, "metadata": metadata,
             "million": million}


def main():
    port, scenario, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    with grpc.insecure_channel("127.0.0.1:" + port, options=OPTIONS) as ch:
        result = SCENARIOS[scenario](ch, *args)
    print("OK " + json.dumps(result))


if __name__ == "__main__":
    main()
