#!/usr/bin/env bash
# Cluster load benchmark (issue 14, docs/scale-out.md "Throughput of 1, 2 and 3 nodes"): on this machine, against
# Debian's mosquitto and PostgreSQL on loopback (both started here, in temp dirs), measures in one run the burst drain
# rate of the single server without the cluster (the baseline) and of clusters of 1, 2 and 3 nodes (server processes
# with Cluster:Enabled behind a shared subscription, a fresh database and cluster id per point), with CPU per frame
# summed over the nodes (and the broker's and PostgreSQL's beside it), loss, and the ratio to the baseline.
# Prints a markdown table; raw JSON per point goes to the output folder.
#
# Usage: scripts/cluster-load.sh [--quick] [--repeats N] [--burst M] [--burst-devices N] [--nodes "1 2 3"]
#                                [--out DIR] [--no-build] [--set Section:Key=VALUE]... [--report DIR]
#   --quick   a few minutes: 1 repeat, a 30,000-frame burst over 1,000 devices
#   default   3 repeats, a 300,000-frame burst over 5,000 devices (60 frames, 30 s of device time, per wearable)
#   --nodes   the cluster sizes to measure (the baseline is always measured)
#   --set     a server setting for every node of every point (repeatable), e.g. --set Cluster:Lanes=64
#   --report DIR   only print the table of the results in DIR
#   Exit status 3 when a drain was incomplete (a frame not processed: late, duplicate, lost) or stalled.
#
# Method, per point: a new database; the nodes are started (node 1 first) and wait until ready (subscribed; for a
# cluster every silo active in the membership table); all nodes are paused (SIGSTOP), the burst is published and queued
# in mosquitto for them (split by the shared subscription), and all resume at once (SIGCONT). The rate runs from the
# resume to the poll (every 0.2 s) in which the nodes' stability_frames_total (+ frames dropped as late or duplicate)
# add up to the whole burst; CPU (from /proc) over the same span.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
repo=$(pwd)

repeats=3; burst=300000; burst_devices=5000; sizes="1 2 3"; out=""; build=1; mode=run; extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) repeats=1; burst=30000; burst_devices=1000 ;;
        --repeats) repeats=$2; shift ;;
        --burst) burst=$2; shift ;;
        --burst-devices) burst_devices=$2; shift ;;
        --nodes) sizes=$2; shift ;;
        --out) out=$2; shift ;;
        --no-build) build=0 ;;
        --set) extra+=("--$2"); shift ;;
        --report) mode=report; out=$2; build=0; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "cluster-load.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
# --out and --report are relative to where the script was called from.
case "$out" in ""|/*) ;; *) out="$caller/$out" ;; esac

if [ "$mode" = run ]; then
need=()
for pkg in mosquitto:/usr/sbin/mosquitto jq:/usr/bin/jq curl:/usr/bin/curl postgresql:/usr/bin/psql iproute2:/usr/bin/ss; do
    [ -x "${pkg#*:}" ] || need+=("${pkg%%:*}")
done
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
    echo "cluster-load.sh: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
server_dir="$repo/src/StabilityMonitor.Server/bin/Release/net10.0/$rid/publish-r2r"
if [ "$build" = 1 ]; then
    echo "building (Release; the server published ReadyToRun, as scripts/load-benchmark.sh does) ..." >&2
    nice dotnet build firmware-sim/StabilityMonitor.FirmwareSim.csproj -c Release -v q -nologo -p:UseSharedCompilation=false >&2
    nice dotnet publish src/StabilityMonitor.Server/StabilityMonitor.Server.csproj -c Release -r "$rid" --self-contained false \
        -p:PublishReadyToRun=true -p:UseSharedCompilation=false -o "$server_dir" -v q -nologo >&2
fi
fs="$repo/firmware-sim/bin/Release/net10.0/firmware-sim"

work=$(mktemp -d -t cluster-load.XXXXXX)
out=${out:-$work/results}
mkdir -p "$out/logs" "$out/trace" "$out/pub"
fi

broker_pid=""; pg_dir=""; pg_port=""; node_pids=(); node_ports=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    local rc=$?
    for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; kill -CONT "$p" 2>/dev/null || true; done
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "$pg_dir" ] && { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
    # The temp dir goes unless the results are in it (no --out).
    [ -n "${work:-}" ] && { if [ "$out" = "$work/results" ]; then rm -rf "$work/nodes" "$work/mosquitto"; else rm -rf "$work"; fi; }
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port no socket uses (listening or connected), below the kernel's ephemeral range (32768 on) so that no outgoing
# connection takes it before the node binds it, and not handed out before in this run. In $port_ (not $(...): the
# list of ports given must outlive the call).
given=" "; port_=""
free_port() {
    local port
    while :; do
        port=$(( (RANDOM * 32768 + RANDOM) % 12000 + 20000 ))
        case "$given" in *" $port "*) continue ;; esac
        ss -Hatn "( sport = :$port or dport = :$port )" | grep -q . && continue
        given+="$port "; port_=$port; return
    done
}
now() { date +%s.%N; }
# CPU seconds (user + system) of a process so far; with "children", also of its waited-for children (PostgreSQL's
# postmaster reaps its backends).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" -v c="${2:-}" '{ sub(/^.*\) /, ""); print ($12 + $13 + (c == "" ? 0 : $14 + $15)) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# PostgreSQL's CPU: the postmaster with its reaped children, plus the backends still running.
pg_cpu() {
    local master total c
    master=$(head -1 "$pg_dir/data/postmaster.pid")
    total=$(cpu_of "$master" children)
    for c in $(ps -o pid= --ppid "$master"); do total=$(awk -v a="$total" -v b="$(cpu_of "$c")" 'BEGIN { print a + b }'); done
    echo "$total"
}
# metric PORT NAME: a counter of one node, 0 when absent.
metric() { { curl -sf "http://127.0.0.1:$1/metrics" || true; } | awk -v name="$2" '$1 == name || $1 == name "{}" { v = $2 } END { print (v == "" ? 0 : v) }'; }
# sum NAME: the counter summed over the running nodes.
sum() { local p s=0; for p in "${node_ports[@]}"; do s=$(awk -v a="$s" -v b="$(metric "$p" "$1")" 'BEGIN { printf "%.0f", a + b }'); done; echo "$s"; }
# poll: per node, a line "processed late duplicate" (frames) from one read of its /metrics.
poll() {
    local p
    for p in "${node_ports[@]}"; do
        { curl -sf "http://127.0.0.1:$p/metrics" || true; } | awk '
            $1 ~ /^stability_frames_total(\{\})?$/ { f = $2 } $1 ~ /^stability_frames_late_total(\{\})?$/ { l = $2 }
            $1 ~ /^stability_frames_duplicate_total(\{\})?$/ { d = $2 } END { printf "%.0f %.0f %.0f\n", f, l, d }'
    done
}
# per_node NAME: the counter of each node, as a JSON array.
per_node() { local p v=(); for p in "${node_ports[@]}"; do v+=("$(metric "$p" "$1")"); done; (IFS=,; echo "[${v[*]}]"); }

if [ "$mode" = run ]; then
# --- PostgreSQL: a private cluster on a free loopback port (docs: shared real-server recipe, as the tests do) ---
pg_dir=$(mktemp -d -t cluster-load-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
free_port; pg_port=$port_
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U stability --auth=trust -E UTF8 > "$out/logs/initdb.log" 2>&1
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/pg.log" -w -t 60 start \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" > "$out/logs/pg_ctl.log" 2>&1
psql_q() { psql -h 127.0.0.1 -p "$pg_port" -U stability -d "$1" -tAc "$2"; }

# --- mosquitto: loopback only, no per-client queue or in-flight limits (as scripts/load-benchmark.sh) ---
mkdir -p "$work/mosquitto"
free_port; mqtt_port=$port_
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
broker="mqtt://127.0.0.1:$mqtt_port"
/usr/sbin/mosquitto -c "$work/mosquitto/mosquitto.conf" 2> "$out/logs/mosquitto.log" &
broker_pid=$!
for i in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null && break; sleep 0.05; done
[ "$i" -lt 200 ] || { echo "mosquitto did not start; log:" >&2; cat "$out/logs/mosquitto.log" >&2; exit 1; }
fi

password="cluster-load-$RANDOM$RANDOM"
# start_node NAME INDEX DATABASE CLUSTER_ID|"" : a server (own data folder) on the broker, in the background.
start_node() {
    local name=$1 i=$2 db=$3 cid=$4 port
    free_port; port=$port_
    mkdir -p "$work/nodes/$name-$i"
    local args=(--urls="http://127.0.0.1:$port" --Mqtt:Url="$broker" --Mqtt:ClientId="$name-$i" --Mqtt:SessionExpiry=00:00:01
        --Mqtt:KeepAlive=00:10:00
        --Ward:Enabled=false --Devices:AdmitUnregistered=true --Auth:AdminPassword="$password"
        --Server:DataDirectory="$work/nodes/$name-$i" --Influx:JournalDirectory="$work/nodes/$name-$i/influx-journal"
        --Store:Provider=postgres
        --Store:ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=stability;Database=$db;Pooling=true;Timeout=30"
        --Logging:LogLevel:Default=Warning "${extra[@]}")
    if [ -n "$cid" ]; then
        local silo gateway
        free_port; silo=$port_; free_port; gateway=$port_
        args+=(--Mqtt:SharedSubscriptionGroup="$name" --Cluster:Enabled=true --Cluster:NodeName="node-$i" --Cluster:ClusterId="$cid"
            --Cluster:SiloPort="$silo" --Cluster:GatewayPort="$gateway")
    fi
    (cd "$server_dir" && exec ./StabilityMonitor.Server "${args[@]}") > "$out/logs/$name-$i.log" 2>&1 &
    node_pids+=($!)
    node_ports+=("$port")
}
# wait_nodes CLUSTER_ID DATABASE: every node is ready (/readyz: subscribed at the broker, store reachable), and a
# cluster's silos are all active in its membership table.
wait_nodes() {
    local cid=$1 db=$2 k p ok
    for _ in $(seq 1 480); do
        ok=1
        for k in "${!node_ports[@]}"; do
            p=${node_ports[$k]}
            kill -0 "${node_pids[$k]}" 2>/dev/null || { echo "node $((k + 1)) exited; its log is in $out/logs:" >&2; tail -n 30 "$(ls -t "$out"/logs/*-"$((k + 1))".log | head -1)" >&2; exit 1; }
            curl -sf "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 || ok=0
        done
        if [ "$ok" = 1 ] && [ -n "$cid" ]; then
            [ "$(psql_q "$db" "select count(*) from orleansmembershiptable where deploymentid = '$cid' and status = 3" 2>/dev/null || echo 0)" = "${#node_ports[@]}" ] || ok=0
        fi
        [ "$ok" = 1 ] && return 0
        sleep 0.25
    done
    echo "nodes did not come up; logs in $out/logs" >&2; exit 1
}
stop_nodes() {
    local p
    for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${node_pids[@]}"; do wait "$p" 2>/dev/null || true; done
    node_pids=(); node_ports=()
}

# run_point NODES REPEAT: NODES 0 = the baseline (one server, no cluster); writes $out/<name>.json
run_point() {
    local n=$1 r=$2 name db cid="" count i
    if [ "$n" = 0 ]; then name="base-r$r"; count=1; else name="n$n-r$r"; count=$n; cid="load-$name-$RANDOM"; fi
    db="cl_${name//-/_}"
    psql_q postgres "create database $db" >/dev/null
    local load_before; load_before=$(cut -d' ' -f1-3 /proc/loadavg)

    # Node 1 first: nodes starting together on a new database race to create its first admin user (the loser exits).
    start_node "$name" 1 "$db" "$cid"
    wait_nodes "$cid" "$db"
    for i in $(seq 2 "$count"); do start_node "$name" "$i" "$db" "$cid"; done
    wait_nodes "$cid" "$db"
    sleep 2
    # The burst is queued while every node is paused (SIGSTOP; a 10 min keep-alive so the broker keeps them connected),
    # then all resume at once: the first node up does not drain its share before the others, and the publisher does
    # not compete with the drain. All silos pause together, so none can vote another dead meanwhile.
    kill -STOP "${node_pids[@]}"
    "$fs" load --broker "$broker" --devices "$burst_devices" --burst "$burst" --id-prefix "$name-" --client-id-prefix "p$name-" > "$out/pub/$name.json" \
        || { kill -CONT "${node_pids[@]}"; echo "the publisher failed" >&2; exit 1; }
    # The drain runs from the resume: the nodes were up and subscribed, and a stopped process's CPU time is exact.
    local c1=() c2=() b1 b2 g1 g2 k t0 t f last_f=0 last_change stalled=0 polled done_f
    for k in "${node_pids[@]}"; do c1+=("$(cpu_of "$k")"); done; b1=$(cpu_of "$broker_pid"); g1=$(pg_cpu)
    t0=$(now); last_change=$t0
    kill -CONT "${node_pids[@]}"
    : > "$out/trace/$name.tsv"
    while :; do
        polled=$(poll); t=$(now)
        f=$(awk '{ s += $1 } END { printf "%.0f", s }' <<< "$polled")
        # Accounted for: processed, or dropped as late or duplicate (the loss is reported; the drain is over either way).
        done_f=$(awk '{ s += $1 + $2 + $3 } END { printf "%.0f", s }' <<< "$polled")
        # The progress, for a look at how the drain went: seconds since the resume, then each node's processed frames.
        echo "$(awk -v a="$t" -v b="$t0" 'BEGIN { printf "%.2f", a - b }') $(awk '{ printf "%s ", $1 }' <<< "$polled")" >> "$out/trace/$name.tsv"
        [ "$done_f" != "$last_f" ] && { last_f=$done_f; last_change=$t; }
        [ "$done_f" -ge "$burst" ] && break
        if awk -v a="$t" -v b="$last_change" 'BEGIN { exit !(a - b > 30) }'; then stalled=1; break; fi
        sleep 0.2
    done
    # The drain ends at the last progress (a stalled drain's 30 s without any are not part of its rate).
    local t2=$last_change
    for k in "${node_pids[@]}"; do c2+=("$(cpu_of "$k")"); done; b2=$(cpu_of "$broker_pid"); g2=$(pg_cpu)
    # Counters once the drain is over (a few seconds for late loss to show).
    sleep 2
    local cpus; cpus=$(for k in "${!c2[@]}"; do awk -v a="${c2[$k]}" -v b="${c1[$k]}" 'BEGIN { print a - b }'; done | jq -sc .)
    jq -n --arg kind "$([ "$n" = 0 ] && echo baseline || echo cluster)" --argjson nodes "$count" --argjson repeat "$r" \
        --argjson burst "$burst" --argjson devices "$burst_devices" --argjson frames "$f" --argjson f1 0 \
        --arg t1 "$t0" --arg t2 "$t2" --argjson cpus "$cpus" --arg broker_cpu "$(awk -v a="$b2" -v b="$b1" 'BEGIN { print a - b }')" \
        --arg pg_cpu "$(awk -v a="$g2" -v b="$g1" 'BEGIN { print a - b }')" --argjson stalled "$stalled" \
        --argjson frames_per_node "$(per_node stability_frames_total)" --argjson received "$(per_node stability_mqtt_messages_total)" \
        --argjson forwarded "$(per_node stability_cluster_messages_forwarded_total)" \
        --argjson lost "$(sum stability_frames_lost_total)" --argjson late "$(sum stability_frames_late_total)" \
        --argjson duplicates "$(sum stability_frames_duplicate_total)" --argjson resent "$(sum stability_cluster_messages_resent_total)" \
        --argjson retries "$(sum stability_cluster_call_retries_total)" --arg load_before "$load_before" \
        --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" --arg time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg cluster_id "$cid" '
        (($t2|tonumber) - ($t1|tonumber)) as $secs | ($frames - $f1) as $df | ($cpus | add) as $cpu |
        { kind: $kind, nodes: $nodes, repeat: $repeat, time: $time, cluster_id: $cluster_id, burst: $burst, devices: $devices,
          frames: $frames, complete: ($frames >= $burst), stalled: ($stalled == 1), seconds: $secs,
          rate: (if $secs > 0 then $df / $secs else 0 end),
          cpu_us_per_frame: (if $df > 0 then $cpu * 1e6 / $df else null end),
          node_cpu_seconds: $cpus,
          broker_cpu_us_per_frame: (if $df > 0 then ($broker_cpu|tonumber) * 1e6 / $df else null end),
          postgres_cpu_us_per_frame: (if $df > 0 then ($pg_cpu|tonumber) * 1e6 / $df else null end),
          frames_per_node: $frames_per_node, received_per_node: $received, forwarded_per_node: $forwarded,
          lost: $lost, late: $late, duplicates: $duplicates, resent: $resent, call_retries: $retries,
          load_before: $load_before, load_after: $load_after }' > "$out/$name.json"
    stop_nodes
    psql_q postgres "drop database $db" >/dev/null 2>&1 || true
    echo "$name: $(jq -c '{frames, complete, stalled, rate: (.rate | round), cpu_us_per_frame: ((.cpu_us_per_frame // 0) | round), received_per_node, frames_per_node, lost, late, duplicates}' "$out/$name.json")" >&2
}

if [ "$mode" = run ]; then
    echo "results in $out" >&2
    jq -n --arg start "$(date -u +%Y-%m-%dT%H:%MZ)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg sizes "$sizes" \
        --argjson burst "$burst" --argjson devices "$burst_devices" --argjson repeats "$repeats" --arg cores "$(nproc)" \
        --arg mosquitto "$(/usr/sbin/mosquitto -h 2>/dev/null | awk 'NR == 1 { print $3 }')" --arg postgres "$("$pg_bin/postgres" --version | awk '{ print $3 }')" \
        '{start: $start, load_before: $load, sizes: $sizes, burst: $burst, devices: $devices, repeats: $repeats, cores: $cores, mosquitto: $mosquitto, postgres: $postgres}' \
        > "$out/meta.json"
    # Interleaved: each repeat measures every point once, so a change in the machine's load spreads over all of them.
    for r in $(seq 1 "$repeats"); do
        run_point 0 "$r"
        for n in $sizes; do run_point "$n" "$r"; done
    done
    jq --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg finish "$(date -u +%Y-%m-%dT%H:%MZ)" '. + {load_after: $load, finish: $finish}' "$out/meta.json" > "$out/meta.tmp" && mv "$out/meta.tmp" "$out/meta.json"
fi

# --- the table, from the JSON files alone (so that --report can print it again): median [min–max] over repeats ---
shopt -s nullglob
spread() { # spread JQ_EXPR FILES...: "median [min–max]" of the expression over the files
    local expr=$1; shift
    [ $# -gt 0 ] || { echo "–"; return; }
    jq -rs "[.[] | $expr | select(. != null)] | sort | if length == 0 then \"–\" else
        (.[(length - 1) / 2 | floor]) as \$m | if length == 1 then (\$m | round | tostring)
        else \"\(\$m | round) [\(.[0] | round)–\(.[-1] | round)]\" end end" "$@"
}
spread1() { # spread1 JQ_EXPR FILES...: as spread, to a tenth
    local expr=$1; shift
    [ $# -gt 0 ] || { echo "–"; return; }
    jq -rs "[.[] | $expr | select(. != null) | . * 10 | round / 10] | sort | if length == 0 then \"–\" else
        (.[(length - 1) / 2 | floor]) as \$m | if length == 1 then (\$m | tostring)
        else \"\(\$m) [\(.[0])–\(.[-1])]\" end end" "$@"
}
median() { [ $# -gt 1 ] || { echo 0; return; }; jq -rs "[.[] | $1 | select(. != null)] | sort | if length == 0 then 0 else .[(length - 1) / 2 | floor] end" "${@:2}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f ×", a / b; else print "–" }'; }
m() { jq -r ".$1 // \"unknown\"" "$out/meta.json" 2>/dev/null || echo unknown; }
base=("$out"/base-r*.json)
base_rate=$(median .rate "${base[@]}"); base_cpu=$(median .cpu_us_per_frame "${base[@]}")
row() { # row LABEL FILES...
    local label=$1; shift
    [ $# -gt 0 ] || return 0
    local rate cpu
    rate=$(median .rate "$@"); cpu=$(median .cpu_us_per_frame "$@")
    echo "| $label | $(spread .rate "$@") | $(ratio "$rate" "$base_rate") | $(spread .cpu_us_per_frame "$@") | $(ratio "$cpu" "$base_cpu") | $(spread1 '.cpu_us_per_frame * .rate / 1e6' "$@") | $(spread .broker_cpu_us_per_frame "$@") | $(spread .postgres_cpu_us_per_frame "$@") | $(jq -s '[.[] | select(.complete)] | length' "$@")/$# | $(jq -s 'map(.lost) | add' "$@") / $(jq -s 'map(.late) | add' "$@") / $(jq -s 'map(.duplicates) | add' "$@") | $(jq -rs 'map(.received_per_node | map(tostring) | join("/")) | join(", ")' "$@") | $(jq -rs 'map(.frames_per_node | map(tostring) | join("/")) | join(", ")' "$@") | $(jq -rs 'map(.load_before | split(" ") | .[0]) | join(", ")' "$@") |"
}

cat <<EOF

## Cluster load, $(m start)

$(m cores) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo); load average before $(m load_before), after $(m load_after);
mosquitto $(m mosquitto) and PostgreSQL $(m postgres) on loopback, on the same cores as the nodes; QoS 1, 25-sample frames at 50 Hz;
burst $(m burst) frames over $(m devices) wearables queued in mosquitto, then drained; $(m repeats) repeat(s) per point, median [min–max].
Baseline: one server, no cluster (the one-process pipeline), the same PostgreSQL store. Cluster: N servers with
\`Cluster:Enabled\` in one Orleans cluster (fresh database and cluster id per point) behind one shared subscription.
CPU per frame: user + system time over the drain, summed over the nodes; the broker's and PostgreSQL's apart. Cores
the nodes used: their CPU time over the drain's wall time (at most $(m cores) here, less what else runs).

| Point | Drain, frames/s | Ratio to baseline | Nodes' CPU per frame, µs | Ratio | Cores the nodes used | Broker CPU/frame, µs | PostgreSQL CPU/frame, µs | Complete | Lost / late / duplicate | Messages received per node | Frames processed per node (where the grains are) | Load average (1 min) at the start |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$(row "Baseline (no cluster)" "${base[@]}")
$(for n in $(jq -rs 'map(select(.kind == "cluster") | .nodes) | unique | .[]' "$out"/n*-r*.json /dev/null); do
    files=("$out"/n"$n"-r*.json); row "$n node$([ "$n" -gt 1 ] && echo s)" "${files[@]}"
done)
EOF

# The burst must be processed whole: say which drains were not, and fail the run for them.
incomplete=$(jq -rs 'map(select((.complete | not) or .stalled) | "\(.kind) \(.nodes) node(s), repeat \(.repeat): \(.frames) of \(.burst) processed, \(.late) late, \(.duplicates) duplicate, \(.lost) lost\(if .stalled then ", stalled" else "" end)") | .[]' "$out"/base-r*.json "$out"/n*-r*.json /dev/null)
if [ -n "$incomplete" ]; then
    printf '\nIncomplete drains:\n%s\n' "$incomplete"
    [ "$mode" = run ] && exit 3
fi
exit 0
