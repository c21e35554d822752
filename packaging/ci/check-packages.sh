#!/usr/bin/env bash
# CI stage: the deb and the tarball were built; their file lists, control data and maintainer
# scripts are as intended; lintian reports no error.
source "$(dirname "$0")/lib.sh"
DEB=$(deb_of 1)
TARBALL=$TARGET/vipd-$VERSION.tar.gz
[ -f "$TARBALL" ] || fail "$TARBALL not built"
ok "built $(basename "$DEB") ($(du -h "$DEB" | cut -f1)) and $(basename "$TARBALL") ($(du -h "$TARBALL" | cut -f1))"

echo "--- dpkg-deb -c"
LIST=$(dpkg-deb -c "$DEB")
echo "$LIST"
# mode path: every file the deb must hold, with its mode.
for want in \
  "-rw-r--r-- ./usr/lib/vipd/vipd.jar" \
  "-rwxr-xr-x ./usr/bin/vipd" \
  "-rw-r--r-- ./etc/vipd/vipd.conf" \
  "-rw-r--r-- ./lib/systemd/system/vipd.service" \
  "-rw-r--r-- ./usr/lib/sysctl.d/60-vipd.conf" \
  "-rw-r--r-- ./usr/share/man/man8/vipd.8.gz" \
  "-rw-r--r-- ./usr/share/bash-completion/completions/vipd" \
  "-rw-r--r-- ./usr/share/vipd/prometheus/vipd-alerts.yml" \
  "-rw-r--r-- ./usr/share/vipd/prometheus/vipd-alerts.test.yml" \
  "-rw-r--r-- ./usr/share/vipd/grafana/vipd-dashboard.json" \
  "-rw-r--r-- ./usr/share/doc/vipd/copyright" \
  "-rw-r--r-- ./usr/share/doc/vipd/changelog.gz"; do
  mode=${want%% *}
  path=${want#* }
  echo "$LIST" | awk -v m="$mode" -v p="$path" '$1 == m && $2 == "root/root" && $6 == p {f=1} END {exit !f}' \
    || fail "deb lacks $path with mode $mode owned by root"
done
if echo "$LIST" | awk '{print $6}' | grep -q 'cluster.key\|metrics.txt$'; then
  fail "deb ships a key or the metric list"
fi
ok "file list"

WORK=$(mktemp -d /tmp/vipd-deb.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dpkg-deb -e "$DEB" "$WORK/control"
echo "--- control"
cat "$WORK/control/control"
grep -q '^Depends:.*java17-runtime-headless' "$WORK/control/control" || fail "no Java 17 runtime dependency"
grep -qx '/etc/vipd/vipd.conf' "$WORK/control/conffiles" || fail "/etc/vipd/vipd.conf is not a conffile"
for s in postinst prerm postrm; do
  [ -x "$WORK/control/$s" ] || fail "$s missing or not executable"
  sh -n "$WORK/control/$s" || fail "$s: syntax error"
done
grep -q 'adduser --system' "$WORK/control/postinst" || fail "postinst creates no system user"
grep -q 'chmod 0600' "$WORK/control/postinst" && grep -q 'chown vipd:vipd' "$WORK/control/postinst" \
  || fail "postinst does not make the key 0600 vipd"
if grep -v '^[[:space:]]*#' "$WORK/control/postinst" \
  | grep -Eq '(deb-systemd-invoke|deb-systemd-helper|systemctl)[^#]* (start|enable)'; then
  fail "postinst starts or enables the service"
fi
grep -q 'rm -f /etc/vipd/cluster.key' "$WORK/control/postrm" || fail "postrm purge keeps the key"
if grep -q 'deluser\|userdel' "$WORK/control/postrm"; then fail "postrm removes the user"; fi
ok "control data and maintainer scripts (the install stage runs them)"

echo "--- tarball"
TLIST=$(tar tzvf "$TARBALL")
echo "$TLIST"
for want in lib/vipd.jar bin/vipd etc/vipd.conf systemd/vipd.service share/man/man8/vipd.8.gz \
  share/bash-completion/completions/vipd share/vipd/prometheus/vipd-alerts.yml \
  share/vipd/grafana/vipd-dashboard.json; do
  echo "$TLIST" | awk -v p="vipd-$VERSION/$want" '$6 == p {f=1} END {exit !f}' || fail "tarball lacks $want"
done
echo "$TLIST" | awk -v p="vipd-$VERSION/bin/vipd" '$6 == p && $1 == "-rwxr-xr-x" {f=1} END {exit !f}' \
  || fail "tarball's bin/vipd is not executable"
tar xzf "$TARBALL" -C "$WORK"
"$WORK/vipd-$VERSION/bin/vipd" version | grep -qx "vipd $VERSION" || fail "tarball's bin/vipd version"
ok "tarball: file list, and bin/vipd runs lib/vipd.jar: $("$WORK/vipd-$VERSION/bin/vipd" version)"

echo "--- lintian"
set +e
LINT=$(lintian --tag-display-limit 0 --allow-root "$DEB" 2>&1)
set -e
echo "$LINT"
errors=$(echo "$LINT" | grep -c '^E: ' || true)
warnings=$(echo "$LINT" | grep -c '^W: ' || true)
echo "lintian: $errors errors, $warnings warnings"
[ "$errors" -eq 0 ] || fail "lintian reports errors"
ok "lintian: no errors"
