"""Locust journeys of `make soak` (bench/soak.py starts locust with this file).

Three kinds of signed-in people, each with a session made by bench/soak.py
(SOAK_SESSIONS, a JSON file: {"case_worker": [cookie, ...], "crip": [...],
"coordination": [...]}):

- a case worker: home, case list, a case, sometimes a note on it (a write);
- the CRIP: home, the referrals inbox, a referral, the case list;
- coordination: home, directory searches, the coordination page.

Links are followed from the pages themselves (case and referral numbers are
read from the lists), as a person would. The server is gunicorn with
production settings on loopback: HTTPS is said by X-Forwarded-Proto, and the
__Host- cookies are sent by hand (a cookie jar keeps Secure cookies off
plain HTTP).

Besides locust's own statistics, every response is counted per second and
status (SOAK_TIMELINE, written at the end) so that the fault runs can date an
outage and the recovery; every 503 is checked to be the French page with
Retry-After; every acknowledged note (302 to the case) is counted
(SOAK_ACKS) to compare with the rows in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import time
from collections import Counter, defaultdict

from locust import FastHttpUser, between, events, task

with open(os.environ["SOAK_SESSIONS"]) as _f:
    SESSIONS = json.load(_f)
_cycles = {kind: itertools.cycle(cookies) for kind, cookies in SESSIONS.items()}
TIMELINE: dict[int, Counter] = defaultdict(Counter)
CHECKS = Counter()
SEARCHES = ["foyer", "accueil", "hébergement", "paris", "marseille", "juridique", "santé", "mineurs", "crip", "lyon"]
CASE_LINK = re.compile(rb'href="/dossiers/(\d+)/"')
REFERRAL_LINK = re.compile(rb'href="/orientations/(\d+)/"')


@events.request.add_listener
def _count(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    TIMELINE[int(time.time())][str(status)] += 1
    if status == 503:
        body = response.content or b""
        french = "Service momentanément indisponible".encode() in body
        retry = bool(response.headers.get("Retry-After"))
        CHECKS["503_french_with_retry_after" if french and retry else "503_other"] += 1
    elif status >= 500:
        CHECKS[f"{status}_responses"] += 1
        if b"Traceback" in (response.content or b""):
            CHECKS["responses_with_a_trace"] += 1


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["SOAK_TIMELINE"], "w") as out:
        json.dump({str(k): dict(v) for k, v in sorted(TIMELINE.items())}, out)
    with open(os.environ["SOAK_ACKS"], "w") as out:
        json.dump(dict(CHECKS), out)


class SignedIn(FastHttpUser):
    abstract = True
    kind = ""
    # Think time of a person reading a page (steady rate, not a flood).
    wait_time = between(1, 4)

    def on_start(self):
        self.csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        cookie = next(_cycles[self.kind])
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": f"__Host-sessionid={cookie}; __Host-csrftoken={self.csrf}",
            "Accept-Language": "fr",
        }
        self.cases: list[str] = []  # every case in the list (own and shared)
        self.own_cases: list[str] = []  # notes go on the organisation's own cases
        self.referrals: list[str] = []

    def get(self, path, name=None):
        with self.client.get(path, headers=self.headers, name=name or path, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            return r

    def post(self, path, data, name):
        # The origin the browser would send: the served host, in HTTPS.
        origin = self.host.replace("http://", "https://", 1)
        headers = {**self.headers, "Origin": origin, "Referer": f"{origin}{path}"}
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            path, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as r:
            # A write is acknowledged by the redirect to the case (PRG).
            if r.status_code == 302:
                CHECKS[f"{name} acknowledged"] += 1
                r.success()
            else:
                r.failure(f"status {r.status_code}")
            return r

    def home(self):
        self.get("/", name="home")

    def case_list(self):
        r = self.get("/dossiers/", name="case list")
        if r.status_code == 200:
            content = r.content or b""
            self.cases = [m.decode() for m in CASE_LINK.findall(content)] or self.cases
            # The shared cases' table comes after this heading: only their shared parts are open.
            own = content.split(b'id="partages"')[0]
            self.own_cases = [m.decode() for m in CASE_LINK.findall(own)] or self.own_cases

    def case_detail(self):
        if not self.cases:
            self.case_list()
        if self.cases:
            self.get(f"/dossiers/{random.choice(self.cases)}/", name="case detail")


class CaseWorker(SignedIn):
    kind = "case_worker"
    weight = 3

    @task(3)
    def t_home(self):
        self.home()

    @task(3)
    def t_list(self):
        self.case_list()

    @task(5)
    def t_detail(self):
        self.case_detail()

    @task(1)
    def t_note(self):
        if not self.own_cases:
            self.case_list()
        if self.own_cases:
            case = random.choice(self.own_cases)
            self.post(
                f"/dossiers/{case}/notes/",
                {"text": f"Note de charge {secrets.token_hex(4)} : appel au foyer.", "visibility": "internal"},
                name="note (write)",
            )


class Crip(SignedIn):
    kind = "crip"
    weight = 1

    @task(2)
    def t_home(self):
        self.home()

    @task(4)
    def t_inbox(self):
        r = self.get("/orientations/", name="inbox")
        if r.status_code == 200:
            self.referrals = [m.decode() for m in REFERRAL_LINK.findall(r.content or b"")] or self.referrals

    @task(3)
    def t_referral(self):
        if self.referrals:
            self.get(f"/orientations/{random.choice(self.referrals)}/", name="referral detail")

    @task(2)
    def t_cases(self):
        self.case_list()

    @task(2)
    def t_detail(self):
        self.case_detail()


class Coordination(SignedIn):
    kind = "coordination"
    weight = 1

    @task(2)
    def t_home(self):
        self.home()

    @task(4)
    def t_search(self):
        self.get(f"/annuaire/?q={random.choice(SEARCHES)}", name="directory search")

    @task(1)
    def t_directory(self):
        self.get("/annuaire/", name="directory")

    @task(1)
    def t_coordination(self):
        self.get("/coordination/", name="coordination")
