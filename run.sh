#!/usr/bin/env bash
# Serves the ShopPulse API locally. Until the local API gateway lands, this
# builds Release and replays the recorded sample events through the real
# bootstrap under the local Runtime API emulator, printing each response.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh all
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/shoppulse-ccache}
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target bootstrap replay runtime_emulator

exec build/release/tools/replay/replay \
  --bootstrap build/release/bootstrap/bootstrap \
  --events tests/replay/events/foundation "$@"
