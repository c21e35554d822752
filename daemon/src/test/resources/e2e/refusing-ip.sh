#!/bin/sh
# Fault injection for E2eScaleBindFailureIT (a test resource, never installed): put first on a
# vipd's PATH as "ip", it runs the real ip unchanged, except in a network namespace that has a
# file refuse-<namespace> next to this script: there the route that binds the VIP named in that
# file gets "nhid 4242" appended, so the kernel refuses exactly that route ("Nexthop
# specification and nexthop id are mutually exclusive"), in a batch (ip -force -batch -) or alone.
# Every other line and command is untouched.
here=$(dirname "$0")
for real in /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip; do
  [ -x "$real" ] && break
done
ns=$("$real" netns identify $$ 2>/dev/null)
vip=
if [ -n "$ns" ] && [ -r "$here/refuse-$ns" ]; then
  vip=$(cat "$here/refuse-$ns")
fi
if [ -z "$vip" ]; then
  exec "$real" "$@"
fi
re=$(printf '%s' "$vip" | sed 's/\./\\./g')
case " $* " in
  *" -batch "*)
    sed "/route replace local $re\/[0-9]* /s/\$/ nhid 4242/" | "$real" "$@"
    exit $? ;;
  *" replace local $vip/"*)
    exec "$real" "$@" nhid 4242 ;;
esac
exec "$real" "$@"
