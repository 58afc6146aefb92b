#!/usr/bin/python3
"""A webhook receiver and WebSub hub for the notification tests, on 127.0.0.1.

Usage: receiver.py LOG PORTFILE [SITE]

Every POST is appended to LOG as one JSON line: its path, its headers, its
body and, given SITE (a built site's folder), what SITE/updates.xml held
as it arrived; then it is answered by its path:
  /hook, /hub   200
  /flaky        500 the first time, 200 after
  /down         503 always
  /slow         after 30 seconds (a receiver that hangs)
The port chosen is written to PORTFILE once the server listens.
"""
import http.server
import json
import os
import sys
import threading
import time

log_path, port_file = sys.argv[1], sys.argv[2]
site = sys.argv[3] if len(sys.argv) > 3 else None
lock = threading.Lock()
seen_flaky = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        live = None
        if site:
            try:
                with open(os.path.join(site, "updates.xml"), encoding="utf-8") as f:
                    live = f.read()
            except OSError:
                live = ""
        with lock:
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"path": self.path, "headers": dict(self.headers),
                                    "body": body, "live": live}) + "\n")
            status = 200
            if self.path == "/flaky":
                seen_flaky[0] += 1
                status = 500 if seen_flaky[0] == 1 else 200
            elif self.path == "/down":
                status = 503
        if self.path == "/slow":
            time.sleep(30)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, port_file)
server.serve_forever()
