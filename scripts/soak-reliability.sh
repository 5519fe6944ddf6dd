#!/usr/bin/env bash
# The fault tests of tests/StabilityMonitor.IntegrationTests/Faults at soak size: 10^6 hostile-header frames,
# 10^6 random device ids, the proxy answering 400 for 60 s (all sizes can be changed, see below), and the server
# SIGKILLed 3 times mid-stream. Each test prints its figures (counts, memory, latencies); this prints them at the end.
# Usage: scripts/soak-reliability.sh [extra dotnet test filter, e.g. 'Name~DeviceIdFlood']
#   STABILITY_FAULT_FRAMES=1000000         frames of the hostile-header and random-id floods (the suite uses 10^5)
#   STABILITY_FAULT_OUTAGE_SECONDS=60      how long the proxy answers 400
# Needs Debian's mosquitto and influxdb (scripts/test.sh installs them). Takes about an hour on 2 cores, most of it
# the random-id flood, which the server takes at roughly 700 new ids/s. Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

export STABILITY_FAULT_FRAMES=${STABILITY_FAULT_FRAMES:-1000000}
export STABILITY_FAULT_OUTAGE_SECONDS=${STABILITY_FAULT_OUTAGE_SECONDS:-60}
filter="FullyQualifiedName~StabilityMonitor.IntegrationTests.Faults"
if [ $# -gt 0 ]; then
    filter="$filter&$1"
fi

for bin in /usr/sbin/mosquitto /usr/bin/influxd; do
    if [ ! -x "$bin" ]; then
        echo "soak-reliability.sh: $bin is missing; run scripts/test.sh once (it installs mosquitto and influxdb)." >&2
        exit 3
    fi
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "soak-reliability.sh: $STABILITY_FAULT_FRAMES frames per flood, ${STABILITY_FAULT_OUTAGE_SECONDS} s of 400s; filter $filter"
status=0
dotnet test tests/StabilityMonitor.IntegrationTests -c Release --filter "$filter" --logger "console;verbosity=detailed" | tee "$log" || status=$?

# The figures: each test's own summary lines (not the server logs it also prints on failure).
echo
echo "=== figures ==="
grep -E '^\s+(Passed|Failed) |^\s+[0-9.]+ s: |ids:|hostile frames|clean-[12] |received [0-9]|undisturbed:|killed [0-9]|missing after kills|mosquitto SIGKILLed|server: received|bk[0-9]+:|of 400s|after: |falls of|fall at device time' "$log" | grep -v '^\s*\[[0-9]*\]' || true
exit $status
