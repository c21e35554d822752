#!/usr/bin/env bash
# CI stage: dpkg -i of the deb (user, key, no start, the commands work), an upgrade to a rebuilt deb
# (config and key kept, a running service restarted), dpkg -r (service stopped) and dpkg -P (config
# and key gone, the user stays). systemd is not PID 1 here: shims record what the maintainer
# scripts ask of it.
source "$(dirname "$0")/lib.sh"
DEB1=$(deb_of 1)
purge_if_installed
setup_shims
trap 'rm -rf "$SHIMS"' EXIT

echo "--- dpkg -i $(basename "$DEB1")"
dpkg -i "$DEB1"
getent passwd vipd >/dev/null || fail "no vipd user"
[ "$(stat -c '%a %U %G' /etc/vipd/cluster.key)" = "600 vipd vipd" ] \
  || fail "cluster.key is $(stat -c '%a %U %G' /etc/vipd/cluster.key), expected 600 vipd vipd"
[ "$(wc -c </etc/vipd/cluster.key)" -eq 65 ] || fail "cluster.key is not 32 bytes of hex and a newline"
if grep -Eq '^(deb-systemd-invoke|systemctl) .*(start|restart|try-restart|enable)' "$SHIM_LOG"; then
  cat "$SHIM_LOG"; fail "first install started or enabled vipd"
fi
grep -qx 'sysctl -q -p /usr/lib/sysctl.d/60-vipd.conf' "$SHIM_LOG" \
  || { cat "$SHIM_LOG"; fail "postinst does not apply the ARP sysctls"; }
ok "first install: user vipd, key 0600 vipd, service neither started nor enabled (systemd calls: $(tr '\n' ';' <"$SHIM_LOG"))"
/usr/bin/vipd version
/usr/bin/vipd version | grep -qx "vipd $VERSION" || fail "vipd version"
/usr/bin/vipd check-config /etc/vipd/vipd.conf
# As the service runs it: the vipd user must be able to read its key.
setpriv --reuid=vipd --regid=vipd --clear-groups /usr/bin/vipd check-config /etc/vipd/vipd.conf \
  || fail "check-config as user vipd"
ok "vipd version, vipd check-config (as root and as vipd)"
man -w vipd >/dev/null 2>&1 && ok "man -w vipd: $(man -w vipd)" || echo "(man-db not installed: man page not looked up)"

echo "--- upgrade"
echo "# local change kept across upgrades" >>/etc/vipd/vipd.conf
conf_sum=$(sha256sum </etc/vipd/vipd.conf)
key_sum=$(sha256sum </etc/vipd/cluster.key)
# A rebuilt deb with the next build number, from the same tree (the daemon jar is rebuilt too).
( cd "$ROOT" && ./mvnw -B -q -DskipTests -Ddeb.build=2 package -pl packaging -am )
DEB2=$(deb_of 2)
: >"$SHIM_LOG"
dpkg -i "$DEB2"
[ "$(dpkg-query -W -f='${Version}' vipd)" = "${DEB_VERSION_BASE}+2" ] || fail "not upgraded"
[ "$(sha256sum </etc/vipd/vipd.conf)" = "$conf_sum" ] || fail "upgrade changed /etc/vipd/vipd.conf"
[ "$(sha256sum </etc/vipd/cluster.key)" = "$key_sum" ] || fail "upgrade changed the cluster key"
[ "$(stat -c '%a %U' /etc/vipd/cluster.key)" = "600 vipd" ] || fail "upgrade changed the key's mode"
grep -qx 'deb-systemd-invoke try-restart vipd.service' "$SHIM_LOG" \
  || { cat "$SHIM_LOG"; fail "upgrade does not restart a running vipd"; }
if grep -Eq '^(deb-systemd-invoke|systemctl) (start|enable) ' "$SHIM_LOG"; then cat "$SHIM_LOG"; fail "upgrade starts a stopped vipd"; fi
/usr/bin/vipd check-config /etc/vipd/vipd.conf >/dev/null
ok "upgrade to ${DEB_VERSION_BASE}+2: config and key unchanged, running service restarted (try-restart)"

echo "--- dpkg -r, dpkg -P"
: >"$SHIM_LOG"
dpkg -r vipd
grep -qx 'deb-systemd-invoke stop vipd.service' "$SHIM_LOG" || { cat "$SHIM_LOG"; fail "remove does not stop vipd"; }
[ ! -e /usr/bin/vipd ] && [ ! -e /usr/lib/vipd/vipd.jar ] || fail "remove left the program"
[ -f /etc/vipd/vipd.conf ] && [ -f /etc/vipd/cluster.key ] || fail "remove (not purge) dropped config or key"
dpkg -P vipd
[ ! -e /etc/vipd ] || { ls -la /etc/vipd; fail "purge left /etc/vipd"; }
[ ! -e /var/lib/vipd ] || fail "purge left /var/lib/vipd"
dpkg-query -W vipd >/dev/null 2>&1 && fail "vipd still known to dpkg after purge"
getent passwd vipd >/dev/null || fail "purge removed the vipd user (policy: it stays)"
leftover=$(dpkg -L vipd 2>/dev/null || true)
[ -z "$leftover" ] || fail "dpkg still lists files: $leftover"
ok "remove stops the service and keeps config+key; purge removes config, key and state; user vipd stays"
root_sysctls_unchanged
ok "the host's own ARP sysctls unchanged"
