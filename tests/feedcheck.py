#!/usr/bin/python3
"""Reads feeds and calendars the way subscribers' software does.

For each FILE: .xml with feedparser (Atom or RSS), .ics with icalendar.
Prints one tab-separated line per entry or event, for the C tests:
  entry FILE ID PUBLISHED UPDATED CATEGORIES
  event FILE UID DTSTART DTEND SEQUENCE STATUS
  feed FILE TYPE ENTRIES
Times as UTC YYYY-MM-DDTHH:MM:SSZ.  Exits 1 when a file does not parse.
"""
import calendar
import sys
import time


def utc(struct):
    if not struct:
        return "-"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(struct)))


def feed(path):
    import feedparser
    d = feedparser.parse(path)
    if d.bozo:
        print("%s: %s" % (path, d.bozo_exception), file=sys.stderr)
        return 1
    print("feed\t%s\t%s\t%d" % (path, d.version, len(d.entries)))
    for e in d.entries:
        cats = ",".join(sorted(t.term for t in e.get("tags", [])))
        print("entry\t%s\t%s\t%s\t%s\t%s" % (path, e.get("id", "-"),
              utc(e.get("published_parsed")), utc(e.get("updated_parsed")), cats or "-"))
    return 0


def ics(path):
    import icalendar
    with open(path, "rb") as f:
        data = f.read()
    for line in data.split(b"\r\n"):
        if len(line) > 75:
            print("%s: a line of %d octets" % (path, len(line)), file=sys.stderr)
            return 1
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    print("feed\t%s\tics\t%d" % (path, len(events)))
    for ev in events:
        start = ev.decoded("dtstart")
        end = ev.decoded("dtend")
        print("event\t%s\t%s\t%s\t%s\t%s\t%s" % (path, str(ev.get("uid")),
              start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"),
              ev.get("sequence"), ev.get("status")))
    return 0


def main():
    rc = 0
    for path in sys.argv[1:]:
        try:
            rc |= ics(path) if path.endswith(".ics") else feed(path)
        except Exception as exc:  # a file that does not parse fails the test
            print("%s: %s" % (path, exc), file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
