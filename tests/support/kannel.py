"""A real Kannel for tests: bearerbox + smsbox with Kannel's own fake SMSC (`fakesmsc`, Debian's
kannel-extras) connected to bearerbox's smsc port, all on free loopback ports under a temporary folder.

fakesmsc logs each message the SMSC side receives ("Got message N: <sender receiver type data>"); long
messages arrive as parts with their concatenation header (UDH), which `received()` puts back together
and decodes (UCS-2 or plain). The fake SMSC acknowledges each message (report 8) and reports it
delivered to the phone (report 1), each through the message's dlr-url.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes as _unquote

from tests.support.net import free_port

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
MISSING = "SMS tests need Debian's kannel and kannel-extras (apt install kannel kannel-extras)"
USER, PASSWORD = "disputes", "kannel-test-password"
_GOT = re.compile(r"Got message \d+: <(.*)>$")


def binaries_present() -> bool:
    return all(Path(p).exists() or shutil.which(Path(p).name) for p in (BEARERBOX, SMSBOX, FAKESMSC))


@dataclass(frozen=True)
class Text:
    sender: str
    receiver: str
    text: str
    parts: int


class Kannel:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.admin_port, self.box_port, self.smsc_port, self.sendsms_port = (free_port() for _ in range(4))
        self._procs: list[subprocess.Popen[bytes]] = []
        self.fakesmsc_log = folder / "fakesmsc.log"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def config(self, throughput: float | None = None) -> str:
        f = self.folder
        return f"""group = core
admin-port = {self.admin_port}
admin-password = admin-test
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.box_port}
box-allow-ip = "127.0.0.1"
log-file = "{f}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
connect-allow-ip = "127.0.0.1"
{f"throughput = {throughput}" if throughput else ""}

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box_port}
sendsms-port = {self.sendsms_port}
log-file = "{f}/smsbox.log"
log-level = 1

group = sendsms-user
username = {USER}
password = {PASSWORD}
max-messages = 3
concatenation = true
"""

    def start(self) -> None:
        conf = self.folder / "kannel.conf"
        conf.write_text(self.config())
        self._spawn([BEARERBOX, str(conf)], "bearerbox.out")
        _wait_port(self.admin_port)
        self._spawn([SMSBOX, str(conf)], "smsbox.out")
        _wait_port(self.sendsms_port)
        # -m 0: send no message of its own, only receive; -v 0: log what it receives (debug level)
        args = [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-v", "0", "-m", "0", "1 2 text x"]
        self._spawn(args, "fakesmsc.log")
        deadline = time.monotonic() + 15
        while "online" not in self.status():
            if time.monotonic() > deadline:
                raise RuntimeError(f"fake SMSC never came online: {self.status()!r}")
            time.sleep(0.1)

    def status(self) -> str:
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password=admin-test"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return str(answer.read().decode())
        except OSError:
            return ""

    def _spawn(self, args: list[str], log_name: str) -> None:
        log = (self.folder / log_name).open("wb")
        # stdin kept open (a pipe): fakesmsc reads it in interactive use
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        self._procs.append(proc)

    def stop(self) -> None:
        for proc in reversed(self._procs):
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
        for proc in reversed(self._procs):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs.clear()

    def received(self) -> list[Text]:
        """Every message the fake SMSC received so far, parts joined, text decoded."""
        lines = (
            self.fakesmsc_log.read_text(errors="replace").splitlines() if self.fakesmsc_log.exists() else []
        )
        texts: list[Text] = []
        pending: dict[tuple[str, str, int], dict[int, bytes]] = {}
        for line in lines:
            match = _GOT.search(line)
            if not match:
                continue
            sender, receiver, kind, *rest = match.group(1).split(" ")
            if kind == "udh":  # udh-hex data: 05 00 03 ref total seq
                udh, data = _bytes(rest[0]), _bytes(rest[2])
                ref, total, seq = udh[3], udh[4], udh[5]
                parts = pending.setdefault((sender, receiver, ref), {})
                parts[seq] = data
                if len(parts) == total:
                    whole = b"".join(parts[i] for i in sorted(parts))
                    texts.append(Text(sender, receiver, _decode(whole), total))
                    del pending[(sender, receiver, ref)]
            else:
                raw = _bytes(" ".join(rest)) if kind in {"data", "ucs-2", "ucs2"} else " ".join(rest)
                texts.append(Text(sender, receiver, _decode(raw) if isinstance(raw, bytes) else raw, 1))
        return texts

    def wait_for(self, count: int, timeout_s: float = 15) -> list[Text]:
        deadline = time.monotonic() + timeout_s
        while len(found := self.received()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fakesmsc received {len(found)} of {count} messages")
            time.sleep(0.1)
        return found


def _bytes(encoded: str) -> bytes:
    """Kannel's URL encoding (a space is '+', a plus '%2B') back to bytes."""
    return _unquote(encoded.replace("+", " "))


def _decode(data: bytes) -> str:
    """UCS-2 (big-endian) as Kannel passes it on for coding=2; else the bytes as text."""
    if b"\x00" in data or any(b >= 0x80 for b in data):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16-be")
    return data.decode("latin-1")


def _wait_port(port: int, timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kannel did not open port {port}") from None
            time.sleep(0.1)


def in_ci() -> bool:
    return bool(os.environ.get("CI"))
