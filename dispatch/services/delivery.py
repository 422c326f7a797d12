"""Delivering the outbox (send_notifications): each due message leaves once, failures are retried
with exponential backoff and finally recorded as failed with their reason.

How a message is claimed, and why no transaction is held while it is sent. A sender claims one due
message at a time in a short transaction: it picks the oldest due row with ``SELECT … FOR UPDATE
SKIP LOCKED`` (PostgreSQL: two senders never wait for, nor pick, the same row) and moves its
``next_attempt_at`` a lease ahead (LEASE: five minutes, or 30 × KP_NOTIFY_TIMEOUT if longer),
with an UPDATE that only matches the row as it was read (compare-and-set: on SQLite, which has no
row locks but serialises writers, that UPDATE is what makes the claim exclusive). The transaction
commits, and the message is sent with no transaction open: a webhook that hangs until its timeout
holds no lock and no connection in a transaction, and slows no one but this sender. Meanwhile the
row is not due, so no other sender takes it. The outcome is then written with an UPDATE that only
matches the row still carrying this sender's lease (its ``next_attempt_at`` to the microsecond):
sent, retried later (attempts + 1, the reason, next_attempt_at = now + KP_NOTIFY_BACKOFF_SECONDS ×
2^(attempts − 1)), or failed once KP_NOTIFY_MAX_ATTEMPTS attempts failed.

What this guarantees: two live senders never send one message twice, as long as one attempt ends
within the lease — every network wait is bounded by KP_NOTIFY_TIMEOUT (EMAIL_TIMEOUT for SMTP), and
the lease is many of them. Nothing is lost: a sender that dies between the claim and the outcome
leaves the row pending, and it is due again when the lease runs out (it may then be sent a second
time if the first attempt had reached the robot before the sender died: no sender can know that).
Holding the row lock for the whole attempt instead would make the guarantee independent of time,
but keep a transaction open across a network call for up to the timeout per message, and on SQLite
lock the whole database for the app's own writes; the lease is the better trade here.

A run takes only the messages due when it started, so a message that fails is not retried by the
same run, however short the backoff."""

import logging
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dispatch.choices import Channel, DeliveryStatus
from dispatch.models import OutboxMessage
from dispatch.services import channels
from dispatch.services.channels import DeliveryError

logger = logging.getLogger(__name__)

LEASE_FLOOR = timedelta(minutes=5)
LEASE_TIMEOUTS = 30  # the lease in units of KP_NOTIFY_TIMEOUT, when that is longer than the floor


@dataclass
class DeliveryCounts:
    """What one run did: messages sent, failed for good, and failed but to be tried again."""

    sent: int = 0
    failed: int = 0
    retrying: int = 0

    def as_dict(self):
        return asdict(self)


def lease_length():
    """How long a claimed message stays with its sender before another may take it."""
    return max(LEASE_FLOOR, timedelta(seconds=settings.KP_NOTIFY_TIMEOUT * LEASE_TIMEOUTS))


def retry_delay(attempts):
    """The wait after the ``attempts``-th failed attempt: the backoff, doubled after each failure."""
    return timedelta(seconds=settings.KP_NOTIFY_BACKOFF_SECONDS * 2 ** (attempts - 1))


def deliver_due(*, limit=None):
    """Deliver the outbox messages due now (at most ``limit`` of them); return the DeliveryCounts."""
    started = timezone.now()
    counts = DeliveryCounts()
    handled = 0
    while limit is None or handled < limit:
        claim = claim_next(due_by=started)
        if claim is None:
            break
        handled += 1
        outcome = deliver_claimed(*claim)
        if outcome is not None:
            setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


def claim_next(*, due_by):
    """Claim the oldest message due by ``due_by`` for this sender: (its id, the lease it now
    carries), or None when none is left. See the module's docstring."""
    due = OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=due_by)
    while True:
        # PostgreSQL: the row lock keeps two claims apart until commit. SQLite: no row locks, and a
        # read-then-write transaction would fail with "database is locked" when another writer
        # started first; the single compare-and-set UPDATE below is atomic there on its own.
        atomic = transaction.atomic() if connection.features.has_select_for_update else nullcontext()
        with atomic:
            candidate = (
                due.select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "id")
                .values("pk", "next_attempt_at")
                .first()
            )
            if candidate is None:
                return None
            lease_until = timezone.now() + lease_length()
            taken = OutboxMessage.objects.filter(
                pk=candidate["pk"], status=DeliveryStatus.PENDING, next_attempt_at=candidate["next_attempt_at"]
            ).update(next_attempt_at=lease_until)
        if taken:
            return candidate["pk"], lease_until
        # Another sender claimed it between our read and our write (SQLite): take the next one.


def deliver_claimed(message_id, lease_until):
    """Send a message this sender claimed and record the outcome: "sent", "retrying" or "failed"
    (None when the lease was lost — the row is someone else's now, and nothing is written — or the
    message was deleted meanwhile)."""
    message = OutboxMessage.objects.select_related("notification__user").filter(pk=message_id).first()
    if message is None:  # deleted since the claim, with its notification or its user
        return None
    reason = None
    try:
        if message.channel == Channel.EMAIL and not message.notification.user.is_active:
            raise DeliveryError("接收人账号已停用。")
        # A robot's post is the group's: it goes though the recipient it hangs on has left since.
        names, mobiles = message.robot_recipients()
        channels.send(message.channel, message.notification, names=names, mobiles=mobiles)
    except DeliveryError as error:
        reason = str(error)
    except Exception as error:  # a bug must not leave the row leased and stop the run
        logger.exception("outbox message %s: unexpected error while sending", message_id)
        reason = f"发送时出现程序错误（{error.__class__.__name__}），请联系系统管理员。"
    return _record(message, lease_until, reason)


def _record(message, lease_until, reason):
    now = timezone.now()
    mine = OutboxMessage.objects.filter(pk=message.pk, status=DeliveryStatus.PENDING, next_attempt_at=lease_until)
    attempts = message.attempts + 1
    if reason is None:
        outcome = "sent"
        written = mine.update(status=DeliveryStatus.SENT, sent_at=now, attempts=attempts, last_error="")
    elif attempts >= settings.KP_NOTIFY_MAX_ATTEMPTS:
        outcome = "failed"
        written = mine.update(status=DeliveryStatus.FAILED, attempts=attempts, last_error=reason)
    else:
        outcome = "retrying"
        written = mine.update(attempts=attempts, last_error=reason, next_attempt_at=now + retry_delay(attempts))
    if not written:
        logger.warning(
            "outbox message %s: the attempt outlived its lease; its outcome (%s) was not recorded", message.pk, outcome
        )
        return None
    if reason is not None:
        logger.warning("outbox message %s (%s), attempt %s: %s", message.pk, message.channel, attempts, reason)
    return outcome
