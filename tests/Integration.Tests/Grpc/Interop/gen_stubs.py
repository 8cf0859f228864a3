"""Generates python stubs (messages and service stubs) from the public protos with grpc_tools' protoc.

usage: gen_stubs.py PROTO_ROOT OUT_DIR   (e.g. gen_stubs.py protos /tmp/stubs from the repository root;
the health proto is generated too when PROTO_ROOT holds it, as the tests' copy does)

Debian's python3-grpc-tools (1.14) bundles protoc 3.5.1, which predates proto3 `optional`. Each
`optional T name = N;` is therefore rewritten to `oneof _name { T name = N; }` in a copy of the
protos: that is exactly how newer protoc represents such a field (a synthetic oneof), with the same
wire format and the same presence (HasField) in python. Nothing else is changed.
"""
import os
import re
import shutil
import sys

import grpc_tools
from grpc_tools import protoc

PROTOS = ["priceingest/v1/ingest.proto", "priceingest/v1/prices.proto", "grpc/health/v1/health.proto"]
OPTIONAL = re.compile(r"^(\s*)optional\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;", re.MULTILINE)


def main():
    proto_root, out_dir = sys.argv[1], sys.argv[2]
    copies = os.path.join(out_dir, "_protos")
    protos = [p for p in PROTOS if os.path.exists(os.path.join(proto_root, p))]
    for proto in protos:
        target = os.path.join(copies, proto)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(os.path.join(proto_root, proto), encoding="utf-8") as source:
            text = source.read()
        with open(target, "w", encoding="utf-8") as copy:
            copy.write(OPTIONAL.sub(r"\1oneof _\3 { \2 \3 = \4; }", text))
    os.makedirs(out_dir, exist_ok=True)
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", "-I" + copies, "-I" + well_known, "--python_out=" + out_dir, "--grpc_python_out=" + out_dir] + protos
    code = protoc.main(args)
    shutil.rmtree(copies)
    if code != 0:
        sys.exit("protoc failed with exit code %d" % code)
    print("OK")


if __name__ == "__main__":
    main()
