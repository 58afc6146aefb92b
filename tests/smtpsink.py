#!/usr/bin/python3
"""An SMTP sink for the notification tests, on 127.0.0.1, with aiosmtpd
(Debian's python3-aiosmtpd): STARTTLS required (CERT and KEY), AUTH
required (user "noc", password from $NB_TEST_SMTP_PASSWORD).

Usage: smtpsink.py LOG PORTFILE CERT KEY

Each message is appended to LOG as one JSON line: the envelope's sender
and recipients, whether the session was encrypted and authenticated, and
the message as sent.  The port is written to PORTFILE once it listens.
"""
import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

log_path, port_file, cert, key = sys.argv[1:5]
password = os.environ["NB_TEST_SMTP_PASSWORD"].encode()


class Sink:
    async def handle_DATA(self, server, session, envelope):
        with open(log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "auth": session.authenticated,
                "data": envelope.content.decode("utf-8", "replace"),
            }) + "\n")
        return "250 OK"


def authenticate(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == b"noc" and data.password == password
    return AuthResult(success=ok)


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(Sink(), hostname="127.0.0.1", port=port, tls_context=context,
                        require_starttls=True, authenticator=authenticate,
                        auth_required=True)
controller.start()
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(port))
os.rename(tmp, port_file)
try:
    asyncio.run(asyncio.Event().wait())
finally:
    controller.stop()
