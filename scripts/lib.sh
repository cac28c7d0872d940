# shellcheck shell=bash
# Shell helpers shared by the repo's scripts and shell tests. Source it
# (`. "$ROOT/scripts/lib.sh"`); running it does nothing.

# Prints a TCP port on 127.0.0.1 that is free right now. Another process can
# take it before the caller binds it, so callers that can retry should.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Exit status 0 when TCP port $1 on 127.0.0.1 can be bound now.
port_free() {
  python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
}

# Shell tests run by ctest: a failure exits 1, a skip exits 77 (the tests'
# SKIP_RETURN_CODE) with the reason on stdout, where ctest shows it.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
skip() {
  echo "SKIP: $*"
  exit 77
}
