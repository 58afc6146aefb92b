#!/usr/bin/python3
"""Cuts the seed corpora of the fuzz targets (tests/fuzz/corpus/NAME/) from
the sample content, the default theme, the Mustache spec in tests/data/ and,
if given, the old blog's text export (which the project does not keep).
The seeds are committed; run this again (from the top of the source tree)
only when those sources change, and commit the result.

    /usr/bin/python3 tests/fuzz/seed.py [--export noc-blog-export.txt]

Without --export, the seeds cut from the export (notice/export-NN.md, and the
stamp seeds numbered after those of tests/stamps.tsv) are not written, and
those already committed stay as they are.  The Mustache spec seeds need
python3-yaml; without it they are skipped.
"""
import argparse
import glob
import json
import os
import re

EXPORT = None  # the export's path, from --export
SPEC = "tests/data/mustache-spec"
OUT = "tests/fuzz/corpus"
SEP = "\x1e"  # fuzz_feed's field separator


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def export_posts():
    """The export's paragraphs, grouped into posts: a post starts at a
    paragraph that is neither an update nor a dated line."""
    text = read(EXPORT)
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    posts, cur = [], []
    lead = re.compile(r"^(\*\*)?(Update|UPDATE)\b|^\d+/\d+/\d+|^[A-Z][a-z]+day \d")
    for p in paras[1:]:
        if cur and not lead.match(p):
            posts.append(cur)
            cur = []
        cur.append(p)
    if cur:
        posts.append(cur)
    return posts


def export_stamps():
    text = read(EXPORT)
    found = re.findall(r"^\**Update ([^:\n]{1,60}?)\**:", text, re.M)
    found += re.findall(r"^(\d+/\d+/\d+ [^\n–-]{1,40}?) [–-] ", text, re.M)
    found += re.findall(r"^([A-Z][a-z]+day \d+/\d+/\d+)\s*$", text, re.M)
    return found


def notices():
    for path in sorted(glob.glob("content/**/*.md", recursive=True)):
        write("notice", os.path.basename(path), read(path))
    if not EXPORT:
        return
    for i, post in enumerate(export_posts()):
        title = " ".join(post[0].split()[:6])
        fm = "---\ntitle: %s\nservers: [LOUIE]\nstatus: resolved\ndate: 2010-10-10\n---\n" % json.dumps(title)
        write("notice", "export-%02d.md" % i, fm + "\n\n".join(post) + "\n")


def stamps():
    seen = []
    for line in read("tests/stamps.tsv").splitlines()[1:]:
        seen.append(line.split("\t")[2])
    if not EXPORT:  # the rest are numbered after the export's stamps
        for i, s in enumerate(dict.fromkeys(seen)):
            write("stamp", "%03d" % i, s)
        return
    seen += export_stamps()
    seen += ["2010-10-16 01:24 -0400", "2010-10-16T06:20Z", "8:30 p.m. Europe/Berlin",
             "12:35 AM Eastern Monday", "Friday 9/3/10", "9 PM UTC+2", "18:47:30 HST"]
    for i, s in enumerate(dict.fromkeys(seen)):
        write("stamp", "%03d" % i, s)


def sites():
    write("site", "content.yaml", read("content/site.yaml"))
    write("site", "full.yaml",
          "title: Test NOC\nbase_url: http://noc.example.com\ntimezone: UTC\n"
          "author: NOC\nunsafe_html: true\nfeed_entries: 10\nfeed_updates: 0\n"
          "tombstone_days: 100000\nservers:\n  A.1: {name: A, description: \"x\"}\n"
          "  B_2:\n  c-3: {group: A.1}\n")


def spec_cases():
    try:
        import yaml
    except ImportError:
        return
    for path in sorted(glob.glob(os.path.join(SPEC, "*.yml"))):
        spec = yaml.safe_load(read(path))
        name = os.path.basename(path)[:-4].lstrip("~")
        for i, t in enumerate(spec.get("tests", [])):
            data = {"data": t.get("data"), "partials": t.get("partials", {})}
            write("tmpl", "%s-%02d" % (name, i),
                  t["template"] + "\0" + json.dumps(data, ensure_ascii=False))


def templates():
    page = {"data": {"site": {"title": "NOC <&>"}, "title": "x", "notices": [
        {"title": "a", "url": "2010/10/a/", "servers": [{"id": "S"}]}, {"title": "b"}]},
        "partials": {}}
    theme = sorted(glob.glob("themes/default/templates/*.mustache"))
    for path in theme:
        page["partials"][os.path.basename(path)[:-9]] = read(path)
    for path in theme:
        write("tmpl", "theme-" + os.path.basename(path)[:-9],
              read(path) + "\0" + json.dumps(page, ensure_ascii=False))
    spec_cases()


def split_notice(path):
    text = read(path)
    fm, body = text[4:].split("\n---\n", 1)
    title = re.search(r"^title: *(.*)$", fm, re.M).group(1).strip("\"'")
    parts = re.split(r"\n\n(?=\**Update)", body.strip())
    updates = []
    for p in parts[1:]:
        updates += [p, "Ann Operator <ann@example.com>"]
    return [title, os.path.basename(path)[:-3], "Ann Operator", parts[0]] + updates + [""]


def feeds():
    head = ["ExchangeDefender Network Operations", "https://noc.example.com/",
            "ExchangeDefender NOC", "LOUIE", "LOUIECAS3",
            "Old notice", "Bob", "content/2010/old.md"]
    paths = sorted(glob.glob("content/**/*.md", recursive=True))
    for i in range(0, len(paths), 4):
        fields = list(head)
        for p in paths[i:i + 4]:
            fields += split_notice(p)
        write("feed", "content-%02d" % (i // 4), SEP.join(fields))
    hostile = [
        "bell\x07 and escape\x1b[31m", "]]> <![CDATA[ x ]]>", "</title><script>x</script>",
        "a\r\nb\rc\nd", "tab\there\x0b\x0c", "\x7f\x01\x02", "&amp; &#0; &#x1; &bogus;",
        "\u2028\u2029\ufffe\uffff", "x" * 200, "é" * 50, "😀" * 30,
    ]
    for i, s in enumerate(hostile):
        fields = [s, "https://" + s, s, s, s, s, s, s, s, s, s, "Update: " + s, s, s, s, ""]
        write("feed", "hostile-%02d" % i, SEP.join(fields))
    raw = SEP.encode().join([b"bad \xff\xfe utf-8", b"https://h\xc3/", b"\xc3\x28",
                             b"a\x00b", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
                             b"t", b"p", b"title \xe2\x82", b"name\x80", b"who\x00ami",
                             b"body \xff", b"update \xfe", b"\xf8\x88\x80\x80\x80"])
    write("feed", "invalid-utf8", raw)


def imports():
    """fuzz_import: byte 0 even, then a cState issue; odd, then Statuspage JSON."""
    issues = {
        "cstate-newest-first": """---
title: Relay delays
date: 2017-12-31 23:50:00
resolved: true
resolvedWhen: 2018-01-01 01:00:00
severity: disrupted
affected: [Mail Relay, Web]
pin: true
section: issue
---

*Resolved* - Queues are empty. {{< track "2018-01-01 00:55:00" >}}

*Update* - Still draining.

*Monitoring* - Queues are draining. {{< track "2018-01-01 00:30:00" >}}

*Investigating* - Mail is delayed. {{< track "2017-12-31 23:50:00" >}}
""",
        "cstate-oldest-first": """---
title: "API errors"
date: 2024-02-24T10:35:00.000Z
resolved: false
severity: down
affected:
  - API
---

Intro text before any label. {{< track "2024-02-24 10:30:00" >}}

---

*Investigating* - Errors seen. {{< track "2024-02-24 10:35:00" >}}

```
Update 10:40 AM: inside a code fence
```

12/10/2021 10:00 AM - a legacy stamp in a message, and {{< youtube abc >}}

*Identified* - Cause found. {{% track "2024-02-24T11:00:00+01:00" %}}
""",
        "cstate-informational": """---
title: Planning
date: 2019-10-04 18:05
informational: true
draft: false
---
Update: this is an informational post.

Friday 9/3/10
""",
    }
    for name, text in issues.items():
        write("import", name, b"\x00" + text.encode("utf-8"))
    incidents = {
        "page": {"id": "p1", "name": "Example", "url": "https://status.example.com",
                 "time_zone": "America/New_York", "updated_at": "2021-12-07T11:07:15.773-05:00"},
        "incidents": [
            {"id": "i1", "name": "API latency", "status": "resolved", "impact": "major",
             "created_at": "2021-12-07T10:00:00.000-05:00",
             "updated_at": "2021-12-07T12:00:00.000-05:00", "monitoring_at": None,
             "resolved_at": "2021-12-07T12:00:00.000-05:00", "shortlink": "https://stspg.io/x",
             "page_id": "p1",
             "components": [{"id": "c1", "name": "API", "group_id": "g1"}],
             "incident_updates": [
                 {"id": "u2", "status": "resolved", "body": "Fixed.\r\n\r\nUpdate 3 PM: not an update",
                  "incident_id": "i1", "created_at": "2021-12-07T12:00:00.000-05:00",
                  "updated_at": "2021-12-07T12:00:00.000-05:00",
                  "display_at": "2021-12-07T12:00:00.000-05:00",
                  "affected_components": [{"code": "c1", "name": "Core - API",
                                           "old_status": "major_outage", "new_status": "operational"}]},
                 {"id": "u1", "status": "investigating", "body": "Looking into it.",
                  "incident_id": "i1", "created_at": "2021-12-07T10:00:00.000-05:00",
                  "updated_at": "2021-12-07T10:00:00.000-05:00",
                  "display_at": "2021-12-07T10:00:00.000-05:00"}]},
            {"id": "i2", "name": "No updates", "status": "investigating", "impact": "none",
             "created_at": "2021-12-08T10:00:00Z", "updated_at": "2021-12-08T10:00:00Z",
             "monitoring_at": None, "resolved_at": None, "shortlink": "https://stspg.io/y",
             "page_id": "p1", "components": [], "incident_updates": []},
        ],
        "scheduled_maintenances": [
            {"id": "m1", "name": "Upgrade", "status": "completed", "impact": "maintenance",
             "created_at": "2021-12-01T09:00:00Z", "updated_at": "2021-12-02T03:00:00Z",
             "monitoring_at": None, "resolved_at": "2021-12-02T03:00:00Z",
             "shortlink": "https://stspg.io/z", "page_id": "p1",
             "scheduled_for": "2021-12-02T01:00:00Z", "scheduled_until": "2021-12-02T03:00:00Z",
             "components": [{"id": "g1", "name": "Core", "group": True, "components": ["c1"]}],
             "incident_updates": [
                 {"id": "u4", "status": "completed", "body": "Done.", "incident_id": "m1",
                  "created_at": "2021-12-02T03:00:00Z", "updated_at": "2021-12-02T03:00:00Z",
                  "display_at": "2021-12-02T03:00:00Z"},
                 {"id": "u3", "status": "scheduled", "body": "Planned.", "incident_id": "m1",
                  "created_at": "2021-12-01T09:00:00Z", "updated_at": "2021-12-01T09:00:00Z",
                  "display_at": "2021-12-01T09:00:00Z"}]},
        ],
    }
    write("import", "statuspage", b"\x01" + json.dumps(incidents, indent=1).encode("utf-8"))


def main():
    global EXPORT
    ap = argparse.ArgumentParser(description="Cuts the fuzz targets' seed corpora.")
    ap.add_argument("--export", metavar="FILE", help="the old blog's text export")
    EXPORT = ap.parse_args().export
    notices()
    stamps()
    sites()
    templates()
    feeds()
    imports()


if __name__ == "__main__":
    main()
