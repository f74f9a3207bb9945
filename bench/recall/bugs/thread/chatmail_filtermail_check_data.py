"""chatmail/relay#675, fixed by chatmail/relay#676 (merged): filtermail's aiosmtpd handlers
`handle_DATA` are coroutines but call the synchronous `check_DATA`, which parses the whole
message with the pure-Python `email` package (`BytesParser(policy=policy.default)`) and walks
the OpenPGP packets in a Python loop. While a large message was checked the asyncio thread was
hogged: the logs of #675 show 10-second gaps between MAIL FROM, RCPT TO and DATA of other
sessions. #676 turned the body of each `handle_DATA` into a sync `sync_handle_DATA` run with
`loop.run_in_executor(None, ...)` ("Run CPU-intensive checks in a thread pool"; the author added
that the `sendmail` re-injection, blocking I/O, belonged there too). Shortened from the
project's `chatmaild/src/chatmaild/filtermail.py` before the fix."""
import asyncio
import base64
import binascii
import logging
import sys
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from smtplib import SMTP as SMTPClient

from aiosmtpd.controller import Controller

from .config import read_config

ENCRYPTION_NEEDED_523 = "523 Encryption Needed: Invalid Unencrypted Mail"


def check_openpgp_payload(payload: bytes):
    i = 0
    while i < len(payload):
        if payload[i] & 0xC0 != 0xC0:
            return False

        packet_type_id = payload[i] & 0x3F
        i += 1

        while payload[i] >= 224 and payload[i] < 255:
            partial_length = 1 << (payload[i] & 0x1F)
            i += 1 + partial_length

        if payload[i] < 192:
            body_len = payload[i]
            i += 1
        elif payload[i] < 224:
            body_len = ((payload[i] - 192) << 8) + payload[i + 1] + 192
            i += 2
        elif payload[i] == 255:
            body_len = (
                (payload[i + 1] << 24)
                | (payload[i + 2] << 16)
                | (payload[i + 3] << 8)
                | payload[i + 4]
            )
            i += 5
        else:
            return False

        i += body_len

        if i == len(payload):
            return packet_type_id == 18
        elif packet_type_id not in [1, 3]:
            return False

    return False


def check_armored_payload(payload: str, outgoing: bool):
    prefix = "-----BEGIN PGP MESSAGE-----\r\n"
    if not payload.startswith(prefix):
        return False
    payload = payload.removeprefix(prefix)

    while payload.endswith("\r\n"):
        payload = payload.removesuffix("\r\n")
    suffix = "-----END PGP MESSAGE-----"
    if not payload.endswith(suffix):
        return False
    payload = payload.removesuffix(suffix)

    while payload.startswith("\r\n"):
        payload = payload.removeprefix("\r\n")

    payload = payload.rpartition("=")[0]

    try:
        payload = base64.b64decode(payload)
    except binascii.Error:
        return False

    try:
        return check_openpgp_payload(payload)
    except IndexError:
        return False


def check_encrypted(message, outgoing=True):
    if not message.is_multipart():
        return False
    if message.get_content_type() != "multipart/encrypted":
        return False
    parts_count = 0
    for part in message.iter_parts():
        if part.is_multipart():
            return False

        if parts_count == 0:
            if part.get_content_type() != "application/pgp-encrypted":
                return False
            payload = part.get_payload()
            if payload.strip() != "Version: 1":
                return False
        elif parts_count == 1:
            if part.get_content_type() != "application/octet-stream":
                return False
            if not check_armored_payload(part.get_payload(), outgoing=outgoing):
                return False
        else:
            return False
        parts_count += 1
    return True


async def asyncmain_beforequeue(config, mode):
    if mode == "outgoing":
        port = config.filtermail_smtp_port
        handler = OutgoingBeforeQueueHandler(config)
    else:
        port = config.filtermail_smtp_port_incoming
        handler = IncomingBeforeQueueHandler(config)
    Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        data_size_limit=config.max_message_size,
    ).start()


class OutgoingBeforeQueueHandler:
    def __init__(self, config):
        self.config = config

    async def handle_DATA(self, server, session, envelope):
        logging.info("handle_DATA before-queue")
        error = self.check_DATA(envelope)  # BUG: CCL202
        if error:
            return error
        logging.info("re-injecting the mail that passed checks")
        client = SMTPClient("localhost", self.config.postfix_reinject_port)  # ALSO: CCL105
        client.sendmail(  # ALSO: CCL105
            envelope.mail_from, envelope.rcpt_tos, envelope.original_content
        )
        return "250 OK"

    def check_DATA(self, envelope):
        """the central filtering function for e-mails."""
        logging.info(f"Processing DATA message from {envelope.mail_from}")

        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        mail_encrypted = check_encrypted(message, outgoing=True)

        _, from_addr = parseaddr(message.get("from").strip())

        if envelope.mail_from.lower() != from_addr.lower():
            return f"500 Invalid FROM <{from_addr!r}> for <{envelope.mail_from!r}>"

        if mail_encrypted:
            print("Outgoing: Filtering encrypted mail.", file=sys.stderr)
            return

        if envelope.mail_from in self.config.passthrough_senders:
            return

        print("Rejected unencrypted mail.", file=sys.stderr)
        return ENCRYPTION_NEEDED_523


class IncomingBeforeQueueHandler:
    def __init__(self, config):
        self.config = config

    async def handle_DATA(self, server, session, envelope):
        logging.info("handle_DATA before-queue")
        error = self.check_DATA(envelope)  # BUG: CCL202
        if error:
            return error
        logging.info("re-injecting the mail that passed checks")
        client = SMTPClient(  # ALSO: CCL105
            "localhost",
            self.config.postfix_reinject_port_incoming,
            source_address=("127.0.0.2", 0),
        )
        client.sendmail(  # ALSO: CCL105
            envelope.mail_from, envelope.rcpt_tos, envelope.original_content
        )
        return "250 OK"

    def check_DATA(self, envelope):
        """the central filtering function for e-mails."""
        logging.info(f"Processing DATA message from {envelope.mail_from}")

        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        mail_encrypted = check_encrypted(message, outgoing=False)

        if mail_encrypted:
            print("Incoming: Filtering encrypted mail.", file=sys.stderr)
            return

        for recipient in envelope.rcpt_tos:
            user = self.config.get_user(recipient)
            if user is None or user.is_incoming_cleartext_ok():
                continue

            print("Rejected unencrypted mail.", file=sys.stderr)
            return ENCRYPTION_NEEDED_523


def main():
    args = sys.argv[1:]
    assert len(args) == 2
    config = read_config(args[0])
    mode = args[1]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    assert mode in ["incoming", "outgoing"]
    loop.create_task(asyncmain_beforequeue(config, mode))
    loop.run_forever()
