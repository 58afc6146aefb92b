#!/usr/bin/env python3
"""Checks the JSON files of a built site (nocblog's tests run it):

  api/v2/*.json      against tests/data/schemas/statuspage-v2.schema.json,
                     and the rules a schema cannot say (the lists hold what
                     their names say; the summary agrees with the lists; the
                     indicator follows the worst open incident; ids unique;
                     every group_id names a group listing that component)
  index.json         against cstate-index.schema.json
  **/feed.json       against jsonfeed-1.1.schema.json, item ids unique, and,
                     given --jsonfeed-schema FILE (draft-07, e.g. the npm
                     package jsonfeed-schema), against that one too
  **/badge.json      against shields-endpoint.schema.json

Usage: apicheck.py SITE [--jsonfeed-schema FILE]
Prints each problem as "file: where: what" and "checked N files"; exit 1 on
any problem.  Python 3 and python3-jsonschema (Debian) only.
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "data", "schemas")

ENDPOINTS = {
    "summary.json": "summary",
    "status.json": "status_endpoint",
    "components.json": "components_endpoint",
    "incidents.json": "incidents_endpoint",
    "incidents/unresolved.json": "incidents_unresolved_endpoint",
    "scheduled-maintenances.json": "scheduled_maintenances_endpoint",
    "scheduled-maintenances/upcoming.json": "scheduled_maintenances_upcoming_endpoint",
    "scheduled-maintenances/active.json": "scheduled_maintenances_active_endpoint",
}

problems = []


def problem(path, where, what):
    problems.append("%s: %s: %s" % (path, where or "/", what))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validate(schema, doc, path, cls=jsonschema.Draft202012Validator):
    v = cls(schema, format_checker=jsonschema.FormatChecker())
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        problem(path, "/" + "/".join(str(p) for p in e.absolute_path), e.message)


def statuspage(site):
    schema = load(os.path.join(SCHEMAS, "statuspage-v2.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    docs = {}
    for name, definition in ENDPOINTS.items():
        path = os.path.join(site, "api", "v2", name)
        docs[name] = doc = load(path)
        validate({"$ref": "#/$defs/" + definition, "$defs": schema["$defs"]}, doc, path)
    api = os.path.join(site, "api", "v2")

    def ids(name, key):
        return [o["id"] for o in docs[name][key]]

    open_ = ("investigating", "identified", "monitoring")
    for o in docs["incidents/unresolved.json"]["incidents"]:
        if o["status"] not in open_:
            problem(api, "incidents/unresolved.json", "%s is %s" % (o["id"], o["status"]))
    for o in docs["scheduled-maintenances/active.json"]["scheduled_maintenances"]:
        if o["status"] not in ("in_progress", "verifying"):
            problem(api, "scheduled-maintenances/active.json", "%s is %s" % (o["id"], o["status"]))
    for o in docs["scheduled-maintenances/upcoming.json"]["scheduled_maintenances"]:
        if o["status"] != "scheduled":
            problem(api, "scheduled-maintenances/upcoming.json", "%s is %s" % (o["id"], o["status"]))
    unresolved = ids("incidents/unresolved.json", "incidents")
    every = [o for o in docs["incidents.json"]["incidents"]]
    if len(every) > 50:
        problem(api, "incidents.json", "more than 50 incidents")
    if [o["id"] for o in every if o["status"] in open_] != unresolved and len(every) < 50:
        problem(api, "incidents.json", "its open incidents are not unresolved.json's")
    summary = docs["summary.json"]
    if [o["id"] for o in summary["incidents"]] != unresolved:
        problem(api, "summary.json", "incidents are not unresolved.json's")
    mnt = (ids("scheduled-maintenances/active.json", "scheduled_maintenances") +
           ids("scheduled-maintenances/upcoming.json", "scheduled_maintenances"))
    if [o["id"] for o in summary["scheduled_maintenances"]] != mnt:
        problem(api, "summary.json", "scheduled_maintenances are not active + upcoming")
    for name in ("status.json", "components.json"):
        if docs[name]["page"] != summary["page"]:
            problem(api, name, "page differs from summary.json's")
    if docs["status.json"]["status"] != summary["status"]:
        problem(api, "status.json", "status differs from summary.json's")
    if docs["components.json"]["components"] != summary["components"]:
        problem(api, "components.json", "components differ from summary.json's")
    # the indicator follows the worst open incident (none: minor)
    rank = {"none": 1, "minor": 1, "major": 2, "critical": 3}
    worst = max([rank[o["impact"]] for o in summary["incidents"]], default=0)
    want = {0: None, 1: "minor", 2: "major", 3: "critical"}[worst]
    got = summary["status"]["indicator"]
    if want and got != want:
        problem(api, "summary.json", "indicator %s, worst open incident wants %s" % (got, want))
    if not want and got not in ("none", "maintenance"):
        problem(api, "summary.json", "indicator %s with no incident open" % got)
    if not want and (got == "maintenance") != bool(
            docs["scheduled-maintenances/active.json"]["scheduled_maintenances"]):
        problem(api, "summary.json", "indicator %s, active maintenances disagree" % got)
    # components: ids unique; groups list their members, members name their group
    comps = {c["id"]: c for c in summary["components"]}
    if len(comps) != len(summary["components"]):
        problem(api, "summary.json", "component ids repeat")
    for c in summary["components"]:
        if c.get("group_id") and c["id"] not in comps.get(c["group_id"], {}).get("components", []):
            problem(api, "summary.json", "%s names group %s, which does not list it" % (c["id"], c["group_id"]))
        for m in c.get("components", []):
            if comps.get(m, {}).get("group_id") != c["id"]:
                problem(api, "summary.json", "group %s lists %s, which names another group" % (c["id"], m))
        if c.get("components") and not c.get("group"):
            problem(api, "summary.json", "%s lists components but is not a group" % c["id"])
    for name, key in (("incidents.json", "incidents"),
                      ("scheduled-maintenances.json", "scheduled_maintenances")):
        seen = set()
        for o in docs[name][key]:
            if o["id"] in seen:
                problem(api, name, "id %s twice" % o["id"])
            seen.add(o["id"])
            for u in o["incident_updates"]:
                if u["incident_id"] != o["id"]:
                    problem(api, name, "update %s of %s names %s" % (u["id"], o["id"], u["incident_id"]))
                if u["id"] in seen:
                    problem(api, name, "id %s twice" % u["id"])
                seen.add(u["id"])
            # the same component as the list's, but for nocblog's own
            # "availability", which only the list carries
            for c in o["components"]:
                listed = dict(comps.get(c["id"]) or {})
                listed.pop("availability", None)
                if "availability" in c or c != listed:
                    problem(api, name, "%s: component %s is not the components list's" % (o["id"], c["id"]))
    return len(ENDPOINTS)


def cstate(site):
    path = os.path.join(site, "index.json")
    schema = load(os.path.join(SCHEMAS, "cstate-index.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = load(path)
    validate(schema, doc, path)
    # the summary is the worst of the systems' (down > disrupted > notice > ok)
    rank = ["ok", "notice", "disrupted", "down"]
    worst = max([rank.index(s["status"]) for s in doc["systems"]], default=0)
    if rank.index(doc["summaryStatus"]) < worst:
        problem(path, "summaryStatus", "%s, better than a system's %s" % (doc["summaryStatus"], rank[worst]))
    cats = {c["name"] for c in doc["categories"]}
    for s in doc["systems"]:
        if s["category"] not in cats:
            problem(path, s["name"], "category %s is not listed" % s["category"])
        if s["unresolvedIssues"] and s["status"] == "ok":
            problem(path, s["name"], "ok with unresolved issues")
    return 1


def feeds(site, extra_schema):
    schema = load(os.path.join(SCHEMAS, "jsonfeed-1.1.schema.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    other = load(extra_schema) if extra_schema else None
    shields = load(os.path.join(SCHEMAS, "shields-endpoint.schema.json"))
    count = 0
    for top, _, files in os.walk(site):
        for name in sorted(files):
            path = os.path.join(top, name)
            if name == "feed.json":
                doc = load(path)
                validate(schema, doc, path)
                if other:
                    validate(other, doc, path, jsonschema.Draft7Validator)
                ids = [i.get("id") for i in doc.get("items", [])]
                if len(set(ids)) != len(ids):
                    problem(path, "/items", "item ids repeat")
                count += 1
            elif name == "badge.json":
                validate(shields, load(path), path)
                count += 1
    return count


def main(argv):
    site = argv[1]
    extra = argv[argv.index("--jsonfeed-schema") + 1] if "--jsonfeed-schema" in argv else None
    n = statuspage(site) + cstate(site) + feeds(site, extra)
    for p in problems:
        print(p)
    print("checked %d files" % n)
    return 1 if problems else 0


sys.exit(main(sys.argv))
