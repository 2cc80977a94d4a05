#!/usr/bin/env python3
"""Fails CI when a test was skipped that CI is expected to run.

Surefire and failsafe write one XML report per test class; a skipped test there has a <skipped>
element with the assumption's message. Every skip must be listed in .ci/allowed-skips (tests that
need a non-root user, since CI runs as root); anything else — a network-namespace suite that could
not create its namespaces, a tool that was not installed — means CI did not test what it claims.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parent.parent
allowed = set()
for line in (root / ".ci" / "allowed-skips").read_text().splitlines():
    line = line.strip()
    if line and not line.startswith("#"):
        allowed.add(line.split()[0])

reports = sorted(root.glob("*/target/surefire-reports/TEST-*.xml")) + sorted(root.glob("*/target/failsafe-reports/TEST-*.xml"))
if not reports:
    sys.exit("check-skips: no test reports found under */target/*-reports: did the tests run?")
unexpected = []
for report in reports:
    for case in ET.parse(report).getroot().iter("testcase"):
        skipped = case.find("skipped")
        if skipped is None:
            continue
        name = f"{case.get('classname')}#{case.get('name')}"
        if name not in allowed:
            reason = (skipped.get("message") or skipped.text or "").strip().splitlines()
            unexpected.append(f"  {name}: {reason[0] if reason else 'no reason given'}")
if unexpected:
    print("check-skips: these tests were skipped, but CI must run them:", file=sys.stderr)
    print("\n".join(unexpected), file=sys.stderr)
    sys.exit(1)
print(f"check-skips: {len(reports)} test reports, no unexpected skips")
