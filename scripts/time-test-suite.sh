#!/usr/bin/env bash
# Wall time of the whole test suite (`npm test`), idle or with both cores of a 2-core machine
# kept busy by two `yes` processes. A measurement for docs/testing.md, not a test.
#
#   bash scripts/time-test-suite.sh          # idle
#   bash scripts/time-test-suite.sh --busy   # two `yes >/dev/null` beside it
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  '') busy=0 ;;
  --busy) busy=1 ;;
  *) echo "unknown option \"$1\" (options: --busy)" >&2; exit 2 ;;
esac
hogs=()
if [ "$busy" = 1 ]; then
  yes >/dev/null & hogs+=($!)
  yes >/dev/null & hogs+=($!)
  trap 'kill "${hogs[@]}" 2>/dev/null || true' EXIT
fi
start=$(date +%s)
status=0
npm test || status=$?
end=$(date +%s)
echo "npm test: exit $status, wall $((end - start)) s ($([ "$busy" = 1 ] && echo 'both cores busy' || echo idle)), $(nproc) cores, load average at the end $(cut -d' ' -f1 /proc/loadavg), $(date -u +%Y-%m-%d)"
exit $status
