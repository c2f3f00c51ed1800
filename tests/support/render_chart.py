"""Renders a Helm chart offline with the real Helm engine (PyPI helm-python-sdk, Helm v4's
library) and validates every rendered manifest against the Kubernetes OpenAPI schemas (PyPI
kubernetes-validate, offline, strict: unknown fields are errors).

usage: render_chart.py CHART.tgz RELEASE VALUES.json K8S_VERSION[,K8S_VERSION...]
prints JSON: {"manifests": {template: [document, ...]}, "validated": N, "errors": [text, ...]}
"""
import json
import sys

import yaml
import kubernetes_validate
from helm_python.chart import Chart

chart, release, values_file, versions = sys.argv[1:5]
with open(values_file) as f:
    values = json.load(f)
with Chart.load(chart) as c:
    rendered = c.render(values=values, name=release)

out = {"manifests": {}, "validated": 0, "errors": []}
for path, text in sorted(rendered.items()):
    docs = [d for d in yaml.safe_load_all(text or "") if d]
    if not docs:
        continue
    out["manifests"][path] = docs
    for doc in docs:
        for v in versions.split(","):
            try:
                kubernetes_validate.validate(doc, v, strict=True)
                out["validated"] += 1
            except Exception as e:  # a ValidationError, or a kind the schemas do not know
                out["errors"].append(f"{path} ({doc.get('kind')}) against Kubernetes {v}: {e}")
json.dump(out, sys.stdout)
