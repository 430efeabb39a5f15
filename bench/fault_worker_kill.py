"""Fault: the task worker killed (SIGKILL) while it sends emails (issue 16).

1. FAULT_EMAILS emails (default 200) are written to the outbox of a
   PostgreSQL database (SOAK_DB, default `faults_soak`, migrated by
   `make soak`) and their send tasks queued (django_tasks_db).
2. A local SMTP relay (below, on loopback) takes every message, 20 ms each,
   and records its Message-ID.
3. `manage.py db_worker` (production settings) sends them; it is killed
   with SIGKILL FAULT_KILLS times at random moments (0.5–2 s after each
   start) and started again; and once more at the worst moment: the relay
   has the whole message and the worker is killed before it reads the
   relay's « 250 » (so before `sent_at` can be committed).
4. `manage.py deliver_pending_emails --older-than-minutes 0` (the every-5-
   minute sweep, without its 10-minute grace) queues the abandoned sends
   again and a last worker runs them.

Reported: emails sent (sent_at), messages the relay received, distinct
Message-IDs, emails missing at the relay, copies received twice (each with
the same Message-ID or not), task results left « RUNNING » by the kills.
Figures in bench/results/fault-worker-kill.json and docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import DB_URL, PROD_ENV, PY, ROOT, psql

EMAILS = int(os.environ.get("FAULT_EMAILS", 200))
KILLS = int(os.environ.get("FAULT_KILLS", 3))
KEY_PREFIX = "fault-worker-kill-"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Relay(socketserver.ThreadingTCPServer):
    """An SMTP relay that accepts everything; `hold_after` makes it keep the
    « 250 » of that message (counted from now) until `release` is set."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RelayHandler)
        self.received: list[bytes] = []
        self.lock = threading.Lock()
        self.hold_after: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()


class RelayHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        try:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()
        except OSError:
            pass  # the client died: a relay keeps what it received

    def handle(self):
        relay: Relay = self.server
        self.reply("220 relay.faults ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 relay.faults")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) and chunk != b".\r\n":
                    data += chunk
                time.sleep(0.02)  # a relay's work: the kills land mid-send
                found = MESSAGE_ID.search(data)
                with relay.lock:
                    relay.received.append(found.group(1) if found else b"")
                    hold = relay.hold_after is not None and len(relay.received) >= relay.hold_after
                    if hold:
                        relay.hold_after = None
                if hold:
                    relay.holding.set()
                    relay.release.wait(30)
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


QUEUE_SNIPPET = r"""
import sys, django
django.setup()
from django.db import transaction
from maillage.notifications.models import OutboundEmail
from maillage.notifications.tasks import deliver_email
prefix, count = sys.argv[1], int(sys.argv[2])
OutboundEmail.objects.filter(idempotency_key__startswith=prefix).delete()
for i in range(count):
    with transaction.atomic(durable=True):
        email = OutboundEmail.objects.create(
            idempotency_key=f"{prefix}{i}", to=f"agent{i}@example.org", subject=f"Orientation {i}",
            body="Une orientation vous attend dans Maillage.")
        transaction.on_commit(lambda pk=email.pk: deliver_email.enqueue(pk))
"""


def env(relay_port: int) -> dict:
    return {**os.environ, **PROD_ENV, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(relay_port)}


def start_worker(relay_port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [PY, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "-v0"],
        env=env(relay_port),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def unsent() -> int:
    return int(psql(DB_URL, f"SELECT count(*) FROM notifications_outboundemail WHERE sent_at IS NULL "
                            f"AND idempotency_key LIKE '{KEY_PREFIX}%'"))  # fmt: skip


def ready() -> int:
    """Send tasks still waiting for a worker."""
    return int(psql(DB_URL, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'"))


def kill(worker: subprocess.Popen) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()


def main() -> None:
    random.seed(int(os.environ.get("FAULT_SEED", 16)))
    relay = Relay()
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    port = relay.server_address[1]
    stale_before = int(
        psql(DB_URL, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
    )
    subprocess.run([PY, "-c", QUEUE_SNIPPET, KEY_PREFIX, str(EMAILS)], env=env(port), cwd=ROOT, check=True)
    started = time.time()
    kills = []
    for _ in range(KILLS):
        worker = start_worker(port)
        sending = len(relay.received)
        while len(relay.received) == sending and time.time() - started < 300:
            time.sleep(0.05)  # until the worker sends (Django takes seconds to start)
        time.sleep(random.uniform(0.2, 1.5))
        kill(worker)
        kills.append({"at_s": round(time.time() - started, 1), "received_so_far": len(relay.received)})
    # The worst moment: the relay holds the whole message, the worker waits for its « 250 ».
    relay.hold_after = len(relay.received) + 5
    worker = start_worker(port)
    held = relay.holding.wait(120)
    if held:
        kill(worker)
        kills.append({"at_s": round(time.time() - started, 1), "received_so_far": len(relay.received),
                      "while_the_relay_held_its_250": True})  # fmt: skip
    relay.release.set()
    if not held:
        kill(worker)
    left_after_kills = unsent()
    # Without the sweep, these stay unsent: their tasks are « RUNNING » for ever.
    worker = start_worker(port)
    deadline = time.time() + 600
    while ready() and time.time() < deadline:
        time.sleep(1)
    time.sleep(2)  # the last task claimed
    left_without_sweep = unsent()
    sweep = subprocess.run(
        [PY, "manage.py", "deliver_pending_emails", "--older-than-minutes", "0"],
        env=env(port),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    while unsent() and time.time() < deadline:
        time.sleep(1)
    worker.send_signal(signal.SIGTERM)
    worker.wait(30)
    elapsed = time.time() - started
    ids = psql(DB_URL, f"SELECT id, idempotency_key FROM notifications_outboundemail "
                       f"WHERE idempotency_key LIKE '{KEY_PREFIX}%'")  # fmt: skip
    expected = {row.split("|")[0] for row in ids.splitlines()}
    # Only this run's emails (the database may hold others, which the sweep sends too).
    received = Counter(
        pk for mid in relay.received if mid and (pk := mid.decode().strip("<>").split(".")[0]) in expected
    )
    result = {
        "when_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "loadavg_1min": os.getloadavg()[0],
        "emails": EMAILS,
        "kills": kills,
        "unsent_after_the_kills": left_after_kills,
        "unsent_after_a_restarted_worker_without_the_sweep": left_without_sweep,
        "sweep": sweep.stdout.strip(),
        "sent_at_set": EMAILS - unsent(),
        "messages_received_by_the_relay": sum(received.values()),
        "distinct_message_ids": len(received),
        "emails_missing_at_the_relay": len(expected - set(received)),
        "emails_received_twice_or_more": sum(1 for n in received.values() if n > 1),
        "messages_without_message_id": sum(1 for mid in relay.received if not mid),
        "copies_beyond_the_first_with_the_same_message_id": sum(n - 1 for n in received.values()),
        "task_results_left_running_by_the_kills": int(
            psql(DB_URL, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
        )
        - stale_before,
        "seconds": round(elapsed, 1),
    }
    out = ROOT / "bench" / "results" / "fault-worker-kill.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    relay.shutdown()


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()
