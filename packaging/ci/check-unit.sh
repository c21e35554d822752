#!/usr/bin/env bash
# CI stage: the installed unit passes `systemd-analyze verify`; `systemd-analyze security` scores
# it (printed; fails above MAX_EXPOSURE so hardening cannot silently regress); and ExecStopPost's
# `vipd cleanup` works with exactly the unit's credentials (user vipd, ambient CAP_NET_RAW +
# CAP_NET_ADMIN, no new privileges) inside a throw-away network namespace.
source "$(dirname "$0")/lib.sh"
MAX_EXPOSURE=2.5
DEB=$(deb_of 1)
setup_shims
purge_if_installed
NS=vipdu-$$
cleanup() {
  ip netns del "$NS" 2>/dev/null || true
  purge_if_installed
  rm -rf "$SHIMS"
  root_sysctls_unchanged
}
trap cleanup EXIT
dpkg -i "$DEB" >/dev/null
UNIT=/lib/systemd/system/vipd.service

echo "--- systemd-analyze verify $UNIT"
out=$(systemd-analyze verify "$UNIT" 2>&1) || { echo "$out"; fail "systemd-analyze verify"; }
[ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify printed warnings"; }
ok "systemd-analyze verify: no warnings"

echo "--- systemd-analyze security --offline=true"
sec=$(systemd-analyze security --offline=true "$UNIT" 2>&1 || true)
echo "$sec" | grep '✗' || true
score=$(echo "$sec" | sed -n 's/.*Overall exposure level for vipd.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "$sec"; fail "no exposure score"; }
echo "exposure score: $score (limit $MAX_EXPOSURE)"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN {exit !(s <= m)}' || fail "exposure $score > $MAX_EXPOSURE"
ok "systemd-analyze security: $score"

echo "--- ExecStopPost: vipd cleanup as user vipd with the unit's two capabilities"
getent passwd vipd >/dev/null || fail "no vipd user"
caps=$(sed -n 's/^AmbientCapabilities=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
[ "$caps" = "+net_raw,+net_admin" ] || fail "unit's AmbientCapabilities changed: $caps"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add eth0 type veth peer name eth1
ip -n "$NS" link set eth0 up
ip -n "$NS" addr add 198.51.100.11/24 dev eth0
# What a kill -9'ed vipd leaves behind: its marked routes/addresses, next to an operator's own.
ip -n "$NS" route add local 198.51.100.100/32 dev lo table local proto 86
ip -n "$NS" -6 route add local 2001:db8::100/128 dev lo table local proto 86
ip -n "$NS" addr add 198.51.100.101/32 dev eth0 noprefixroute metric 8686
ip -n "$NS" route add local 198.51.100.200/32 dev lo table local
ip netns exec "$NS" setpriv --reuid=vipd --regid=vipd --clear-groups --no-new-privs \
  --inh-caps="$caps" --ambient-caps="$caps" --bounding-set=-all,"$caps" /usr/bin/vipd cleanup \
  || fail "vipd cleanup as vipd with $caps"
left=$(ip -n "$NS" route show table local; ip -n "$NS" -6 route show table local; ip -n "$NS" addr show dev eth0)
echo "$left" | grep -q '198.51.100.100\|2001:db8::100\|198.51.100.101' && { echo "$left"; fail "cleanup left vipd's entries"; }
echo "$left" | grep -q 'local 198.51.100.200' || fail "cleanup removed the operator's route"
# And without CAP_NET_ADMIN it must fail loudly, not pretend.
ip -n "$NS" route add local 198.51.100.100/32 dev lo table local proto 86
if ip netns exec "$NS" setpriv --reuid=vipd --regid=vipd --clear-groups --inh-caps=-all \
  --bounding-set=-all /usr/bin/vipd cleanup >/dev/null 2>&1; then
  fail "vipd cleanup without capabilities claimed success"
fi
ok "vipd cleanup removes exactly vipd's routes/addresses with the unit's credentials, fails without"
