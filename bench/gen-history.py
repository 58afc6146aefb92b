#!/usr/bin/env python3
"""Writes a made-up but realistic NOC content repository, for tests and `make bench`.

Usage:
    bench/gen-history.py OUT [--incidents N] [--commits M] [--servers S] [--seed K]
                         [--layout flat|year] [--truth FILE] [--no-checkout]

OUT must not exist.  It becomes a git repository (branch main, work tree
checked out) holding ten years of a NOC's notices: content/site.yaml, and
content/YYYY-MM-DD-slug.md (--layout flat, the default) or
content/YYYY/YYYY-MM-DD-slug.md (--layout year).  The same arguments always
give the same commit ids.

The M commits are, in time order:
  - N that open a notice (an incident or a maintenance), each by one of a
    small team of operators;
  - most of the rest append an update to a notice, soon after the one
    before it, with a stamp in one of the forms operators write: a date
    and time with a zone or offset ("full"), a time of day only ("time"),
    or none ("none"), often with a status change;
  - every notice gets at least one update, and its last update or status
    change closes it (resolved, completed), except for notices opened in the
    history's last three days, which may still be open;
  - a few change a notice's status alone, fix a word in an earlier update
    (which keeps that update's time), or rename a notice's file (half of
    them with a new title);
  - about 3% change files outside content/ (README, docs, tools, ops).
Commit times are strictly increasing, in US Eastern time with its daylight
saving changes (one operator's clock is on UTC).  Bodies also hold text that
looks like an update but is not one (a list item, "Updated ...", a code block).

--truth FILE writes what a correct reading of the history must find: one
tab-separated row per notice (item 0: when the commit that added it was made,
and by whom) and per update (item k: the instant its stamp or commit means,
who committed it, and the stamp's style), with the notice's path at the last
commit and its first path:
    path  item  instant (UTC, RFC 3339)  author  style  first_path

Objects go straight into one pack with its index, as `git gc` would lay them
out (each tree version a delta against the next one, a whole copy every 50),
so that a 10k-file content/ rewritten 50k times costs a hash per commit, not
a compressed whole tree.  `git fsck --full` is clean on the result.
Python 3 standard library only.
"""
import argparse
import bisect
import datetime
import hashlib
import json
import os
import random
import struct
import subprocess
import sys
import zlib
import zoneinfo

EASTERN = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.timezone.utc
START = 1420088400          # 2015-01-01 00:00 Eastern
YEAR = 365.2425 * 86400

# ---------------------------------------------------------------- the cast

OPERATORS = [  # name, email, zone of their clock
    ("Ann Operator", "ann@noc.example.net", EASTERN),
    ("Bob Sysadmin", "bob@noc.example.net", EASTERN),
    ("Carmen Ruiz", "carmen@noc.example.net", EASTERN),
    ("Dmitri Volkov", "dmitri@noc.example.net", EASTERN),
    ("Renée Dubois", "renee@noc.example.net", EASTERN),
    ("Kwame Mensah", "kwame@noc.example.net", UTC),
    ("Priya Natarajan", "priya@noc.example.net", EASTERN),
]

KNOWN_SERVERS = [  # id, group, description (the sample site's names first)
    ("LOUIE", None, "Exchange 2010 network"),
    ("LOUIECAS3", "LOUIE", "CAS server in the LOUIE CAS array"),
    ("SCROOGE", None, "Exchange 2007 mailbox server"),
    ("DEWEY", None, "Exchange 2007 network"),
    ("DEWEYDB3", "DEWEY", "Mailbox database on the DEWEY network"),
    ("DEWEYHUB", "DEWEY", "Hub server for the DEWEY network"),
    ("DONALD", None, "Exchange 2003 network"),
    ("LAUNCHPAD", None, "SharePoint 2007 network"),
    ("HUEY", None, "Exchange 2007 server"),
]
ROLES = ["MBX", "CAS", "HUB", "WEB", "SQL", "DNS", "FS", "VPN", "LB", "ARC", "MX"]
SITES = ["ATL", "NYC", "DAL", "SEA", "CHI", "MIA", "DEN", "PHX", "BOS", "LAX"]

SERVICES = ["mail flow", "OWA", "ActiveSync", "IMAP", "POP3", "the spam filter",
            "DNS", "the load balancer", "storage", "backups", "SharePoint",
            "web hosting", "VPN access", "the SMTP relay", "archiving",
            "directory sync", "the database cluster", "calendar sharing",
            "mobile sync", "public folders", "the web farm"]
INCIDENT_TITLES = ["{srv} {svc} outage", "Mail delays on {srv}",
                   "{srv} unreachable from some networks", "{svc} errors on {srv}",
                   "Slow {svc} on {srv}", "{srv} restarted unexpectedly",
                   "Storage alarm on {srv}", "Degraded {svc} for {srv} users",
                   "{srv} failover to the standby node", "Login failures on {srv}"]
MAINTENANCE_TITLES = ["{srv} patching window", "Planned {svc} upgrade on {srv}",
                      "{srv} hardware replacement", "Network change affecting {srv}",
                      "{srv} moves to new storage", "Firmware updates on {srv}"]
STATUSES = {"incident": ["investigating", "identified", "monitoring", "resolved"],
            "maintenance": ["scheduled", "in-progress", "completed"]}

SUBJECTS = ["The on-call engineer", "Our network team", "The storage vendor",
            "Monitoring", "The database team", "Support", "A technician on site",
            "Our upstream provider", "The messaging team", "Engineering"]
PREDICATES = ["is looking into {x}", "has restarted {x}", "confirmed that {x} is stable again",
              "found {x} in a degraded state", "is moving users off {x}",
              "opened a case with the vendor about {x}", "rolled back the change to {x}",
              "sees higher latency on {x}", "is watching {x} closely",
              "replaced a failed part in {x}", "cleared the backlog on {x}",
              "rebuilt the index on {x}", "brought {x} back online",
              "isolated {x} from the rest of the network", "is copying data off {x}",
              "scheduled a reboot of {x}", "traced the errors to {x}",
              "added capacity to {x}", "applied the vendor's fix to {x}"]
THINGS = ["the primary array", "the mail queue", "the standby node", "the core switch",
          "the firewall pair", "the transport service", "the web farm", "the DNS cache",
          "the replication link", "the backup target", "the certificate store",
          "the hub server", "the load balancer", "the uplink", "the mailbox database",
          "the search index", "the RAID controller", "the CAS array", "the SAN fabric"]
TAILS = ["", "", "", " this morning", " since the last update", " as a precaution",
         " while we wait for the vendor", " before we bring users back",
         " for the affected mailboxes", " after the reboot", " overnight",
         " one node at a time", " with no data loss so far"]
SYMPTOMS = ["delayed mail", "timeouts in Outlook", "slow page loads",
            "certificate warnings", "failed logins", "bounced messages",
            "missing calendar items", "disconnects every few minutes"]
COMMANDS = ["Get-MailboxDatabaseCopyStatus", "eseutil /mh", "systemctl restart postfix",
            "netsh int tcp show global", "Test-ServiceHealth", "dig +trace"]

NOISE_FILES = {
    "README.md": "# NOC status content\n\n",
    "docs/runbook.md": "# Runbook\n\n",
    "docs/escalation.md": "# Escalation\n\n",
    "tools/notify.sh": "#!/bin/sh\n# notifies the on-call rota\n",
    "ops/rota.yaml": "# who is on call\n",
}

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
STEP = {"add": 0, "update": 1, "status": 2, "fix": 3, "rename": 4, "noise": 5,
        "close-update": 6, "close-status": 7}


# ---------------------------------------------------------------- text

class Prose:
    """Sentences from a seeded pool; paragraphs and decoys made of them."""

    def __init__(self, rng):
        self.rng = rng
        self.pool = [self._sentence() for _ in range(3000)]
        self.words = [s.count(" ") + 1 for s in self.pool]

    def _sentence(self):
        r = self.rng
        roll = r.random()
        thing = r.choice(THINGS)
        if roll < 0.03:
            thing = "**%s**" % thing
        if r.random() < 0.15:
            s = "Customers may see %s on %s." % (r.choice(SYMPTOMS), thing)
        else:
            s = "%s %s%s." % (r.choice(SUBJECTS), r.choice(PREDICATES).format(x=thing),
                              r.choice(TAILS))
        if 0.03 <= roll < 0.08:
            s += " We ran `%s` to check." % r.choice(COMMANDS)
        elif 0.08 <= roll < 0.11:
            case = r.randrange(10000, 99999)
            s += " See [case %d](https://support.example.net/case/%d)." % (case, case)
        return s

    def paragraph(self, words):
        """Sentences until at least `words` words; returns (text, words)."""
        r, pool, sizes = self.rng, self.pool, self.words
        out, n = [], 0
        while n < words:
            i = r.randrange(len(pool))
            out.append(pool[i])
            n += sizes[i]
        return " ".join(out), n

    def decoy(self):
        """A paragraph that starts like an update but is none."""
        r = self.rng
        kind = r.randrange(5)
        if kind == 0:
            return ("Next steps:\n\n- Update the firmware on %s.\n- Check %s again."
                    % (r.choice(THINGS), r.choice(THINGS)))
        if kind == 1:
            return "Updated figures are on the status dashboard."
        if kind == 2:
            return "Update regarding the maintenance window: %s" % self.pool[r.randrange(len(self.pool))]
        if kind == 3:
            return ("The transport log shows:\n\n```\nUpdate %02d:%02d: queue drained\n```"
                    % (r.randrange(24), r.randrange(60)))
        case = r.randrange(1000, 9999)
        return ("Update [ticket %d](https://support.example.net/case/%d) is with the vendor."
                % (case, case))


def slugify(text):
    out, dash = [], False
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:64].rstrip("-")


# ---------------------------------------------------------------- clocks and stamps

def local(t, zone=EASTERN):
    return datetime.datetime.fromtimestamp(t, zone)


def offset_text(dt, colon=False):
    minutes = int(dt.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return "%s%02d%s%02d" % (sign, minutes // 60, ":" if colon else "", minutes % 60)


def ambiguous(dt):
    """True in the hour a fall-back repeats: the wall clock alone cannot say which."""
    return dt.replace(fold=1 - dt.fold).utcoffset() != dt.utcoffset()


def clock12(dt, style):
    hour = dt.hour % 12 or 12
    if style == 0:
        return "%d:%02d %s" % (hour, dt.minute, "AM" if dt.hour < 12 else "PM")
    if style == 1:
        return "%d:%02d%s" % (hour, dt.minute, "AM" if dt.hour < 12 else "PM")
    return "%d:%02d %s" % (hour, dt.minute, "a.m." if dt.hour < 12 else "p.m.")


def eastern_word(dt, rng):
    """A name for the Eastern zone; in a repeated hour, the one that says which."""
    if ambiguous(dt):
        return dt.tzname()
    return rng.choice(["Eastern", "ET", dt.tzname(), "Eastern"])


def time_stamp(dt, rng):
    """A time of day only, in a form operators write; dt is Eastern."""
    form = rng.randrange(6)
    if form == 0 and not ambiguous(dt):
        return clock12(dt, 0)                           # the site's zone
    if form == 1:
        return "%s %s" % (clock12(dt, 0), eastern_word(dt, rng))
    if form == 2:
        return "%s %s" % (clock12(dt, 1), dt.tzname())
    if form == 3:
        return "%s %s" % (clock12(dt, 2), eastern_word(dt, rng))
    if form == 4 and dt.minute == 0:
        return "%d %s %s" % (dt.hour % 12 or 12, "AM" if dt.hour < 12 else "PM",
                             eastern_word(dt, rng))
    return "%02d:%02d %s" % (dt.hour, dt.minute, eastern_word(dt, rng))


def full_stamp(dt, rng):
    """A date and a time with a zone or an offset; returns (text, dash_ok)."""
    form = rng.randrange(6)
    if form == 0:
        return "%s %s" % (dt.strftime("%Y-%m-%d %H:%M"), offset_text(dt)), False
    if form == 1:
        return "%s%s" % (dt.strftime("%Y-%m-%dT%H:%M"), offset_text(dt, True)), False
    if form == 2:
        u = dt.astimezone(UTC)
        return "%s UTC" % u.strftime("%Y-%m-%d %H:%M"), False
    if form == 3:
        return ("%d/%d/%02d %s %s" % (dt.month, dt.day, dt.year % 100, clock12(dt, 0),
                                      eastern_word(dt, rng))), True
    if form == 4:
        return ("%s %d/%d/%d %s %s" % (WEEKDAYS[dt.weekday()], dt.month, dt.day, dt.year,
                                       clock12(dt, 0), eastern_word(dt, rng))), False
    return ("%d/%d/%d %s %s" % (dt.month, dt.day, dt.year, clock12(dt, 0), dt.tzname())), True


def update_paragraph(stamp, dash_ok, text, rng):
    """The update as written: one of the leads operators use, then the text."""
    if stamp is None:
        lead = rng.choice(["Update: %s", "**Update:** %s", "UPDATE: %s", "Update: %s"])
        return lead % text
    if dash_ok and rng.random() < 0.2:
        return "%s \u2013 %s" % (stamp, text)
    lead = rng.choice(["Update %s: %s", "**Update %s:** %s", "**Update %s**: %s",
                       "## Update %s\n\n%s", "UPDATE %s: %s", "Update %s: %s"])
    return lead % (stamp, text)


# ---------------------------------------------------------------- notices

class Notice:
    def __init__(self):
        self.path = self.first_path = None
        self.title = self.kind = self.status = self.severity = None
        self.servers, self.window = [], None
        self.body = []       # paragraphs before the first update
        self.updates = []    # [lead-and-text, ...]
        self.words = 0
        self.truth = []      # (instant, author, style)
        self.oncall = None

    def text(self):
        fm = ["---", "title: %s" % json.dumps(self.title, ensure_ascii=False),
              "servers: [%s]" % ", ".join(self.servers),
              "kind: %s" % self.kind, "status: %s" % self.status]
        if self.severity:
            fm.append("severity: %s" % self.severity)
        if self.window:
            fm.append("window: {start: %s, end: %s}" % self.window)
        fm.append("---")
        return ("\n".join(fm) + "\n" + "\n\n".join(self.body + self.updates) + "\n").encode()


# ---------------------------------------------------------------- git objects

BLOB, TREE, COMMIT, REF_DELTA = 3, 2, 1, 7
KIND_NAME = {BLOB: b"blob", TREE: b"tree", COMMIT: b"commit"}
DEPTH = 50                   # a tree version is stored whole at least every DEPTH


def object_id(kind, body):
    h = hashlib.sha1(b"%s %d\0" % (KIND_NAME[kind], len(body)))
    h.update(body)
    return h.digest()


def size_varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    out.append(n)
    return out


class PackWriter:
    """One pack file and its version 2 index, written as objects arrive."""

    def __init__(self, gitdir):
        self.dir = os.path.join(gitdir, "objects", "pack")
        self.tmp = os.path.join(self.dir, "tmp_pack_gen")
        self.out = open(self.tmp, "wb", buffering=1 << 20)
        self.out.write(b"PACK\0\0\0\2\0\0\0\0")
        self.offset = 12
        self.index = {}      # oid -> (offset, crc32)

    def __contains__(self, oid):
        return oid in self.index

    def _put(self, oid, kind, size, prefix, payload):
        head = bytearray()
        byte = (kind << 4) | (size & 0x0F)
        size >>= 4
        while size:
            head.append(byte | 0x80)
            byte = size & 0x7F
            size >>= 7
        head.append(byte)
        data = bytes(head) + prefix + zlib.compress(payload, 1)
        self.index[oid] = (self.offset, zlib.crc32(data))
        self.out.write(data)
        self.offset += len(data)

    def whole(self, kind, body, oid=None):
        oid = oid or object_id(kind, body)
        if oid not in self.index:
            self._put(oid, kind, len(body), b"", body)
        return oid

    def delta(self, oid, base, delta):
        """oid stored as `delta` applied to base, which may come later in the pack."""
        if oid not in self.index:
            self._put(oid, REF_DELTA, len(delta), base, delta)

    def close(self):
        """Fixes the count, appends the checksum, writes the index; returns the pack's name."""
        self.out.close()
        oids = sorted(self.index)
        with open(self.tmp, "r+b") as f:
            f.seek(8)
            f.write(struct.pack(">I", len(oids)))
            f.seek(0)
            h = hashlib.sha1()
            for chunk in iter(lambda: f.read(1 << 22), b""):
                h.update(chunk)
            trailer = h.digest()
            f.write(trailer)
        fanout, k = [], 0
        for first in range(256):
            while k < len(oids) and oids[k][0] <= first:
                k += 1
            fanout.append(k)
        small, large = [], []
        for oid in oids:
            off = self.index[oid][0]
            if off >= 0x80000000:
                small.append(0x80000000 | len(large))
                large.append(off)
            else:
                small.append(off)
        idx = b"".join([b"\377tOc", struct.pack(">I", 2), struct.pack(">256I", *fanout),
                        b"".join(oids),
                        struct.pack(">%dI" % len(oids), *(self.index[o][1] for o in oids)),
                        struct.pack(">%dI" % len(small), *small),
                        struct.pack(">%dQ" % len(large), *large), trailer])
        idx += hashlib.sha1(idx).digest()
        name = os.path.join(self.dir, "pack-" + trailer.hex())
        with open(name + ".idx", "wb") as f:
            f.write(idx)
        os.rename(self.tmp, name + ".pack")
        return name, len(oids)


def delta_ops(target_size, base_size, pieces):
    """A git delta from pieces: ("copy", offset, length) from the base, or bytes to insert."""
    out = size_varint(base_size) + size_varint(target_size)
    for piece in pieces:
        if isinstance(piece, tuple):
            _, off, length = piece
            while length:
                n = min(length, 0xFFFF)
                op, args = 0x80, bytearray()
                for i in range(4):
                    b = (off >> (8 * i)) & 0xFF
                    if b:
                        op |= 1 << i
                        args.append(b)
                for i in range(2):
                    b = (n >> (8 * i)) & 0xFF
                    if b:
                        op |= 0x10 << i
                        args.append(b)
                out.append(op)
                out += args
                off += n
                length -= n
        else:
            for i in range(0, len(piece), 0x7F):
                chunk = piece[i:i + 0x7F]
                out.append(len(chunk))
                out += chunk
    return bytes(out)


class Folder:
    """A tree as sorted entries.  Between two versions it remembers how many
    leading (same) and trailing (tail) entries stayed as they were, so the
    older version can be stored as a delta against the newer one."""

    __slots__ = ("keys", "rows", "same", "tail", "oid", "body", "version")

    def __init__(self):
        self.keys, self.rows = [], []
        self.oid = self.body = None
        self.version = 0
        self.same = self.tail = 1 << 30

    def put(self, name, is_dir, oid):
        key = name + b"/" if is_dir else name
        row = (b"40000 " if is_dir else b"100644 ") + name + b"\0" + oid
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            if self.rows[i] == row:
                return
            self.rows[i] = row
            after = len(self.rows) - i - 1
        else:
            self.keys.insert(i, key)
            self.rows.insert(i, row)
            after = len(self.rows) - i - 1
        self.same = min(self.same, i)
        self.tail = min(self.tail, after)

    def drop(self, name, is_dir):
        key = name + b"/" if is_dir else name
        i = bisect.bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            raise KeyError(name)
        del self.keys[i], self.rows[i]
        self.same = min(self.same, i)
        self.tail = min(self.tail, len(self.rows) - i)

    def seal(self, pack):
        """Makes the current entries a version; returns its oid.  The version
        before it goes into the pack now that its successor is known."""
        body = b"".join(self.rows)
        oid = object_id(TREE, body)
        if oid != self.oid:
            if self.oid is not None and self.oid not in pack:
                if self.version % DEPTH == DEPTH - 1 or oid in pack:
                    pack.whole(TREE, self.body, self.oid)
                else:
                    pack.delta(self.oid, oid, self._back_delta(body))
            self.oid, self.body = oid, body
            self.version += 1
        self.same = self.tail = 1 << 30
        return oid

    def _back_delta(self, body):
        """The previous version as copies from `body` around the bytes that changed."""
        n = len(self.rows)
        same = min(self.same, n)
        tail = min(self.tail, n - same)
        changed = len(b"".join(self.rows[same:n - tail]))
        if same < tail:
            head = len(b"".join(self.rows[:same]))
            back = len(body) - head - changed
        else:
            back = len(b"".join(self.rows[n - tail:]))
            head = len(body) - back - changed
        end = len(body) - back                # where the kept trailing bytes start
        old = self.body
        pieces = []
        if head:
            pieces.append(("copy", 0, head))
        if len(old) - back > head:
            pieces.append(old[head:len(old) - back])
        if back:
            pieces.append(("copy", end, back))
        return delta_ops(len(old), len(body), pieces)

    def flush(self, pack):
        """The last version, whole."""
        if self.oid is not None and self.oid not in pack:
            pack.whole(TREE, self.body, self.oid)


class Tree:
    """The work tree as folders keyed by path (b"" is the root)."""

    def __init__(self, pack):
        self.pack = pack
        self.folders = {b"": Folder()}
        self.dirty = set()

    def _folder(self, path):
        f = self.folders.get(path)
        if f is None:
            f = self.folders[path] = Folder()
        return f

    def _mark(self, path):
        while path not in self.dirty:
            self.dirty.add(path)
            if not path:
                break
            path = path.rpartition(b"/")[0]

    def write(self, path, blob):
        parent, _, name = path.encode().rpartition(b"/")
        self._folder(parent).put(name, False, blob)
        self._mark(parent)

    def remove(self, path):
        parent, _, name = path.encode().rpartition(b"/")
        self.folders[parent].drop(name, False)
        self._mark(parent)

    def seal(self):
        """Seals every changed folder, deepest first; returns the root tree's oid."""
        for path in sorted(self.dirty, key=lambda p: (-p.count(b"/") - (p != b""), p)):
            f = self.folders[path]
            if path and not f.rows:
                f.flush(self.pack)
                del self.folders[path]
                parent, _, name = path.rpartition(b"/")
                self.folders[parent].drop(name, True)
                continue
            oid = f.seal(self.pack)
            if path:
                parent, _, name = path.rpartition(b"/")
                self.folders[parent].put(name, True, oid)
        self.dirty.clear()
        return self.folders[b""].oid

    def flush(self):
        for f in self.folders.values():
            f.flush(self.pack)


# ---------------------------------------------------------------- the plan

def plan(args, rng):
    """Every commit as (time, step, notice index or None), in time order."""
    n, m = args.incidents, args.commits
    noise = m * 3 // 100
    renames = max(3, n // 1000)
    fixes = m // 100
    status = m // 50
    while n + noise + renames + fixes + status > m:
        if noise:
            noise -= 1
        elif fixes:
            fixes -= 1
        elif status:
            status -= 1
        else:
            renames -= 1
    updates = m - n - noise - renames - fixes - status
    span = args.years * YEAR
    opens = sorted(START + rng.random() * span for _ in range(n))
    opens[0] = START
    # a few notices run long, most get a handful of updates
    weight = [rng.paretovariate(1.6) for _ in range(n)]
    chains = [[] for _ in range(n)]
    # every notice gets at least one update (the one that closes it)
    spare = max(0, updates - n)
    for i in range(min(n, updates)):
        chains[i].append("update")
    for step, count in (("update", spare), ("status", status), ("fix", fixes),
                        ("rename", renames)):
        for i in rng.choices(range(n), weight, k=count):
            chains[i].append(step)
    events = []
    for i, chain in enumerate(chains):
        rng.shuffle(chain)
        # a fix needs something to fix, so none before the first update
        if "fix" in chain and "update" in chain:
            first = chain.index("update")
            for k in range(first):
                if chain[k] == "fix":
                    chain[k], chain[first] = chain[first], chain[k]
                    first = k
                    break
        # the last update or status change closes the notice, as operators
        # do, unless the notice is still running when the history ends
        last = max((k for k, step in enumerate(chain) if step in ("update", "status")),
                   default=None)
        if last is not None and opens[i] < START + span - 3 * 86400:
            chain[last] = "close-" + chain[last]
        t = opens[i]
        events.append((t, 0, i))
        for step in chain:
            if rng.random() < 0.08:
                t += rng.expovariate(1 / (2 * 86400.0))
            else:
                t += 60 + rng.expovariate(1 / 1800.0)
            events.append((t, STEP[step], i))
    for _ in range(noise):
        events.append((START + 1 + rng.random() * span, STEP["noise"], None))
    events.sort(key=lambda e: (e[0], e[1], -1 if e[2] is None else e[2]))
    out, last = [], START - 1
    for t, step, i in events:
        last = max(int(t), last + 1)
        out.append((last, step, i))
    return out, dict(updates=updates, noise=noise, renames=renames, fixes=fixes, status=status)


def servers_for(count, rng):
    """[(id, group, description)]: the sample site's names, then made-up ones."""
    out = list(KNOWN_SERVERS[:count])
    seen = {s[0] for s in out}
    tops = [s[0] for s in out if s[1] is None]
    while len(out) < count:
        sid = "%s-%s%02d" % (rng.choice(ROLES), rng.choice(SITES), rng.randrange(1, 100))
        if sid in seen:
            continue
        seen.add(sid)
        group = rng.choice(tops) if tops and rng.random() < 0.15 else None
        out.append((sid, group, None))
    return out


def site_yaml(servers):
    lines = ["title: Example Hosting Network Operations",
             "base_url: https://status.example.net/",
             "timezone: America/New_York",
             "author: Example Hosting NOC",
             "servers:"]
    for sid, group, desc in servers:
        attrs = ["name: %s" % sid]
        if group:
            attrs.append("group: %s" % group)
        if desc:
            attrs.append("description: %s" % desc)
        lines.append("  %s: {%s}" % (sid, ", ".join(attrs)))
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------- the story

class Story:
    """Plays the plan: each commit's files, author and message."""

    MAX_WORDS = 600

    def __init__(self, args, rng, servers):
        self.args, self.rng = args, rng
        self.prose = Prose(rng)
        self.servers = [s[0] for s in servers]
        self.weights = [1 / (k + 1) ** 0.9 for k in range(len(servers))]
        self.notices = []
        self.names = set()           # every file name ever used
        self.noise = {path: [] for path in NOISE_FILES}

    def author(self, notice):
        r = self.rng
        if notice is not None and notice.oncall is not None and r.random() < 0.75:
            return notice.oncall
        who = OPERATORS[r.randrange(len(OPERATORS))]
        if notice is not None:
            notice.oncall = who
        return who

    def _path(self, day, title):
        base = "%s-%s" % (day, slugify(title))
        name, k = base, 2
        while name in self.names:
            name, k = "%s-%d" % (base, k), k + 1
        self.names.add(name)
        folder = "content/" + (day[:4] + "/" if self.args.layout == "year" else "")
        return folder + name + ".md"

    def _title(self, kind, server):
        r = self.rng
        pattern = r.choice(MAINTENANCE_TITLES if kind == "maintenance" else INCIDENT_TITLES)
        return pattern.format(srv=server, svc=r.choice(SERVICES))

    def open(self, t, who):
        r = self.rng
        n = Notice()
        n.kind = "maintenance" if r.random() < 0.2 else "incident"
        n.status = STATUSES[n.kind][0]
        for s in r.choices(self.servers, self.weights, k=r.choice([1, 1, 1, 1, 2, 2, 3])):
            if s not in n.servers:
                n.servers.append(s)
        n.title = self._title(n.kind, n.servers[0])
        if n.kind == "incident" and r.random() < 0.6:
            n.severity = r.choice(["minor", "major", "major", "critical"])
        if n.kind == "maintenance":
            day = local(t + 86400 * r.randrange(1, 8))
            begin = day.replace(hour=r.choice([20, 21, 22, 23]), minute=0, second=0)
            end = local(begin.timestamp() + 3600 * r.randrange(1, 5))
            n.window = tuple(d.strftime("%Y-%m-%dT%H:%M") + offset_text(d, True)
                             for d in (begin, end))
        target = r.randrange(60, 240)
        while n.words < target:
            text, words = self.prose.paragraph(r.randrange(25, 90))
            n.body.append(text)
            n.words += words
        if r.random() < 0.1:
            n.body.insert(r.randrange(1, len(n.body) + 1), self.prose.decoy())
        n.oncall = who
        n.path = n.first_path = self._path(local(t).strftime("%Y-%m-%d"), n.title)
        n.truth.append((t, who[0], "commit"))
        self.notices.append(n)
        return [(n.path, n.text())], "Open %s: %s" % (n.kind, n.title)

    def _advance(self, n, back_ok=False):
        order = STATUSES[n.kind]
        k = order.index(n.status)
        if k + 1 < len(order):
            n.status = order[k + 1]
        elif back_ok:
            n.status = order[k - 1]

    def update(self, n, t, who, close=False):
        r = self.rng
        room = self.MAX_WORDS - n.words
        text, words = self.prose.paragraph(max(6, min(r.randrange(12, 70), room)))
        if room > 120 and r.random() < 0.12:
            more, extra = self.prose.paragraph(r.randrange(15, 40))
            text += "\n\n" + more
            words += extra
        if room > 120 and r.random() < 0.04:
            text += "\n\n" + self.prose.decoy()
        # operators note the time, then commit a little later
        lag = 60 * r.randrange(0, 21) if r.random() < 0.95 else 60 * r.randrange(30, 200)
        when = t - lag
        when -= when % 60
        dt = local(when)
        roll = r.random()
        if roll < 0.4:
            stamp, dash_ok = full_stamp(dt, r)
            style = "full"
        elif roll < 0.75:
            stamp, dash_ok, style = time_stamp(dt, r), False, "time"
        else:
            stamp, dash_ok, style, when = None, False, "none", t
        n.updates.append(update_paragraph(stamp, dash_ok, text, r))
        n.words += words + 3
        n.truth.append((when, who[0], style))
        if close:
            n.status = STATUSES[n.kind][-1]
        elif r.random() < 0.35:
            self._advance(n)
        return [(n.path, n.text())], "Update %s" % os.path.basename(n.path)[:-3]

    def status(self, n, close=False):
        if close:
            n.status = STATUSES[n.kind][-1]
        else:
            self._advance(n, back_ok=True)
        return [(n.path, n.text())], "%s: %s" % (os.path.basename(n.path)[:-3], n.status)

    def fix(self, n):
        """Names the right part in one update (or, with none yet, in the body's
        first paragraph, which is always prose): the update keeps its time."""
        r = self.rng
        where, k = n.body, 0
        if n.updates:
            where, k = n.updates, r.randrange(len(n.updates))
        found = [w for w in THINGS if w in where[k]]
        if not found:        # every sentence names a part: only a decoy has none
            where, k = n.body, 0
            found = [w for w in THINGS if w in where[k]]
        old = r.choice(found)
        new = r.choice([w for w in THINGS if w not in old and old not in w])
        where[k] = where[k].replace(old, new, 1)
        return [(n.path, n.text())], "Fix a typo in %s" % os.path.basename(n.path)[:-3]

    def rename(self, n):
        r = self.rng
        old = n.path
        folder, _, name = old.rpartition("/")
        day = name[:10]
        if r.random() < 0.5:
            n.title = self._title(n.kind, n.servers[-1])
            base = "%s-%s" % (day, slugify(n.title))
        else:
            base = name[:-3] + "-" + slugify(n.servers[-1])
        name, k = base, 2
        while name in self.names:
            name, k = "%s-%d" % (base, k), k + 1
        self.names.add(name)
        n.path = folder + "/" + name + ".md"
        return [(old, None), (n.path, n.text())], "Rename %s" % os.path.basename(old)[:-3]

    def chore(self):
        r = self.rng
        path = r.choice(sorted(NOISE_FILES))
        lines = self.noise[path]
        line = self.prose.pool[r.randrange(len(self.prose.pool))]
        if len(lines) >= 30:
            lines[r.randrange(len(lines))] = line
        else:
            lines.append(line)
        text = NOISE_FILES[path] + "\n".join(lines) + "\n"
        return [(path, text.encode())], "%s: notes" % path.partition("/")[0]


# ---------------------------------------------------------------- main

def signature(who, t):
    name, email, zone = who
    return b"%s <%s> %d %s" % (name.encode(), email.encode(), t,
                                offset_text(local(t, zone)).encode())


def write_truth(path, notices):
    with open(path, "w", encoding="utf-8") as f:
        f.write("path\titem\tinstant\tauthor\tstyle\tfirst_path\n")
        for n in sorted(notices, key=lambda x: x.path):
            for k, (t, who, style) in enumerate(n.truth):
                stamp = datetime.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                f.write("%s\t%d\t%s\t%s\t%s\t%s\n" % (n.path, k, stamp, who, style, n.first_path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the repository to make (must not exist)")
    ap.add_argument("--incidents", type=int, default=1000, help="notices (default 1000)")
    ap.add_argument("--commits", type=int, default=5000, help="commits (default 5000)")
    ap.add_argument("--servers", type=int, default=60, help="servers in site.yaml (default 60)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--layout", choices=["flat", "year"], default="flat",
                    help="content/*.md (default) or content/YYYY/*.md")
    ap.add_argument("--years", type=float, default=10.0, help="span of the history (default 10)")
    ap.add_argument("--truth", metavar="FILE", help="write the expected times and authors here")
    ap.add_argument("--no-checkout", action="store_true", help="leave the work tree empty")
    args = ap.parse_args()
    if args.incidents < 1 or args.commits < args.incidents or args.servers < 1:
        sys.exit("gen-history: need --commits >= --incidents >= 1 and --servers >= 1")
    if os.path.exists(args.out):
        sys.exit("gen-history: %s already exists" % args.out)

    rng = random.Random(args.seed)
    servers = servers_for(args.servers, rng)
    events, counts = plan(args, rng)
    story = Story(args, rng, servers)

    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    gitdir = os.path.join(args.out, ".git")
    pack = PackWriter(gitdir)
    tree = Tree(pack)
    parent = None
    for k, (t, step, i) in enumerate(events):
        notice = story.notices[i] if step != STEP["add"] and i is not None else None
        if step == STEP["add"]:
            who = story.author(None)
            files, message = story.open(t, who)
        elif step == STEP["noise"]:
            who = story.author(None)
            files, message = story.chore()
        else:
            who = story.author(notice)
            if step in (STEP["update"], STEP["close-update"]):
                files, message = story.update(notice, t, who, step == STEP["close-update"])
            elif step in (STEP["status"], STEP["close-status"]):
                files, message = story.status(notice, step == STEP["close-status"])
            elif step == STEP["fix"]:
                files, message = story.fix(notice)
            else:
                files, message = story.rename(notice)
        if k == 0:
            files.append(("content/site.yaml", site_yaml(servers)))
        for path, data in files:
            if data is None:
                tree.remove(path)
            else:
                tree.write(path, pack.whole(BLOB, data))
        root = tree.seal()
        sig = signature(who, t)
        body = b"tree %s\n" % root.hex().encode()
        if parent:
            body += b"parent %s\n" % parent.hex().encode()
        body += b"author %s\ncommitter %s\n\n%s\n" % (sig, sig, message.encode())
        parent = pack.whole(COMMIT, body)
    tree.flush()
    _, objects = pack.close()
    with open(os.path.join(gitdir, "refs", "heads", "main"), "w") as f:
        f.write(parent.hex() + "\n")
    if not args.no_checkout:
        subprocess.run(["git", "-C", args.out, "reset", "-q", "--hard", "main"], check=True)
    if args.truth:
        write_truth(args.truth, story.notices)
    print("%s: %d commits (%d notices, %d updates, %d status, %d fixes, %d renames, "
          "%d outside content/), %d servers, %d objects"
          % (args.out, len(events), args.incidents, counts["updates"], counts["status"],
             counts["fixes"], counts["renames"], counts["noise"], len(servers), objects),
          file=sys.stderr)


if __name__ == "__main__":
    main()
