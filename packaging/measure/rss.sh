#!/usr/bin/env bash
# Measures the resident memory of an idle vipd that owns 100 VIPs, under candidate JVM flag sets,
# to choose the launcher's defaults (packaging/README.md has the results).
#
#   packaging/measure/rss.sh [SECONDS_IDLE]        (root; builds nothing: needs daemon/target/vipd.jar)
#
# Per flag set: a fresh network namespace "vipdm-<pid>" with a veth pair to a second namespace (so
# the pool interface has a carrier), a cluster of one with a pool of 100 IPv4 VIPs
# (198.51.100.100-198.51.100.199), bind-mode route-local. After SECONDS_IDLE (default 60) it
# prints VmRSS and VmHWM from /proc/PID/status, the heap in use after a full GC (jcmd GC.heap_info
# is not needed: -Xlog:gc is parsed) and the longest GC pause seen. Everything is removed at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
IDLE=${1:-60}
JAR=$PWD/daemon/target/vipd.jar
[ -f "$JAR" ] || { echo "rss: $JAR missing: ./mvnw -B -q -DskipTests package -pl daemon -am" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "rss: needs root (network namespaces)" >&2; exit 1; }

NS=vipdm-$$
PEER=vipdmp-$$
DIR=$(mktemp -d /tmp/vipd-rss.XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -9 "$PID"; fi
  ip netns del "$NS" 2>/dev/null || true
  ip netns del "$PEER" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

# name|environment|JVM flags. "launcher" runs packaging/src/bin/vipd with its own defaults (the
# environment and VIPD_OPTS given here come on top).
SMALL="-XX:+UseSerialGC -Xms24m -Xmx128m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=32m -Xss512k"
CANDIDATES=(
  "jdk-defaults||"
  "g1-xmx128||-XX:+UseG1GC -Xmx128m"
  "serial-xmx128||-XX:+UseSerialGC -Xmx128m"
  "serial-small||$SMALL"
  "serial-small-c1||$SMALL -XX:TieredStopAtLevel=1"
  "small-c1-arena2|MALLOC_ARENA_MAX=2|$SMALL -XX:TieredStopAtLevel=1"
  "small-c1-arena2-netty1|MALLOC_ARENA_MAX=2|$SMALL -XX:TieredStopAtLevel=1 -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1"
  "tiny-c1-arena2|MALLOC_ARENA_MAX=2|-XX:+UseSerialGC -Xms16m -Xmx64m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=24m -XX:TieredStopAtLevel=1 -Xss256k -XX:CICompilerCount=1"
  "launcher||"
)
if [ -n "${RSS_ONLY:-}" ]; then
  CANDIDATES=("$RSS_ONLY")
fi

(umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$DIR/cluster.key"; echo >>"$DIR/cluster.key")
cat >"$DIR/vipd.conf" <<CONF
vipd {
  node { name = "m1" }
  cluster { name = "rss", bind = "198.51.100.11", secret-file = "$DIR/cluster.key" }
  pools = [ { name = "p", interface = "eth0", addresses = ["198.51.100.100-198.51.100.199"] } ]
  http { listen = "198.51.100.11:9476" }
  control-socket = "$DIR/control.sock"
  drain-state-file = "$DIR/drained"
}
CONF

printf '%-24s %7s %7s %10s %11s %11s  %s\n' "candidate" "RSS_MiB" "HWM_MiB" "live_heap" "maxGC_start" "maxGC_idle" "options"
for entry in "${CANDIDATES[@]}"; do
  IFS='|' read -r name envs flags <<<"$entry"
  ip netns add "$NS"
  ip netns add "$PEER"
  ip link add "vm$$a" type veth peer name "vm$$b"
  ip link set "vm$$a" netns "$NS"
  ip link set "vm$$b" netns "$PEER"
  ip -n "$NS" link set "vm$$a" name eth0
  ip -n "$NS" link set lo up
  ip -n "$NS" link set eth0 up
  ip -n "$NS" addr add 198.51.100.11/24 dev eth0
  ip -n "$PEER" link set "vm$$b" up
  if [ "$name" = launcher ]; then
    # shellcheck disable=SC2086
    env $envs VIPD_JAR="$JAR" VIPD_OPTS="$flags -Xlog:gc:file=$DIR/gc-$name.log" \
      ip netns exec "$NS" packaging/src/bin/vipd run --config "$DIR/vipd.conf" >"$DIR/$name.out" 2>&1 &
  else
    # shellcheck disable=SC2086
    env $envs ip netns exec "$NS" java $flags -Xlog:gc:file="$DIR/gc-$name.log" -jar "$JAR" run \
      --config "$DIR/vipd.conf" >"$DIR/$name.out" 2>&1 &
  fi
  PID=$!
  owned=0
  for _ in $(seq 1 120); do
    owned=$(ip netns exec "$NS" curl -s -m 1 http://198.51.100.11:9476/metrics 2>/dev/null \
      | grep -c '^vipd_vip_owned{.* 1\.0$' || true)
    [ "$owned" -ge 100 ] && break
    sleep 0.5
  done
  if [ "$owned" -lt 100 ]; then
    echo "rss: $name: only $owned VIPs owned after 60 s; log:" >&2; tail -20 "$DIR/$name.out" >&2; exit 1
  fi
  # GC pauses before this point are start-up (class loading, the join, the first burst).
  started=$(ps -o etimes= -p "$PID" | tr -d " ")
  sleep "$IDLE"
  # Two scrapes as Prometheus would do, then read the memory.
  ip netns exec "$NS" curl -s -m 2 -o /dev/null http://198.51.100.11:9476/metrics
  rss=$(awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$PID/status")
  hwm=$(awk '/^VmHWM/ {printf "%.1f", $2/1024}' "/proc/$PID/status")
  # The live heap: occupancy after the last collection ("Pause Young ... 30M->21M(40M)").
  heap=$(grep -o '[0-9]*M->[0-9]*M' "$DIR/gc-$name.log" | tail -1 | sed 's/.*->//')
  maxgc() { awk -v from="$1" -v to="$2" '/Pause/ { t = substr($1, 2) + 0; ms = $NF; sub(/ms$/, "", ms);
    if (t >= from && t < to && ms + 0 > max) max = ms + 0 } END { printf "%.1f", max }' "$DIR/gc-$name.log"; }
  printf '%-24s %7s %7s %10s %11s %11s  %s\n' "$name" "$rss" "$hwm" "${heap:-?}" \
    "$(maxgc 0 "$started")" "$(maxgc "$started" 1e9)" "${envs:+$envs }${flags:-(none)}$([ "$name" = launcher ] && echo " + the launcher's defaults")"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  ip netns del "$NS"; ip netns del "$PEER"
done
