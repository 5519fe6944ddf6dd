#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need, builds, tests.
# Usage: scripts/test.sh   (from anywhere; exits non-zero when a test fails)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in mosquitto:/usr/sbin/mosquitto influxdb:/usr/bin/influxd victoria-metrics:/usr/bin/victoria-metrics \
           postgresql:/usr/lib/postgresql/*/bin/initdb redis-server:/usr/bin/redis-server chromium:/usr/bin/chromium \
           nodejs:/usr/bin/node npm:/usr/bin/npm; do
    # shellcheck disable=SC2086 # the path may hold a glob (postgresql's versioned folder)
    compgen -G "${pkg#*:}" >/dev/null || need+=("${pkg%%:*}")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "test.sh: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Real-data tests skip without the recorded datasets; in CI they are always beside the clone, so a missing
# folder there is a broken setup, not a reason to pass with skips (STABILITY_REQUIRE_DATASETS=1 asks the same).
datasets=${STABILITY_DATASETS:-../shared/datasets}
if [ "${CI:-}" = "true" ] || [ "${STABILITY_REQUIRE_DATASETS:-}" = "1" ]; then
    for d in sisfall sisfall-enhanced umafall; do
        if [ ! -d "$datasets/$d" ]; then
            echo "test.sh: dataset folder '$datasets/$d' is missing; the real-data tests need it (set STABILITY_DATASETS)." >&2
            exit 3
        fi
    done
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
dotnet test StabilityMonitor.sln -c Release --logger "trx" --results-directory "$results" || status=$?

# One plain summary line over all test assemblies, for humans and CI alike.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f1=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f1:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
# The failed tests again, last, with the start of their messages: a CI log is often read from its tail only, and a
# failing test's own output (server logs) can push dotnet test's report of it far above.
for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    awk '/<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); print "failed: " substr($0, RSTART + 10, RLENGTH - 11); want = 1 }
         want && /<Message>/ { sub(/.*<Message>/, ""); print "  " substr($0, 1, 1500); want = 0 }' "$f"
done
exit $status
