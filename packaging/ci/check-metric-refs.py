#!/usr/bin/env python3
"""Checks that the operator kit uses only metrics vipd exports.

usage: check-metric-refs.py METRICS_TXT SOURCES_DIR... -- DASHBOARD.json RULES.yml...

1. Every meter of METRICS_TXT is registered in the main sources: its Micrometer name appears
   quoted ("vipd.cluster.members") in a .java file under one of SOURCES_DIR.
2. The dashboard is valid JSON with panels whose targets have expressions, and every metric name
   in its expressions and template queries, and in the rules' expr fields, is a name of
   METRICS_TXT (histograms: with _bucket, _count, _sum or _max), or Prometheus' own `up`.
Prints every unknown name with where it appears; exits 1 on any problem.
"""
import json
import pathlib
import re
import sys

FUNCTIONS = set("""abs absent absent_over_time avg avg_over_time bottomk ceil changes clamp clamp_max
clamp_min count count_over_time count_values day_of_month day_of_week delta deriv exp floor
group histogram_quantile holt_winters idelta increase irate label_join label_replace label_values
last_over_time ln log10 log2 max max_over_time min min_over_time predict_linear quantile
quantile_over_time rate resets round scalar sgn sort sort_desc sqrt stddev stddev_over_time stdvar
sum sum_over_time time timestamp topk vector present_over_time""".split())
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "inf", "nan"}


def metric_names(expr):
    """The metric names an expression (PromQL or a Grafana label_values query) refers to."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # string literals
    text = re.sub(r"\$\{?\w+\}?", " ", text)                  # Grafana variables
    text = re.sub(r"\{[^}]*\}", " ", text)                    # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                   # range selectors
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    if text.strip().startswith("label_values("):              # label_values(metric, label)
        text = re.sub(r",\s*\w+\s*\)", ")", text)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)", text):
        token = m.group(1)
        rest = text[m.end():].lstrip()
        if token.lower() in KEYWORDS or (token in FUNCTIONS and rest.startswith("(")):
            continue
        names.add(token)
    return names


def main(argv):
    sep = argv.index("--")
    metrics_txt, sources = argv[1], argv[2:sep]
    kit = argv[sep + 1:]
    problems = []
    known = {"up"}
    meters = {}
    for line in pathlib.Path(metrics_txt).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, meter = line.split()
        meters[name] = meter
        known.add(name)
        if kind == "histogram":
            known.update(name + s for s in ("_bucket", "_count", "_sum", "_max"))
    java = "\n".join(p.read_text() for d in sources for p in pathlib.Path(d).rglob("*.java"))
    for name, meter in meters.items():
        if '"' + meter + '"' not in java:
            problems.append(f"{metrics_txt}: {name}: meter \"{meter}\" is registered nowhere in {sources}")

    exprs = []
    for path in kit:
        if path.endswith(".json"):
            try:
                dash = json.loads(pathlib.Path(path).read_text())
            except json.JSONDecodeError as e:
                problems.append(f"{path}: not valid JSON: {e}")
                continue
            panels = dash.get("panels") or []
            if not panels:
                problems.append(f"{path}: no panels")
            for p in panels:
                targets = p.get("targets") or []
                if not p.get("title") or not p.get("type") or not targets:
                    problems.append(f"{path}: panel {p.get('id')} lacks title, type or targets")
                for t in targets:
                    if not t.get("expr"):
                        problems.append(f"{path}: panel {p.get('title')!r} has a target without expr")
                    exprs.append((f"{path}: panel {p.get('title')!r}", t.get("expr", "")))
            for v in dash.get("templating", {}).get("list", []):
                if v.get("type") == "query":
                    q = v.get("query")
                    exprs.append((f"{path}: variable {v['name']}", q.get("query") if isinstance(q, dict) else q))
        else:
            import yaml  # python3-yaml; only needed for the rules
            doc = yaml.safe_load(pathlib.Path(path).read_text())
            for g in doc.get("groups", []):
                for r in g.get("rules", []):
                    exprs.append((f"{path}: {r.get('alert') or r.get('record')}", r["expr"]))
    used = set()
    for where, expr in exprs:
        for name in metric_names(expr):
            used.add(name)
            if name not in known:
                problems.append(f"{where}: unknown metric {name} in: {expr}")
    for p in problems:
        print("FAIL:", p)
    print(f"metric references: {len(exprs)} expressions, {len(used)} metric names used, "
          f"all among {len(meters)} vipd metrics" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
