"""The benches' SMTP server in a process of its own: `python -m bench.sink_process PORT FOLDER`.

It stands in for the SMTP relay, which is not onramp: it takes each mail and writes it to FOLDER as an .eml file,
named as `onramp mail` and `starter.mail_sink.read_folder` read them, without parsing it (the dev stack's MailSink
parses every mail as it arrives, which on a 2-core machine takes CPU from what is measured). Run in the measuring
process, it would also take the worker's GIL.
"""

from __future__ import annotations

import itertools
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _KeepRaw:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        received_at = datetime.now(UTC)
        path = self.folder / f"{received_at:%Y%m%dT%H%M%S%f}-{next(self.numbers):05d}.eml"
        path.write_bytes(envelope.original_content or b"")
        return "250 Message accepted for delivery"


def main(port: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    controller = Controller(_KeepRaw(folder), hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
