#!/usr/bin/env bash
# perf profile of `s3storm serve --discard` (or nginx) under bench/embedded.sh's PUT load; see
# bench/server_profile.py. Every server the script starts is stopped by the script.
#   bash bench/server_profile.sh [--target embedded|nginx] [--seconds 4] [--top 40]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 "$here/server_profile.py" "$@"
