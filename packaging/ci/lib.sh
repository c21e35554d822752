# Shared helpers of the packaging CI stages (sourced, not run).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARGET=$ROOT/packaging/target
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$ROOT/pom.xml" | head -1)
DEB_VERSION_BASE=${VERSION/-SNAPSHOT/~SNAPSHOT}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# The deb of build number $1 (default 1), built by the normal build (./mvnw -B verify / package).
deb_of() {
  local f="$TARGET/vipd_${DEB_VERSION_BASE}+${1:-1}_all.deb"
  [ -f "$f" ] || fail "$f not built (./mvnw -B verify builds it; or ./mvnw -B -DskipTests package -pl packaging -am)"
  echo "$f"
}

# Records what maintainer scripts ask of systemd and of sysctl: deb-systemd-invoke, systemctl and
# sysctl shims first on PATH log their arguments to $SHIM_LOG and do nothing. systemd is not PID 1
# in CI, and the CI host's own (root namespace) network settings must not change: postinst's
# `sysctl -p 60-vipd.conf` is recorded, not applied. root_sysctls_unchanged checks that at the end.
ROOT_ARP=$(/usr/sbin/sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce | tr '\n' ' ')
root_sysctls_unchanged() {
  local now
  now=$(/usr/sbin/sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce | tr '\n' ' ')
  [ "$now" = "$ROOT_ARP" ] || fail "the host's arp_ignore/arp_announce changed: '$ROOT_ARP' -> '$now'"
}
setup_shims() {
  SHIMS=$(mktemp -d /tmp/vipd-shims.XXXXXX)
  SHIM_LOG=$SHIMS/calls.log
  : >"$SHIM_LOG"
  for cmd in deb-systemd-invoke systemctl sysctl; do
    printf '#!/bin/sh\necho "%s $*" >>%s\nexit 0\n' "$cmd" "$SHIM_LOG" >"$SHIMS/$cmd"
    chmod +x "$SHIMS/$cmd"
  done
  export PATH=$SHIMS:$PATH
}

purge_if_installed() {
  if dpkg-query -W -f='${Status}' vipd 2>/dev/null | grep -q 'ok installed\|config-files'; then
    dpkg -P vipd >/dev/null
  fi
}
