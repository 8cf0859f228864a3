"""Generates python stubs from our .proto files with grpc_tools' protoc (the same files C# uses).

usage: gen_stubs.py PROTO_ROOT OUT_DIR
"""
import os
import sys

import grpc_tools
from grpc_tools import protoc

PROTOS = ["interop_test.proto", "google/rpc/status.proto", "grpc/health/v1/health.proto"]


def main():
    proto_root, out_dir = sys.argv[1], sys.argv[2]
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", "-I" + proto_root, "-I" + well_known,
            "--python_out=" + out_dir, "--grpc_python_out=" + out_dir] + PROTOS
    code = protoc.main(args)
    if code != 0:
        sys.exit("protoc failed with exit code %d" % code)
    print("OK")


if __name__ == "__main__":
    main()
