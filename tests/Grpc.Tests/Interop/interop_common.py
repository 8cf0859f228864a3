"""Helpers shared by the interop scripts: stub loading and channel setup."""
import importlib.util
import os

import grpc

STUBS = os.environ["PRICEINGEST_PY_STUBS"]

# Never route loopback test traffic through a proxy an environment may define.
CHANNEL_OPTIONS = [("grpc.enable_http_proxy", 0)]


def load_health_pb2():
    # Generated as grpc/health/v1/health_pb2.py, which the grpcio package ("grpc") would shadow
    # on import: load it from its file instead.
    path = os.path.join(STUBS, "grpc", "health", "v1", "health_pb2.py")
    spec = importlib.util.spec_from_file_location("priceingest_health_pb2", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def channel(target, compression=None, options=()):
    return grpc.insecure_channel(target, options=CHANNEL_OPTIONS + list(options), compression=compression)


def expect_error(fn, code, details=None):
    try:
        fn()
    except grpc.RpcError as e:
        assert e.code() == code, "expected %s, got %s: %s" % (code, e.code(), e.details())
        if details is not None:
            assert e.details() == details, "expected details %r, got %r" % (details, e.details())
        return e
    raise AssertionError("expected %s, but the call succeeded" % code)
