#!/usr/bin/env bash
# CI stage: the operator kit. `promtool check rules` and `promtool test rules` (every alert fires on
# its synthetic bad series and stays quiet otherwise); the Grafana dashboard is valid JSON and it
# and the rules reference only metrics vipd exports (check-metric-refs.py).
source "$(dirname "$0")/lib.sh"
KIT=$ROOT/packaging/operator-kit
cd "$KIT/prometheus"
promtool check rules vipd-alerts.yml
promtool test rules vipd-alerts.test.yml
ok "promtool: rules valid, unit tests pass"
for alert in $(sed -n 's/^ *- alert: //p' vipd-alerts.yml); do
  grep -q "alertname: $alert\$" vipd-alerts.test.yml || fail "alert $alert has no promtool test"
done
ok "every alert has a promtool test"
jq empty "$KIT/grafana/vipd-dashboard.json" || fail "dashboard is not valid JSON"
python3 "$ROOT/packaging/ci/check-metric-refs.py" "$KIT/metrics.txt" \
  "$ROOT/common/src/main" "$ROOT/protocol/src/main" "$ROOT/cluster/src/main" "$ROOT/daemon/src/main" -- \
  "$KIT/grafana/vipd-dashboard.json" "$KIT/prometheus/vipd-alerts.yml"
ok "dashboard: valid JSON, only vipd's metrics"
