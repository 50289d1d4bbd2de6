"""Mail a written brief and record the attempt: what ``render --mail`` and ``send`` share."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefer.delivery.message import BriefFiles, build_message
from briefer.delivery.settings import SmtpSettings
from briefer.delivery.smtp import SendFailed, send
from briefer.errors import OutputError
from briefer.series.deliveries import Delivery

__all__ = ["Recorded", "deliver", "record_delivery"]

logger = logging.getLogger("briefer")


@dataclass(frozen=True)
class Recorded:
    """Which manifest record a delivery belongs to."""

    reports_dir: Path
    log: str
    as_of: int
    lock_wait: float = 60.0


def deliver(
    files: BriefFiles,
    *,
    subject: str,
    recipients: Sequence[str],
    settings: SmtpSettings,
    record: Recorded | None,
) -> Delivery:
    """Build the mail, send it, record the attempt (sent or failed) and return it.

    A failure to send is not raised: the caller reads ``outcome`` (and exits 5).
    A brief file that cannot be read is OutputError (exit 3), nothing sent.
    """
    try:
        message = build_message(
            files, subject=subject, sender=settings.sender, recipients=recipients
        )
    except OSError as exc:
        raise OutputError(
            f"cannot read {exc.filename or 'the brief'} to mail it: {exc.strerror or exc}"
        ) from None
    logger.info("mailing the brief to %s via %s", ", ".join(recipients), settings.server)
    outcome, reply = "sent", ""
    try:
        send(settings, message, recipients)
    except SendFailed as exc:
        outcome, reply = "failed", str(exc)
    delivery = Delivery(
        at=int(time.time()),
        to=tuple(recipients),
        message_id=str(message["Message-ID"]),
        outcome=outcome,
        server=settings.server,
        reply=reply,
    )
    if record is not None:
        record_delivery(
            record.reports_dir, record.log, record.as_of, delivery, lock_wait=record.lock_wait
        )
    return delivery


def record_delivery(
    reports_dir: Path, log: str, as_of: int, delivery: Delivery, *, lock_wait: float
) -> None:
    """Append ``delivery`` to the record of ``log``'s brief as of ``as_of``, under the lock.

    The manifest alone is rewritten (atomically), holding the folder's lock, so
    that a render starting meanwhile neither loses the attempt nor is lost.
    """
    from briefer.atomic import staged_files
    from briefer.series.lock import folder_lock
    from briefer.series.manifest import load_manifest, stage_manifest

    with folder_lock(reports_dir, lock_wait):
        records = load_manifest(reports_dir)
        updated = [
            dataclasses.replace(r, deliveries=(*r.deliveries, delivery))
            if (r.log, r.as_of) == (log, as_of)
            else r
            for r in records
        ]
        try:
            with staged_files() as stage:
                stage_manifest(stage, reports_dir, updated)
        except OSError as exc:
            raise OutputError(f"cannot record the delivery: {exc.strerror or exc}") from None
