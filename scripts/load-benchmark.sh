#!/usr/bin/env bash
# Load benchmark of the server (issue 11, docs/performance.md): on this machine, against Debian's mosquitto on
# loopback, measures in one run the bare subscriber's ceiling, the server's burst drain, the highest steady device
# count sustained with zero loss and < 1 s lag, CPU per frame, allocation per sample, resident memory, and
# arrival -> hub latency of injected near-falls. Prints a markdown table; raw JSON per point goes to the output folder.
#
# Usage: scripts/load-benchmark.sh [--quick] [--repeats N] [--burst M] [--burst-devices N] [--steps "N1 N2 ..."]
#                                  [--step-seconds S] [--out DIR] [--no-build] [--latency-at N] [--report DIR]
#                                  [--loops N] [--drains-only] [--server-dir DIR] [--settle S]
#   --quick   a couple of minutes: 1 repeat, a 30,000-frame burst, steps 500 1000 2000 4000 of 12 s
#   default   3 repeats, a 300,000-frame burst over 5,000 devices, steps 1000 2000 3000 4000 6000 8000 10000 of 30 s
#   --latency-at N   only the latency point, at N devices (into --out DIR, beside an earlier run's results)
#   --report DIR     only print the table of the results in DIR
#   --drains-only    only the bare subscriber and the server draining bursts, cold and warm (no steady steps, no latency)
#   --loops N        the server's processing loops (Pipeline:ProcessingLoops; 0 = one per two cores; default 1)
#   --server-dir DIR run the server published in DIR (e.g. another commit's, for an A/B) instead of building this one
#   --settle S       seconds both sides idle before the warm burst, their JIT catching up (default 20; --quick 5)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=0; repeats=3; burst=300000; burst_devices=5000; steps="1000 2000 3000 4000 6000 8000 10000"; step_seconds=30
latency_seconds=60; near_falls=20; out=""; build=1; mode=all; at=0; loops=1; server_dir=""; settle=20
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; repeats=1; burst=30000; burst_devices=1000; steps="500 1000 2000 4000"; step_seconds=12
                 latency_seconds=30; near_falls=6; settle=5 ;;
        --repeats) repeats=$2; shift ;;
        --burst) burst=$2; shift ;;
        --burst-devices) burst_devices=$2; shift ;;
        --steps) steps=$2; shift ;;
        --step-seconds) step_seconds=$2; shift ;;
        --out) out=$2; shift ;;
        --no-build) build=0 ;;
        --latency-at) mode=latency; at=$2; shift ;;
        --report) mode=report; out=$2; build=0; shift ;;
        --loops) loops=$2; shift ;;
        --drains-only) mode=drains ;;
        --server-dir) server_dir=$(cd "$2" && pwd); shift ;;
        --settle) settle=$2; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "load-benchmark.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ "$mode" != report ]; then
need=()
for pkg in mosquitto:/usr/sbin/mosquitto jq:/usr/bin/jq curl:/usr/bin/curl; do
    [ -x "${pkg#*:}" ] || need+=("${pkg%%:*}")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "load-benchmark.sh: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
own_server=0
[ -n "$server_dir" ] || { server_dir="$repo/src/StabilityMonitor.Server/bin/Release/net10.0/$rid/publish-r2r"; own_server=1; }
if [ "$build" = 1 ]; then
    echo "building (Release; the server published ReadyToRun) ..." >&2
    dotnet build firmware-sim/StabilityMonitor.FirmwareSim.csproj -c Release -v q -nologo >&2
    # The generator and its hub probe ReadyToRun too: built by the JIT, the generator spent its first seconds compiling
    # while it published, and its probe compiled the hub client's dispatch at the first alert (docs/performance.md,
    # sixteenth session). The bare subscriber stays the plain build, the ceiling every earlier run measured.
    dotnet publish firmware-sim/StabilityMonitor.FirmwareSim.csproj -c Release -r "$rid" --self-contained false \
        -p:PublishReadyToRun=true -o "$repo/firmware-sim/bin/Release/net10.0/$rid/publish-r2r" -v q -nologo >&2
    # The server as it is deployed: published ReadyToRun (precompiled), so that a drain right after a start is not
    # spent in the JIT (docs/performance.md: about a third less CPU per frame, start-up 8 s -> 3 s here).
    if [ "$own_server" = 1 ]; then
        dotnet publish src/StabilityMonitor.Server/StabilityMonitor.Server.csproj -c Release -r "$rid" --self-contained false \
            -p:PublishReadyToRun=true -o "$server_dir" -v q -nologo >&2
    fi
fi
[ -x "$server_dir/StabilityMonitor.Server" ] || { echo "load-benchmark.sh: no published server in $server_dir" >&2; exit 2; }
fs="$repo/firmware-sim/bin/Release/net10.0/$rid/publish-r2r/firmware-sim"
bare="$repo/firmware-sim/bin/Release/net10.0/firmware-sim"
for f in "$fs" "$bare"; do
    [ -x "$f" ] || { echo "load-benchmark.sh: no firmware-sim in ${f%/*} (run once without --no-build)" >&2; exit 2; }
done

work=$(mktemp -d -t load-benchmark.XXXXXX)
out=${out:-$work/results}
mkdir -p "$out"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work/data" "$work/mosquitto"
}
trap cleanup EXIT

free_port() {
    local port
    while :; do
        port=$(( (RANDOM * 32768 + RANDOM) % 30000 + 20000 ))
        ss -Hltn "sport = :$port" | grep -q . || { echo "$port"; return; }
    done
}
now() { date +%s.%N; }
# CPU seconds (user + system) of a process so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
metric() { { curl -sf "http://127.0.0.1:$http_port/metrics" || true; } | awk -v name="$1" '$1 == name || $1 == name "{}" { v = $2 } END { print (v == "" ? 0 : v) }'; }
# too_many: frames rejected because the device table was full (Pipeline:MaxDevices), whatever other labels the exporter adds
too_many() { { curl -sf "http://127.0.0.1:$http_port/metrics" || true; } | awk 'index($1, "stability_frames_rejected_total{") == 1 && index($1, "reason=\"too_many_devices\"") { v += $2 } END { print v + 0 }'; }
# hist NAME: a histogram of the server's as JSON: {count, over_50ms, max_le} (max_le: the bucket bound the largest value is under)
hist() {
    { curl -sf "http://127.0.0.1:$http_port/metrics" || true; } | awk -v n="$1" '
        index($1, n "_bucket{le=\"") == 1 { le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le); b[++k] = le; c[k] = $2 }
        $1 == n "_count" || $1 == n "_count{}" { total = $2 }
        END {
            over = 0; max = "null"
            for (i = 1; i <= k; i++) {
                if (b[i] == "0.05") over = total - c[i]
                if (max == "null" && total > 0 && c[i] >= total) max = (b[i] == "+Inf" ? "\"+Inf\"" : b[i])
            }
            printf "{\"count\":%d,\"over_50ms\":%d,\"max_le\":%s}\n", total + 0, over, max
        }'
}

# --- mosquitto: loopback only, no per-client queue or in-flight limits (the issue's setup) ---
mkdir -p "$work/mosquitto"
mqtt_port=$(free_port)
cat > "$work/mosquitto/mosquitto.conf" <<EOF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 0
log_dest stderr
log_type error
log_type warning
EOF
[ "$(id -u)" = 0 ] && echo "user root" >> "$work/mosquitto/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto/mosquitto.conf" 2> "$work/mosquitto/mosquitto.log" &
pids+=($!)
broker="mqtt://127.0.0.1:$mqtt_port"
sleep 1
fi

server_pid=""; http_port=""; password="load-benchmark-$RANDOM$RANDOM"
# start_server CLIENT_ID: a fresh server (own data folder) on the external broker; returns once /readyz answers.
start_server() {
    http_port=$(free_port)
    rm -rf "$work/data"; mkdir -p "$work/data"
    (cd "$server_dir" && exec ./StabilityMonitor.Server --urls="http://127.0.0.1:$http_port" --Mqtt:Url="$broker" \
        --Mqtt:ClientId="$1" --Mqtt:SessionExpiry=00:00:01 --Mqtt:KeepAlive=00:05:00 --Ward:Enabled=false --Devices:AdmitUnregistered=true \
        --Auth:AdminPassword="$password" --Server:DataDirectory="$work/data" \
        --Influx:JournalDirectory="$work/data/influx-journal" --Pipeline:ProcessingLoops="$loops" \
        --Logging:LogLevel:Default=Warning) > "$work/server.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    for _ in $(seq 1 240); do
        curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.5
    done
    echo "server did not become ready; log:" >&2; tail -30 "$work/server.log" >&2; exit 1
}
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

echo "results in $out" >&2
if [ "$mode" != report ]; then
    jq -n --arg start "$(date -u +%Y-%m-%dT%H:%MZ)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg mode "$mode" \
        --arg burst "$burst" --arg burst_devices "$burst_devices" --arg steps "$steps" --arg step_seconds "$step_seconds" --arg repeats "$repeats" \
        --arg loops "$loops" --arg settle "$settle" \
        '{start: $start, load_before: $load, mode: $mode, burst: $burst, burst_devices: $burst_devices, steps: $steps, step_seconds: $step_seconds, repeats: $repeats, loops: $loops, settle: $settle}' \
        > "$out/meta-$mode.json"
fi

# --- (a) bare subscriber and (b) server burst drain, alternating per repeat ---
# measure_drain TARGET OUT LABEL: waits until the server has processed TARGET frames in all (or 30 s without progress),
# timing from the first frame it processes after the call to the last; writes the drain's figures as JSON to OUT and
# prints them as "drain LABEL: ...".
measure_drain() {
    local target=$1 file=$2 label=$3 base t1="" f1=0 c1 a1 s1 last_f f t last_change stalled=0 t2 c2 a2 s2 rss_end
    base=$(metric stability_frames_total); last_f=$base; last_change=$(now)
    while :; do
        f=$(metric stability_frames_total); f=${f:-0}
        t=$(now)
        if [ -z "$t1" ] && [ "$f" -gt "$base" ]; then
            t1=$t; f1=$f; c1=$(cpu_of "$server_pid"); a1=$(metric stability_process_allocated_bytes_total); s1=$(metric stability_samples_total)
        fi
        [ "$f" != "$last_f" ] && { last_f=$f; last_change=$t; }
        [ "$f" -ge "$target" ] && break
        if awk -v a="$t" -v b="$last_change" 'BEGIN { exit !(a - b > 30) }'; then stalled=1; break; fi
        sleep 0.2
    done
    t2=$(now); c2=$(cpu_of "$server_pid"); a2=$(metric stability_process_allocated_bytes_total); s2=$(metric stability_samples_total)
    rss_end=$(rss_kb "$server_pid")
    jq -n --argjson frames "$((last_f - target + burst))" --argjson f1 "$((f1 - target + burst))" --arg t1 "${t1:-$t2}" --arg t2 "$t2" --arg c1 "${c1:-0}" --arg c2 "$c2" \
        --arg a1 "${a1:-0}" --arg a2 "$a2" --arg s1 "${s1:-0}" --arg s2 "$s2" --argjson stalled "$stalled" \
        --argjson rss_idle "$rss_idle" --argjson rss_end "$rss_end" --argjson burst "$burst" '
        (($t2|tonumber) - ($t1|tonumber)) as $secs | ($frames - $f1) as $df | (($s2|tonumber) - ($s1|tonumber)) as $ds |
        { frames: $frames, complete: ($frames >= $burst), stalled: ($stalled == 1), seconds: $secs,
          rate: (if $secs > 0 then $df / $secs else 0 end),
          cpu_us_per_frame: (if $df > 0 then ((($c2|tonumber) - ($c1|tonumber)) * 1e6 / $df) else null end),
          alloc_bytes_per_frame: (if $df > 0 then ((($a2|tonumber) - ($a1|tonumber)) / $df) else null end),
          alloc_bytes_per_sample: (if $ds > 0 then ((($a2|tonumber) - ($a1|tonumber)) / $ds) else null end),
          rss_idle_kb: $rss_idle, rss_end_kb: $rss_end }' > "$file"
    echo "drain $label: $(jq -c '{frames, stalled, rate, cpu_us_per_frame, alloc_bytes_per_sample}' "$file")" >&2
}
# A drain right after a start is also the JIT's: about half of its CPU went to compiling and to the instrumented code
# that tiered PGO runs meanwhile (docs/performance.md, eighth session). The warm drain is the same burst queued while a
# server that has already drained two is paused (SIGSTOP: to the broker, a server that is not reading, as in a network
# outage), and the bare subscriber is measured the same way (--warm-up), so both sides are compared warm. Two, not one:
# tiered PGO recompiles a hot method twice (instrumented, then final), each time after calls, and the drain right after
# the first still spent a quarter of its CPU compiling (docs/performance.md, twelfth session); it is kept as "second".
# The server now ships with tiered PGO off (thirteenth session), the bare subscriber does not, and DOTNET_TieredPGO=1
# brings it back to the server: the two warm-up bursts stay for both sides.
# drain_paused_burst PREFIX NAME REPEAT NTH: a burst over new wearables queued while the running server is paused, then
# its drain (the server's NTH) measured into $out/drain-NAME-REPEAT.json.
drain_paused_burst() {
    kill -STOP "$server_pid"
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "$1-" --client-id-prefix "p$1-" > "$out/burst-pub-server-$2-$3.json"
    kill -CONT "$server_pid"
    measure_drain "$(($4 * burst))" "$out/drain-$2-$3.json" "$2 $3"
}
{ [ "$mode" = all ] || [ "$mode" = drains ]; } && for r in $(seq 1 "$repeats"); do
    "$bare" bare-sub --broker "$broker" --client-id "bare-$r" --prepare >/dev/null
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "b$r-" --client-id-prefix "pb$r-" > "$out/burst-pub-bare-$r.json"
    "$bare" bare-sub --broker "$broker" --client-id "bare-$r" --expect "$burst" --timeout 10m --session-expiry 0s > "$out/bare-$r.json" || true
    echo "bare $r: $(jq -c '{received, rate, cpu_micros_per_message, allocated_bytes_per_message}' "$out/bare-$r.json")" >&2

    "$bare" bare-sub --broker "$broker" --client-id "bare-warm-$r" --prepare >/dev/null
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "c$r-" --client-id-prefix "pc$r-" > "$out/burst-pub-bare-warm-up-$r.json"
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "e$r-" --client-id-prefix "pe$r-" > "$out/burst-pub-bare-warm-up2-$r.json"
    "$bare" bare-sub --broker "$broker" --client-id "bare-warm-$r" --warm-up "$((2 * burst))" --expect "$burst" --timeout 10m --session-expiry 0s \
        > "$out/bare-warm-$r.json" 2> "$work/bare-warm.err" &
    bare_pid=$!; pids+=("$bare_pid")
    until grep -q '"warm"' "$work/bare-warm.err" 2>/dev/null; do kill -0 "$bare_pid" 2>/dev/null || break; sleep 0.2; done
    sleep "$settle"
    kill -STOP "$bare_pid" 2>/dev/null || true
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "d$r-" --client-id-prefix "pd$r-" > "$out/burst-pub-bare-warm-$r.json"
    kill -CONT "$bare_pid" 2>/dev/null || true
    wait "$bare_pid" || true
    echo "bare warm $r: $(jq -c '{received, rate, cpu_micros_per_message, allocated_bytes_per_message}' "$out/bare-warm-$r.json")" >&2

    "$bare" bare-sub --broker "$broker" --client-id "worker-burst-$r" --prepare >/dev/null
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "s$r-" --client-id-prefix "ps$r-" > "$out/burst-pub-server-$r.json"
    start_server "worker-burst-$r"
    rss_idle=$(rss_kb "$server_pid")
    # Timed from the first processed frame to the last: server start-up is not the broker's pace.
    measure_drain "$burst" "$out/drain-$r.json" "$r"
    if [ "$(jq .complete "$out/drain-$r.json")" = true ]; then
        drain_paused_burst "u$r" second "$r" 2
    fi
    if [ -f "$out/drain-second-$r.json" ] && [ "$(jq .complete "$out/drain-second-$r.json")" = true ]; then
        # Idle for a while, polled as in a drain: what the drains made hot, and this harness's own /metrics path, are
        # compiled by now rather than during the measured drain.
        for _ in $(seq 1 "$((settle * 5))"); do metric stability_frames_total >/dev/null; sleep 0.2; done
        drain_paused_burst "t$r" warm "$r" 3
    fi
    stop_server
done

# --- (c) steady steps: a fresh server per point; pass = no errors, no loss, caught up within 1 s of the last publish ---
# run_steady DEVICES SECONDS NAME [NEAR_FALLS]: writes $out/NAME.json
run_steady() {
    local n=$1 secs=$2 name=$3 falls=${4:-0}
    start_server "worker-$name"
    sleep 2
    local rss_idle; rss_idle=$(rss_kb "$server_pid")
    local f0 c0 a0 s0 l0
    f0=$(metric stability_frames_total); c0=$(cpu_of "$server_pid"); a0=$(metric stability_process_allocated_bytes_total)
    s0=$(metric stability_samples_total); l0=$(metric stability_frames_lost_total); local r0; r0=$(too_many)
    local extra=() watch_pid=""
    if [ "$falls" -gt 0 ]; then
        # The hub probe in a process of its own, as a caregiver's browser is: inside the generator it waited behind the
        # generator's publishing (docs/performance.md, sixteenth session). Ready once it says so on stderr.
        extra=(--near-falls "$falls")
        LOAD_SERVER_PASSWORD=$password "$fs" hub-watch --server "http://127.0.0.1:$http_port" --expect "$falls" \
            --timeout "$((secs + 120))s" > "$out/$name-watch.json" 2> "$out/$name-watch.err" &
        watch_pid=$!
        for _ in $(seq 1 300); do grep -q '"ready"' "$out/$name-watch.err" 2>/dev/null && break; sleep 0.1; done
    fi
    "$fs" load --broker "$broker" --devices "$n" --duration "${secs}s" --id-prefix "$name-" \
        --client-id-prefix "p$name-" "${extra[@]}" > "$out/$name-pub.json" || true
    if [ -n "$watch_pid" ]; then
        for _ in $(seq 1 200); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
        kill -TERM "$watch_pid" 2>/dev/null || true
        wait "$watch_pid" 2>/dev/null || true
        # Sent (the generator) and seen (the probe) on the same monotonic clock; nearest-rank quantiles as load's own.
        jq --slurpfile w "$out/$name-watch.json" '
            def q(xs; p): if (xs | length) == 0 then null else (xs | sort | .[([((p * length) | ceil) - 1, 0] | max)]) end;
            ($w[0].stopwatch_frequency) as $f | ($w[0].seen | map({ key: .device, value: . }) | from_entries) as $seen
            | [.near_falls_sent[] | select(.sent_ticks > 0 and $seen[.device] != null)
               | { l: (((($seen[.device].received_ticks - .sent_ticks) * 1000 / $f) * 10 | round) / 10), p: $seen[.device].processed_to_received_ms }] as $m
            | ($m | map(.l)) as $l | ($m | map(.p) | map(select(. != null))) as $p
            | . + { latency_source: "hub (own process)", near_falls_seen: ($m | length), latencies_ms: $l, processed_to_hub_ms: ($m | map(.p)),
                    latency_p50_ms: q($l; 0.5), latency_p99_ms: q($l; 0.99), latency_max_ms: ($l | max),
                    processed_to_hub_p50_ms: q($p; 0.5), processed_to_hub_p99_ms: q($p; 0.99) }' \
            "$out/$name-pub.json" > "$out/$name-pub.json.tmp" && mv "$out/$name-pub.json.tmp" "$out/$name-pub.json"
    fi
    local t_end acked f lag="" rss_end c1 a1 s1 l1
    t_end=$(now); acked=$(jq .acked "$out/$name-pub.json")
    rss_end=$(rss_kb "$server_pid")
    # Near-fall runs wait for their alerts first; the catch-up time is then not meaningful, only loss.
    for _ in $(seq 1 100); do
        f=$(metric stability_frames_total)
        if [ $((f - f0)) -ge "$acked" ]; then lag=$(awk -v a="$(now)" -v b="$t_end" 'BEGIN { print a - b }'); break; fi
        sleep 0.1
    done
    c1=$(cpu_of "$server_pid"); a1=$(metric stability_process_allocated_bytes_total); s1=$(metric stability_samples_total)
    l1=$(metric stability_frames_lost_total); local r1; r1=$(too_many)
    local pauses waits commits hub
    pauses=$(hist stability_checkpoint_pause_seconds); waits=$(hist stability_loop_lock_wait_seconds); commits=$(hist stability_alert_commit_latency_seconds); hub=$(hist stability_alert_hub_latency_seconds)
    jq --argjson pauses "$pauses" --argjson waits "$waits" --argjson commits "$commits" --argjson hub "$hub" --argjson processed "$((f - f0))" --arg lag "${lag:-}" --argjson lost "$((l1 - l0))" --argjson too_many "$((r1 - r0))" --arg dc "$(awk -v a="$c1" -v b="$c0" 'BEGIN { print a - b }')" \
        --argjson da "$((a1 - a0))" --argjson ds "$((s1 - s0))" --argjson rss_idle "$rss_idle" --argjson rss_end "$rss_end" '
        . + { processed: $processed, lost: $lost, rejected_too_many_devices: $too_many, lag_seconds: (if $lag == "" then null else ($lag|tonumber) end),
              server_cpu_us_per_frame: (if $processed > 0 then ($dc|tonumber) * 1e6 / $processed else null end),
              alloc_bytes_per_sample: (if $ds > 0 then $da / $ds else null end),
              rss_idle_kb: $rss_idle, rss_end_kb: $rss_end,
              rss_per_device_kb: (($rss_end - $rss_idle) / .devices),
              checkpoint_pauses: $pauses, loop_lock_waits: $waits, alert_commit_latency: $commits, alert_hub_latency: $hub,
              pass: (.errors == 0 and $lost == 0 and $processed >= .acked and .acked == .sent and $lag != "" and ($lag|tonumber) < 1
                    and .max_behind_ms < 1000) }' \
        "$out/$name-pub.json" > "$out/$name.json"
    stop_server
}

# A point passes only if the generator also kept its schedule (within 1 s): otherwise the offered load was not offered.
best=0
[ "$mode" = all ] && for n in $steps; do
    all=1
    for r in $(seq 1 "$repeats"); do
        run_steady "$n" "$step_seconds" "steady-$n-$r"
        echo "steady $n/$r: $(jq -c '{rate, acked, processed, lost, rejected_too_many_devices, lag_seconds, max_behind_ms, server_cpu_us_per_frame, rss_per_device_kb, pass}' "$out/steady-$n-$r.json")" >&2
        [ "$(jq .pass "$out/steady-$n-$r.json")" = true ] || all=0
    done
    [ "$all" = 1 ] || break
    best=$n
done

# --- (e) latency at 80 % of the sustained maximum ---
if [ "$mode" = all ]; then at=$(( best * 8 / 10 )); [ "$at" -ge 1 ] || at=100; fi
{ [ "$mode" = all ] || [ "$mode" = latency ]; } && for r in $(seq 1 "$repeats"); do
    run_steady "$at" "$latency_seconds" "latency-$at-$r" "$near_falls"
    echo "latency $at/$r: $(jq -c '{near_falls_seen, latency_p50_ms, latency_p99_ms, processed_to_hub_p99_ms, lost}' "$out/latency-$at-$r.json")" >&2
done
[ "$mode" != report ] && jq -n --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '{load_after: $load}' > "$out/meta-end-$mode.json"

# --- the table, from the JSON files alone (so that --report can print it again) ---
# server_rule: the server took everything and caught up; pass_rule: and the generator kept its schedule (the load offered).
server_rule='(.errors == 0 and .lost == 0 and .processed >= .acked and .acked == .sent and .lag_seconds != null and .lag_seconds < 1)'
pass_rule="($server_rule and .max_behind_ms < 1000)"
best=0; best_server=0
if compgen -G "$out/steady-*-?.json" >/dev/null; then
    highest() { jq -s "group_by(.devices) | map({devices: .[0].devices, ok: all(.[]; $1)}) | sort_by(.devices)
        | reduce .[] as \$p ({best: 0, open: true}; if .open and \$p.ok then .best = \$p.devices else .open = false end) | .best" "$out"/steady-*-?.json; }
    best=$(highest "$pass_rule"); best_server=$(highest "$server_rule")
fi
meta() { # meta FIELD: from the run's meta files, "unknown" when they are absent
    if compgen -G "$out/meta-*.json" >/dev/null; then jq -rs "map(.$1 // empty) | first // \"unknown\"" "$out"/meta-*.json; else echo unknown; fi
}
start_time=$(meta start); load_before=$(meta load_before); load_after=$(meta load_after)
burst_devices=$(meta burst_devices); steps=$(meta steps); step_seconds=$(meta step_seconds); repeats=$(meta repeats); loops=$(meta loops)
burst=0
compgen -G "$out/bare-[0-9]*.json" >/dev/null && burst=$(jq -s 'map(.received) | max // 0' "$out"/bare-[0-9]*.json)

# --- the table: median [min–max] over repeats ---
spread() { # spread JQ_EXPR FILES...: "median [min–max]" of the expression over the files
    local expr=$1; shift
    jq -rs "[.[] | $expr | select(. != null)] | sort | if length == 0 then \"–\" else
        (.[(length - 1) / 2 | floor]) as \$m | if length == 1 then (\$m * 10 | round / 10 | tostring)
        else \"\(\$m * 10 | round / 10) [\(.[0] * 10 | round / 10)–\(.[-1] * 10 | round / 10)]\" end end" "$@"
}
median() { jq -rs "[.[] | $1 | select(. != null)] | sort | if length == 0 then 0 else .[(length - 1) / 2 | floor] end" "${@:2}"; }
# A point with no results reads /dev/null: jq then sees an empty list and the cell shows "–".
shopt -s nullglob
bare_files=("$out"/bare-[0-9]*.json); drain_files=("$out"/drain-[0-9]*.json); lat_files=("$out"/latency-*-?.json)
bare_warm_files=("$out"/bare-warm-*.json); warm_files=("$out"/drain-warm-*.json); second_files=("$out"/drain-second-*.json)
[ ${#bare_files[@]} -gt 0 ] || bare_files=(/dev/null)
[ ${#drain_files[@]} -gt 0 ] || drain_files=(/dev/null)
[ ${#bare_warm_files[@]} -gt 0 ] || bare_warm_files=(/dev/null)
[ ${#warm_files[@]} -gt 0 ] || warm_files=(/dev/null)
[ ${#second_files[@]} -gt 0 ] || second_files=(/dev/null)
[ ${#lat_files[@]} -gt 0 ] || lat_files=(/dev/null)
at=$(jq -s 'map(.devices) | first // 0' "${lat_files[@]}")
bare_rate=$(median .rate "${bare_files[@]}")
bare_cpu=$(median .cpu_micros_per_message "${bare_files[@]}")
bare_alloc=$(median .allocated_bytes_per_message "${bare_files[@]}")
best_files=(); [ "$best" -gt 0 ] && best_files=("$out"/steady-"$best"-?.json)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f ×", a / b; else print "–" }'; }
drain_rate=$(median .rate "${drain_files[@]}")
drain_cpu=$(median .cpu_us_per_frame "${drain_files[@]}")
drain_alloc_frame=$(median .alloc_bytes_per_frame "${drain_files[@]}")
warm_rate=$(median .rate "${warm_files[@]}"); warm_cpu=$(median .cpu_us_per_frame "${warm_files[@]}")
warm_alloc=$(median .alloc_bytes_per_frame "${warm_files[@]}")
bare_warm_rate=$(median .rate "${bare_warm_files[@]}"); bare_warm_cpu=$(median .cpu_micros_per_message "${bare_warm_files[@]}")
bare_warm_alloc=$(median .allocated_bytes_per_message "${bare_warm_files[@]}")
best_rate=$(awk -v n="$best" 'BEGIN { print n * 2 }')

cat <<EOF

## Load benchmark, $start_time

$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo); load average before $load_before, after $load_after;
mosquitto $(/usr/sbin/mosquitto -h 2>/dev/null | awk 'NR == 1 { print $3 }') on loopback; QoS 1, 25-sample frames at 50 Hz, publisher \`firmware-sim load\` (4 connections) on the same machine;
server processing loops: $loops; $repeats repeat(s) per point, median [min–max]; burst $burst frames over $burst_devices devices; steady steps $steps of ${step_seconds} s.

| Measure | Server | Bare MQTTnet subscriber | Ratio | Target |
|---|---|---|---|---|
| Burst drain, frames/s | $(spread .rate "${drain_files[@]}") | $(spread .rate "${bare_files[@]}") | $(ratio "$drain_rate" "$bare_rate") | ≥ 0.9 × |
| Burst drains complete / stalled | $(jq -s '[.[] | select(.complete)] | length' "${drain_files[@]}")/${#drain_files[@]} complete, $(jq -s '[.[] | select(.stalled)] | length' "${drain_files[@]}") stalled | $(jq -s "[.[] | select(.received >= $burst)] | length" "${bare_files[@]}")/${#bare_files[@]} | | all, no stall |
| Second burst drained by a running server (its CPU still partly the JIT's), frames/s | $(spread .rate "${second_files[@]}") | | | |
| Burst drain by a running server (warm: a third burst, after two), frames/s | $(spread .rate "${warm_files[@]}") | $(spread .rate "${bare_warm_files[@]}") | $(ratio "$warm_rate" "$bare_warm_rate") | |
| Warm drains complete / stalled | $(jq -s '[.[] | select(.complete)] | length' "${warm_files[@]}")/$(jq -s 'length' "${warm_files[@]}") complete, $(jq -s '[.[] | select(.stalled)] | length' "${warm_files[@]}") stalled | $(jq -s "[.[] | select(.received >= $burst)] | length" "${bare_warm_files[@]}")/$(jq -s 'length' "${bare_warm_files[@]}") | | |
| Highest steady devices (0 loss, < 1 s lag) | $best devices = $best_rate frames/s | $(printf '%.0f' "$bare_rate") frames/s (burst ceiling) | $(ratio "$best_rate" "$bare_rate") | ≥ 0.9 × |
| Highest steady devices the server kept up with (0 loss, < 1 s lag, the generator maybe > 1 s behind its schedule) | $best_server devices | | | |
| CPU per frame, µs (burst drain) | $(spread .cpu_us_per_frame "${drain_files[@]}") | $(spread .cpu_micros_per_message "${bare_files[@]}") | $(ratio "$drain_cpu" "$bare_cpu") | ≤ 1.5 × |
| CPU per frame, µs (second drain) | $(spread .cpu_us_per_frame "${second_files[@]}") | | | |
| CPU per frame, µs (warm drain) | $(spread .cpu_us_per_frame "${warm_files[@]}") | $(spread .cpu_micros_per_message "${bare_warm_files[@]}") | $(ratio "$warm_cpu" "$bare_warm_cpu") | |
| CPU per frame, µs (steady, $best devices) | $( [ ${#best_files[@]} -gt 0 ] && spread .server_cpu_us_per_frame "${best_files[@]}" || echo –) | | | |
| Allocated per frame, B (burst drain) | $(spread .alloc_bytes_per_frame "${drain_files[@]}") | $(spread .allocated_bytes_per_message "${bare_files[@]}") | $(ratio "$drain_alloc_frame" "$bare_alloc") | ≤ 1.1 × |
| Allocated per frame, B (warm drain) | $(spread .alloc_bytes_per_frame "${warm_files[@]}") | $(spread .allocated_bytes_per_message "${bare_warm_files[@]}") | $(ratio "$warm_alloc" "$bare_warm_alloc") | |
| Allocated per sample, B (burst drain) | $(spread .alloc_bytes_per_sample "${drain_files[@]}") | | | |
| Resident memory idle → after burst, MB | $(spread '.rss_idle_kb / 1024' "${drain_files[@]}") → $(spread '.rss_end_kb / 1024' "${drain_files[@]}") | $(spread '.working_set_bytes / 1048576' "${bare_files[@]}") | | |
| Resident memory per wearable above idle, KB ($best devices) | $( [ ${#best_files[@]} -gt 0 ] && spread .rss_per_device_kb "${best_files[@]}" || echo –) | | | ≤ 12 KB |
| Arrival → hub p50 / p99, ms ($at devices, 80 %) | $(spread .latency_p50_ms "${lat_files[@]}") / $(spread .latency_p99_ms "${lat_files[@]}") | | | p99 ≤ 50 ms |
| Arrival → hub of the first near-fall after the server started / p99 of the others, ms | $(spread '.latencies_ms[0]' "${lat_files[@]}") / $(spread '.latencies_ms[1:] | sort | if length == 0 then null else .[(length * 0.99 | ceil) - 1] end' "${lat_files[@]}") | | | |
| Server's processed → hub p99, ms | $(spread .processed_to_hub_p99_ms "${lat_files[@]}") | | | |
| Server side, all repeats: alerts committed > 50 ms after arrival / at the hub > 50 ms / all | $(jq -s 'map(.alert_commit_latency.over_50ms // 0) | add' "${lat_files[@]}") / $(jq -s 'map(.alert_hub_latency.over_50ms // 0) | add' "${lat_files[@]}") / $(jq -s 'map(.alert_hub_latency.count // 0) | add' "${lat_files[@]}") | | | |
| Checkpoints holding the ingest lock > 50 ms / all (longest under, s) | $(jq -s 'map(.checkpoint_pauses.over_50ms // 0) | add' "${lat_files[@]}") / $(jq -s 'map(.checkpoint_pauses.count // 0) | add' "${lat_files[@]}") ($(jq -rs 'map(.checkpoint_pauses.max_le // empty | tostring) | max // "–"' "${lat_files[@]}")) | | | |
| Messages that waited for their partition's lock > 50 ms / all that waited (longest under, s) | $(jq -s 'map(.loop_lock_waits.over_50ms // 0) | add' "${lat_files[@]}") / $(jq -s 'map(.loop_lock_waits.count // 0) | add' "${lat_files[@]}") ($(jq -rs 'map(.loop_lock_waits.max_le // empty | tostring) | max // "–"' "${lat_files[@]}")) | | | |
| Near-falls seen / injected | $(jq -s 'map(.near_falls_seen) | add' "${lat_files[@]}") / $(jq -s 'map(.near_falls_injected) | add' "${lat_files[@]}") | | | |

Steady steps (per repeat: offered → processed frames/s, lost, rejected because the device table was full, lag after the last publish, publisher's worst delay behind schedule):

| Devices | Repeat | Offered/s | Acked | Processed | Lost | Rejected, table full | Lag, s | Publisher behind, ms | Server CPU µs/frame | RSS/device KB | Pass |
|---|---|---|---|---|---|---|---|---|---|---|---|
$(for f in "$out"/steady-*-?.json; do jq -r --arg f "$(basename "$f" .json)" '"| \(.devices) | \($f | split("-") | .[-1]) | \(.offered_rate) | \(.acked) | \(.processed) | \(.lost) | \(.rejected_too_many_devices // "–") | \(if .lag_seconds == null then "> 10" else (.lag_seconds * 100 | round / 100) end) | \(.max_behind_ms) | \(if .server_cpu_us_per_frame == null then "–" else (.server_cpu_us_per_frame * 10 | round / 10) end) | \(.rss_per_device_kb * 10 | round / 10) | \(if '"$pass_rule"' then "yes" elif '"$server_rule"' then "server yes, generator behind" else "no" end) |"' "$f"; done | sort -t'|' -k2,2n -k3,3n)
EOF
