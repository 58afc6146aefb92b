#!/usr/bin/python3
"""Reads the SMTP sink's log (tests/smtpsink.py) with Python's own MIME
parser and prints a line per message, for the notification tests:

  RECIPIENTS | tls auth | Subject | List-Unsubscribe | plain text's first line | link in the HTML
"""
import email
import email.policy
import json
import re
import sys

for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    msg = email.message_from_string(m["data"], policy=email.policy.default)
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    link = re.search(r'<a href="([^"]*)">', html)
    print("%s | %s %s | %s | %s | %s | %s" % (
        ",".join(m["to"]), "tls" if m["tls"] else "plain", "auth" if m["auth"] else "anon",
        msg["Subject"], msg["List-Unsubscribe"], plain.split("\n")[0],
        link.group(1) if link else "-"))
