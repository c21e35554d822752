#!/usr/bin/env bash
# Regenerates the golden ARP/NDP fixtures from real tools (arping, ndisc6, the Linux kernel).
# Needs root, iproute2, iputils-arping, ndisc6, tcpdump, python3. Touches nothing outside the two
# network namespaces it creates (prefix vipdcap-), which it removes on exit.
#   host A: namespace vipdcap-<pid>-a, veth a0, 02:00:00:00:00:01, 198.51.100.1, 2001:db8::1
#   host B: namespace vipdcap-<pid>-b, veth b0, 02:00:00:00:00:02, 198.51.100.2, 2001:db8::2
# Usage: capture.sh [output-dir]   (default: the directory of this script)
set -euo pipefail

OUT=$(cd "${1:-$(dirname "$0")}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=vipdcap-$$
A=$PREFIX-a
B=$PREFIX-b
TMP=$(mktemp -d)
DATE=$(date -u +%Y-%m-%dT%H:%MZ)
KERNEL=$(uname -r)

sweep() {
  local ns
  for ns in $(ip netns list | awk '{print $1}' | grep '^vipdcap-' || true); do
    ip netns delete "$ns" || true
  done
}
cleanup() {
  sweep
  rm -rf "$TMP"
}
trap cleanup EXIT
sweep

ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add a0 address 02:00:00:00:00:01 type veth peer name b0 netns "$B" \
  address 02:00:00:00:00:02
for side in "$A a0 1" "$B b0 2"; do
  set -- $side
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.forwarding=0
  ip -n "$1" addr add "198.51.100.$3/24" dev "$2"
  ip -n "$1" addr add "2001:db8::$3/64" dev "$2" nodad
  ip -n "$1" link set "$2" up
  ip -n "$1" link set lo up
done
sleep 2   # link-local DAD and the first MLD reports are over before the first capture

# capture NAME NS IFACE FILTER DESCRIPTION -- COMMAND...: first frame matching FILTER while
# COMMAND runs in the other namespace; annotated into NAME.hex.
capture() {
  local name=$1 ns=$2 iface=$3 filter=$4 description=$5
  shift 6
  local pcap=$TMP/$name.pcap
  timeout 15 ip netns exec "$ns" tcpdump -Z root -i "$iface" -U -c 1 -w "$pcap" "$filter" 2>/dev/null &
  local pid=$!
  local i
  for i in $(seq 50); do [ -s "$pcap" ] && break; sleep 0.1; done   # pcap header written
  timeout 10 "$@" >/dev/null 2>&1 || true
  wait "$pid" || { echo "capture $name: nothing matched '$filter'" >&2; return 1; }
  python3 "$HERE/annotate.py" "$pcap" "$OUT/$name.hex" \
    "$description" "command: ${*//$PREFIX/vipdcap-PID}" "capture filter: $filter" \
    "captured: $DATE, Linux $KERNEL, veth between two namespaces (see capture.sh)"
  echo "captured $name"
}
arp_op() { echo "arp and arp[6:2] = $1"; }

capture arp-request-arping "$B" b0 "$(arp_op 1) and ether dst ff:ff:ff:ff:ff:ff" \
  "arping broadcast request (iputils-arping)" -- ip netns exec "$A" arping -c 1 -w 2 -I a0 198.51.100.2
capture arp-reply-kernel "$B" b0 "$(arp_op 2) and ether src 02:00:00:00:00:02" \
  "the Linux kernel's ARP reply to that request" -- ip netns exec "$A" arping -c 1 -w 2 -I a0 198.51.100.2
capture arp-request-unicast "$B" b0 "$(arp_op 1) and ether dst 02:00:00:00:00:02" \
  "arping unicast request (second probe after a reply)" \
  -- ip netns exec "$A" arping -c 2 -i 1 -w 4 -I a0 198.51.100.2
capture arp-garp-request "$B" b0 "$(arp_op 1) and ether src 02:00:00:00:00:01" \
  "arping -U: gratuitous ARP, request form" -- ip netns exec "$A" arping -U -c 1 -I a0 198.51.100.1
capture arp-garp-reply "$B" b0 "$(arp_op 2) and ether src 02:00:00:00:00:01" \
  "arping -A: gratuitous ARP, reply form" -- ip netns exec "$A" arping -A -c 1 -I a0 198.51.100.1

icmp6() { echo "icmp6 and ip6[40] = $1"; }
capture ns-ndisc6 "$B" b0 "$(icmp6 135) and ether src 02:00:00:00:00:01" \
  "ndisc6 Neighbor Solicitation to the solicited-node group, with SLLA" \
  -- ip netns exec "$A" ndisc6 -1 -r 1 -w 1000 2001:db8::2 a0
capture na-kernel-solicited "$B" b0 "$(icmp6 136) and ether src 02:00:00:00:00:02" \
  "the Linux kernel's solicited Neighbor Advertisement answering ndisc6" \
  -- ip netns exec "$A" ndisc6 -1 -r 1 -w 1000 2001:db8::2 a0
capture ns-kernel-dad "$B" b0 "$(icmp6 135) and src ::" \
  "the Linux kernel's DAD Neighbor Solicitation (from ::, no SLLA)" \
  -- ip netns exec "$B" ip addr add 2001:db8::3/64 dev b0

# NUD: a STALE entry used by a ping goes DELAY, then PROBE: a unicast NS to the cached MAC.
ip netns exec "$A" sysctl -qw net.ipv6.neigh.a0.delay_first_probe_time=1
ip netns exec "$A" ip -6 neigh replace 2001:db8::2 dev a0 lladdr 02:00:00:00:00:02 nud stale
capture ns-kernel-nud "$B" b0 "$(icmp6 135) and ether dst 02:00:00:00:00:02" \
  "the Linux kernel's unicast NUD probe (neighbour entry STALE -> DELAY -> PROBE)" \
  -- ip netns exec "$A" ping -6 -c 3 -i 0.5 -W 1 2001:db8::2

ip netns exec "$B" sysctl -qw net.ipv6.conf.b0.ndisc_notify=1
capture na-kernel-unsolicited "$A" a0 "$(icmp6 136) and dst ff02::1" \
  "the Linux kernel's unsolicited NA (ndisc_notify=1) after DAD of a new address" \
  -- ip netns exec "$B" ip addr add 2001:db8::4/64 dev b0
