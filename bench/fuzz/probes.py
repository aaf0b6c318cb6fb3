"""The hostile requests, one family at a time; each probe is a pure function of the
seed and its number (`random.Random(f"{seed}-{number}")`), so a run replays exactly.

A probe sends one or two requests through a `Clients` (the editor's, the viewer's
and anonymous httpx clients of one campaign thread) and returns what came back.
Families: filter fields through the export URL, the page URL, the stored filter and
the filter panel; event ids in paths; every callback with a mutated body; uploads
of mutated files followed by their dry run; logins and log-outs with tampered
cookies, forged tokens and cross-origin posts."""

from __future__ import annotations

import base64
import copy
import json
import random
import time
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import quote

import httpx

from bench.fuzz import files
from bench.fuzz.bodies import UPDATE_PATH, Callback, mutate, set_value
from bench.fuzz.values import DATES, NUMBERS, WORDS, many_values, text_value
from tracker.query.filters import EventFilter

FILTER_FIELDS = tuple(item.name for item in fields(EventFilter))
LIST_FIELDS = tuple(
    item.name
    for item in fields(EventFilter)
    if item.default == ()  # tuples
)
URL_LIST_LIMIT = 100  # values of one field in a URL
# Longer URLs are cut here: gunicorn refuses a request line over 4 KB anyway
# (answering 400), and httpx refuses to build one over 64 KB.
URL_QUERY_LIMIT = 8000
READ_LIMIT = 256 * 1024  # bytes of an answer read before hanging up
EVIL_ORIGIN = "https://evil.example"
HOSTILE_IDS = (
    "99999999999999999999999",
    "-1",
    "0",
    "²",
    "١",
    "1.5",
    "1e9",
    "9" * 400,
    "%00",
    "abc",
    "<script>",
    "1%20OR%201=1",
    "2147483648",
    "9223372036854775808",
    "..",
    "new",
)


@dataclass
class Answer:
    """What one request got: status (None when no answer came) and what was sent."""

    family: str
    request: str
    status: int | None
    error: str | None = None
    excerpt: str = ""
    seconds: float = 0.0
    unexpected: str | None = None  # a security expectation that did not hold
    location: str = ""  # where a redirect points
    sent: bool = True  # False: the client refused to send it (not the server's fault)
    retried: bool = False  # the first try met a keep-alive connection closing


class Attempt:
    """One try of a request: did it open a new connection, did an answer start?

    gunicorn closes an idle kept-alive connection after its keepalive (2 s); a
    request written on it in that instant meets the close (httpx: "Server
    disconnected without sending a response", or a reset). Browsers then send the
    request again once on a new connection, but only when the failed try had
    reused a connection and no byte of the answer had come (Chromium's "retry on
    reused socket"). The campaign follows the same rule; any other failure, and a
    second failure, counts."""

    def __init__(self) -> None:
        self.opened_connection = False
        self.answer_started = False

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: notes a new TCP connection and the answer's head."""
        if event.startswith("connection.connect_tcp"):
            self.opened_connection = True
        elif event == "http11.receive_response_headers.complete":
            self.answer_started = True

    def may_retry(self, error: httpx.HTTPError) -> bool:
        """A reused connection closed before any answer: a browser would retry."""
        return (
            not self.opened_connection
            and not self.answer_started
            and isinstance(error, httpx.RemoteProtocolError | httpx.ReadError)
        )


@dataclass
class Clients:
    """The HTTP clients of one campaign thread: logged in as editor and viewer, and
    one logged in as nobody."""

    editor: httpx.Client
    viewer: httpx.Client
    anonymous: httpx.Client
    last_upload: dict[str, Any] | None = None


@dataclass
class Target:
    """What the probes know of the running app: its callbacks and their valid
    bodies, read once from it."""

    base: str
    callbacks: list[Callback]
    bodies: dict[str, dict[str, Any]]
    editor_cookie: str
    password: str
    editor_name: str
    target_name: str

    def find(self, input_id: str) -> Callback:
        """The callback that has `input_id` among its inputs."""
        for callback in self.callbacks:
            if any(spec["id"] == input_id for spec in callback.inputs):
                return callback
        raise LookupError(f"no callback takes {input_id}")

    def body(self, input_id: str) -> dict[str, Any]:
        """A fresh copy of the valid body of the callback taking `input_id`."""
        return copy.deepcopy(self.bodies[self.find(input_id).output])


def send(
    client: httpx.Client, family: str, what: str, method: str, path: str, **kwargs: Any
) -> Answer:
    """Send one request and keep what a report needs of its answer.

    At most READ_LIMIT bytes of the body are read, then the connection is closed,
    as an impatient client does: an export whose hostile filter was dropped would
    otherwise stream every event, and what the campaign checks (the status, and
    the server log for an error mid-stream) is known by then."""
    started = time.monotonic()
    retried = False
    while True:
        attempt = Attempt()
        try:
            with client.stream(
                method, path, extensions={"trace": attempt.trace}, **kwargs
            ) as response:
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) >= READ_LIMIT:
                        break
            break
        except httpx.LocalProtocolError as error:  # httpx would not send it
            return Answer(family, what, None, f"not sent: {error}"[:300], sent=False)
        except httpx.HTTPError as error:  # no answer, or a stream cut short
            if attempt.may_retry(error) and not retried:
                retried = True
                continue
            message = f"{type(error).__name__}: {error}"[:300]
            return Answer(family, what, None, message, retried=retried)
    text = body[:300].decode("utf-8", "replace")
    return Answer(
        family,
        what,
        response.status_code,
        excerpt=text if response.status_code >= 400 else "",
        seconds=time.monotonic() - started,
        location=response.headers.get("location", ""),
        retried=retried,
    )


def post_callback(
    client: httpx.Client, family: str, what: str, body: Any, **kwargs: Any
) -> Answer:
    """POST a callback body as the Dash renderer does (JSON)."""
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return send(
        client, family, what, "POST", UPDATE_PATH, content=content, headers=headers
    )


# --- Filter values ------------------------------------------------------------


def field_value(rng: random.Random, name: str, *, many: int = 0) -> list[str]:
    """Hostile values for the filter field `name` (a list for list fields)."""
    if name in LIST_FIELDS and many:
        return many_values(rng, many)
    if name in ("since", "until"):
        return [rng.choice(DATES) if rng.random() < 0.7 else text_value(rng)]
    if name == "min_fatalities":
        return [rng.choice(NUMBERS) if rng.random() < 0.7 else text_value(rng)]
    if name in LIST_FIELDS:
        return [
            rng.choice(WORDS) if rng.random() < 0.3 else text_value(rng)
            for _ in range(rng.choice((1, 1, 2, 5)))
        ]
    return [text_value(rng)]


def hostile_query(rng: random.Random, *, list_limit: int) -> tuple[str, str]:
    """A query string with one to three hostile filter fields, and its summary."""
    pairs: list[tuple[str, str]] = []
    names = rng.sample(FILTER_FIELDS, rng.choice((1, 1, 2, 3)))
    if rng.random() < 0.05:
        names.append(rng.choice(("unknown", "columns", "", "since[]", "statuses")))
    for name in names:
        many = rng.choice((100, list_limit)) if rng.random() < 0.15 else 0
        pairs.extend((name, value) for value in field_value(rng, name, many=many))
    query = "&".join(f"{quote(k)}={_quote(v)}" for k, v in pairs)
    summary = ", ".join(sorted(set(names)))
    return query, f"{summary}: {query[:120]}" + ("…" if len(query) > 120 else "")


def export_url(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """GET /export.csv with hostile filter values (and now and then columns)."""
    query, what = hostile_query(rng, list_limit=URL_LIST_LIMIT)
    if len(query) > URL_QUERY_LIMIT:
        query = query[:URL_QUERY_LIMIT].rpartition("&")[0] or query[:URL_QUERY_LIMIT]
    if rng.random() < 0.1:
        query += "&columns=" + quote(rng.choice(("acled", "native", "x", "ACLED", "")))
    return [
        send(
            clients.editor,
            "filters: export URL",
            f"/export.csv?{what}",
            "GET",
            f"/export.csv?{query}",
        )
    ]


def page_url(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """The pages callback (what a browser sends for `/map?...`) with hostile filters."""
    query, what = hostile_query(rng, list_limit=rng.choice((URL_LIST_LIMIT, 10_000)))
    path = rng.choice(("/", "/map", "/events"))
    body = target.body("_pages_location")
    body["inputs"][0]["value"] = path
    body["inputs"][1]["value"] = "?" + query
    return [post_callback(clients.editor, "filters: page URL", f"{path}?{what}", body)]


STORES = (  # (the callback's input, its value, the store holding the filter)
    ("timeline-lanes", 12, "timeline-filter"),
    ("map-basemap-ready", "outline", "map-filter"),
)


def stored_filter(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """The timeline and map callbacks with a hostile filter in their store (the
    table reads its filter from the URL: `page_url` sends it hostile ones)."""
    trigger, value, store = rng.choice(STORES)
    query, what = hostile_query(rng, list_limit=rng.choice((1000, 10_000)))
    body = target.body(trigger)
    if value is not None:
        body["inputs"][0]["value"] = value
    for entry in body["state"]:
        if entry["id"] == store:
            entry["value"] = query
    return [
        post_callback(clients.editor, "filters: stored filter", f"{store}={what}", body)
    ]


PANEL_FIELDS = {  # the filter panel's inputs and the filter field each holds
    "filter-since": "since",
    "filter-until": "until",
    "filter-modes": "modes",
    "filter-actors": "actors",
    "filter-countries": "countries",
    "filter-places": "places",
    "filter-text": "text",
    "filter-min-fatalities": "min_fatalities",
    "filter-statuses": "statuses",
    "filter-flagged": "flagged_figures",
    "filter-admin1": "admin1",
    "filter-admin2": "admin2",
    "filter-acled-types": "acled_event_types",
    "filter-acled-sub-types": "acled_sub_event_types",
    "filter-datasets": "datasets",
    "filter-actor-kinds": "actor_kinds",
    "filter-tags": "tags",
    "filter-max-fatalities": "max_fatalities",
    "filter-civilians-targeted": "civilians_targeted",
    "app-url": None,
}


def panel_values(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """The filter panel callback with hostile control values (numbers as JSON
    numbers too: a number input sends 1e30 as a number)."""
    body = target.body("filter-clear")
    slots = [
        i
        for i, e in enumerate(body["inputs"])
        if isinstance(e, dict) and e["id"] in PANEL_FIELDS
    ]
    index = rng.choice(slots)
    entry = body["inputs"][index]
    name = PANEL_FIELDS[entry["id"]]
    if name is None:
        query, _ = hostile_query(rng, list_limit=1000)
        value: Any = "?" + query
    elif name == "min_fatalities" and rng.random() < 0.4:
        value = rng.choice((10**30, -(10**30), -1, 1.5, 2**63, 1e308, True))
    elif name in LIST_FIELDS:
        many = rng.choice((1000, 10_000)) if rng.random() < 0.2 else 0
        value = field_value(rng, name, many=many)
    else:
        value = field_value(rng, name)[0]
    set_value(body, ("inputs", index, None), value)
    what = f"{entry['id']}.{entry['property']} = {str(value)[:100]}"
    return [post_callback(clients.editor, "filters: panel values", what, body)]


def event_paths(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """Event pages with ids that are not ids: the page itself and its layout."""
    path = f"/events/{rng.choice(HOSTILE_IDS)}" + rng.choice(("", "/edit", "/accept"))
    body = target.body("_pages_location")
    body["inputs"][0]["value"] = path
    body["inputs"][1]["value"] = ""
    return [
        send(clients.editor, "event ids", f"GET {path}", "GET", path),
        post_callback(clients.editor, "event ids", f"layout of {path}", body),
    ]


# --- Callback bodies ----------------------------------------------------------

RAW_BODIES = (
    b"",
    b"{",
    b"null",
    b"\xff\xfe\x00",
    b"[" * 100_000,
    b'{"output": ' * 50_000,
    b"NaN",
    b'{"output": "a.b", "inputs": [], "state": []}' * 2,
)


def callback_bodies(
    rng: random.Random, target: Target, clients: Clients, *, writes: bool
) -> list[Answer]:
    """A callback's valid body, mutated; write callbacks as editor or as viewer."""
    family = "callbacks: writes" if writes else "callbacks: reads"
    chosen = [c for c in target.callbacks if c.changes_data == writes]
    callback = rng.choice(chosen)
    client = clients.viewer if writes and rng.random() < 0.5 else clients.editor
    who = "viewer" if client is clients.viewer else "editor"
    if not writes and rng.random() < 0.05:
        raw = rng.choice(RAW_BODIES)
        what = f"raw body {raw[:40]!r} ({len(raw):,} bytes)"
        content_type = rng.choice(("application/json", "text/plain", ""))
        return [
            send(
                client,
                family,
                what,
                "POST",
                UPDATE_PATH,
                content=raw,
                headers={"Content-Type": content_type},
            )
        ]
    body, change = mutate(target.bodies[callback.output], rng)
    return [post_callback(client, family, f"{callback.name} ({who}): {change}", body)]


# --- Uploads ------------------------------------------------------------------

FILENAMES = (
    "events.csv",
    "events.jsonl",
    "events.tsv",
    "../../etc/passwd",
    "<img src=x onerror=alert(1)>.csv",
    "a" * 2000 + ".csv",
    "",
    "noext",
)
FORMATS = ("auto", "auto", "native", "acled", "ucdp", "gdelt", "plover", "nope", "")


def upload_files(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """Upload a mutated file, then dry-run it (the import page), or upload a
    mutated article (the review page)."""
    if rng.random() < 0.2:
        data, damage = files.mutated_file(rng, files.ARTICLE)
        body = target.body("review-upload")
        body["inputs"][0]["value"] = files.data_url(data, rng)
        body["state"][0]["value"] = rng.choice(FILENAMES)
        what = f"article, {damage} ({len(data):,} bytes)"
        return [post_callback(clients.editor, "uploads", what, body)]
    base = files.acled_csv() if rng.random() < 0.7 else files.native_jsonl()
    data, damage = files.mutated_file(rng, base)
    body = target.body("import-upload")
    body["inputs"][0]["value"] = files.data_url(data, rng)
    body["state"][0]["value"] = rng.choice(FILENAMES)
    body["state"][1]["value"] = clients.last_upload  # replaced, as the page does
    what = f"import file, {damage} ({len(data):,} bytes)"
    started = time.monotonic()
    retried = False
    while True:
        attempt = Attempt()
        try:
            response = clients.editor.post(
                UPDATE_PATH, json=body, extensions={"trace": attempt.trace}
            )
            break
        except httpx.HTTPError as error:
            if attempt.may_retry(error) and not retried:
                retried = True
                continue
            message = f"{type(error).__name__}: {error}"[:300]
            return [Answer("uploads", what, None, message, retried=retried)]
    answers = [
        Answer(
            "uploads",
            what,
            response.status_code,
            excerpt=response.text[:300] if response.status_code >= 400 else "",
            seconds=time.monotonic() - started,
            retried=retried,
        )
    ]
    stored = _stored_upload(response)
    if stored is None:
        return answers
    clients.last_upload = stored
    dry_run = target.body("import-uploaded")
    format_name = rng.choice(FORMATS)
    dry_run["inputs"][0]["value"] = stored
    dry_run["inputs"][1]["value"] = format_name
    dry_run["changedPropIds"] = ["import-uploaded.data"]
    answers.append(
        post_callback(
            clients.editor, "uploads", f"dry run as {format_name!r} of {what}", dry_run
        )
    )
    return answers


def _stored_upload(response: httpx.Response) -> dict[str, Any] | None:
    if response.status_code != 200:
        return None
    try:
        return response.json()["response"]["import-uploaded"]["data"]
    except (ValueError, KeyError, TypeError):
        return None


# --- Logins, log-outs, cookies ------------------------------------------------


def tampered_cookie(rng: random.Random, real: str) -> tuple[str, str]:
    """A session cookie that must not log anyone in, and what was done to it."""
    payload, _, signature = real.rpartition(".")
    forged = (
        base64.urlsafe_b64encode(
            json.dumps({"_user_id": "fuzz-editor:0", "_fresh": True}).encode()
        )
        .decode()
        .rstrip("=")
    )
    choices = (
        # Not the last character: its low bits are base64 padding, so changing
        # it can leave the signature's bytes as they were.
        (
            real[:-10] + ("A" if real[-10] != "A" else "B") + real[-9:],
            "a signature character changed",
        ),
        (f"{forged}.{signature}", "forged payload, old signature"),
        (forged, "unsigned payload"),
        ("", "empty"),
        ("x" * 4000, "4,000 characters"),
        (real + real, "doubled"),
        (".eJw" + "A" * 200, "broken compressed payload"),
        ("\x00\u202e", "control characters"),
    )
    return rng.choice(choices)


def tampered_requests(
    rng: random.Random, target: Target, clients: Clients
) -> list[Answer]:
    """Reading with a tampered session cookie: sent to the login page, or 401."""
    cookie, how = tampered_cookie(rng, target.editor_cookie)
    path, method = rng.choice(
        (
            ("/", "GET"),
            ("/_dash-layout", "GET"),
            ("/export.csv", "GET"),
            ("/events/1", "GET"),
            (UPDATE_PATH, "POST"),
        )
    )
    headers = {"Cookie": f"session={quote(cookie, safe='.=-_')}"}
    body = target.body("_pages_location") if method == "POST" else None
    answer = send(
        clients.anonymous,
        "login and cookies",
        f"{method} {path}, cookie {how}",
        method,
        path,
        headers=headers,
        json=body,
    )
    if answer.status not in (None, 302, 401, 400):
        answer.unexpected = f"a tampered cookie got {answer.status}, not 302/401"
    return [answer]


NEXT_TARGETS = (
    "/",
    "/map?since=2022-01-01",
    "//evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "%2F%2Fevil.example",
    "",
)


def login_posts(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """POST /login forged: no token, another's token, cross-origin, hostile fields;
    now and then a right password with a hostile `next` (it must stay on the site)."""
    with httpx.Client(base_url=target.base, timeout=120) as fresh:
        page = fresh.get("/login")
        token = page.text.split('name="token" value="', 1)[-1].split('"', 1)[0]
        kind = rng.randrange(6)
        username = rng.choice((target.target_name, text_value(rng)[:200], "admin"))
        form = {
            "username": username,
            "password": text_value(rng)[:500],
            "token": token,
            "next": rng.choice(NEXT_TARGETS),
        }
        headers: dict[str, str] = {}
        what = "login: wrong password"
        if kind == 0:
            form.pop("token")
            what = "login without token"
        elif kind == 1:
            form["token"] = rng.choice(("", "x", token[::-1], "A" * 5000))
            what = "login with a forged token"
        elif kind == 2:
            headers = {"Origin": EVIL_ORIGIN, "Referer": EVIL_ORIGIN + "/"}
            fresh.cookies.clear()
            what = "cross-origin login (no session cookie)"
        elif kind == 3:
            form.update(username=target.editor_name, password=target.password)
            what = f"right password, next={form['next']!r}"
        elif kind == 4:
            form = {k: [v, text_value(rng)] for k, v in form.items()}
            what = "every field twice"
        answer = send(
            fresh,
            "login and cookies",
            what,
            "POST",
            "/login",
            content=form_body(form),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        location = answer.location
        off_site = not location.startswith("/") or location.startswith("//")
        if kind == 3 and answer.status == 302 and off_site:
            answer.unexpected = f"redirected off the site to {location!r}"
        if kind in (0, 1, 2) and answer.status == 302:
            answer.unexpected = "a login without a valid token went through"
        return [answer]


def form_body(form: dict[str, Any]) -> bytes:
    """A form encoded as a browser would, lone surrogates sent as the bytes they
    stand for (invalid UTF-8, which urlencode refuses to make)."""
    pairs = [
        (key, value)
        for key, values in form.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    return "&".join(f"{quote(k)}={_quote(v)}" for k, v in pairs).encode()


def _quote(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"))


def logout_posts(rng: random.Random, target: Target, clients: Clients) -> list[Answer]:
    """POST /logout cross-origin or with a tampered cookie, GET /logout, and a
    cross-origin callback post carrying the real cookie (SameSite=Lax is what stops
    browsers; the server must still answer cleanly)."""
    cookie, how = tampered_cookie(rng, target.editor_cookie)
    kind = rng.randrange(4)
    if kind == 0:
        return [
            send(
                clients.anonymous,
                "login and cookies",
                f"logout, cookie {how}",
                "POST",
                "/logout",
                headers={"Cookie": f"session={quote(cookie)}", "Origin": EVIL_ORIGIN},
            )
        ]
    if kind == 1:
        return [
            send(
                clients.anonymous, "login and cookies", "GET /logout", "GET", "/logout"
            )
        ]
    if kind == 2:
        body, change = mutate(target.body("_pages_location"), rng)
        content = json.dumps(body).encode()
        return [
            send(
                clients.editor,
                "login and cookies",
                f"cross-origin callback: {change}",
                "POST",
                UPDATE_PATH,
                content=content,
                headers={"Origin": EVIL_ORIGIN, "Content-Type": "text/plain"},
            )
        ]
    return [
        send(
            clients.anonymous,
            "login and cookies",
            "cross-origin logout, no cookie",
            "POST",
            "/logout",
            headers={"Origin": EVIL_ORIGIN},
        )
    ]
