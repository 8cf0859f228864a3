#!/usr/bin/env bash
# Installs what the tests need and a fresh machine may lack (Debian packages): PostgreSQL's server
# binaries (the fixtures start their own clusters), python3-grpcio with its protoc (the
# independent gRPC peer of the interop tests, in Debian's own /usr/bin/python3), Prometheus with
# promtool (the alert rules' tests and a real scrape), docker-compose (the compose file's
# check; no engine runs), Chromium (the Orleans dashboard, opened headless) and Patroni with
# etcd (the database failover test's manager). Does nothing when they are there. Needs root, or sudo.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
/usr/bin/python3 -c 'import grpc, grpc_tools' >/dev/null 2>&1 || missing+=(python3-grpcio python3-grpc-tools)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v patroni >/dev/null 2>&1 || missing+=(patroni python3-etcd)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "the tests need these Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
echo "installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The tests start their own Prometheus on loopback; the packaged service would hold port 9090.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null 2>&1; then
  "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
# Likewise the packaged etcd and patroni services: the failover test starts its own on free ports.
if command -v systemctl >/dev/null 2>&1; then
  "${sudo[@]}" systemctl disable --now etcd patroni >/dev/null 2>&1 || true
fi
