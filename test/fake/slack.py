#!/usr/bin/env python3
"""
slack.py
    Fake Slack Web API (conversations, users and files) for saas_fdw's tests.

Behaves like slack.com/api as described in shared/api/README.md section 3:
    /api/conversations.list      types (default public_channel), exclude_archived
    /api/conversations.history   channel (required), oldest, latest, inclusive
    /api/conversations.replies   channel and ts (required; a parent's or a
                                 reply's), oldest, latest, inclusive
    /api/users.list              include_locale
    /api/users.info              user (required), include_locale
    /api/conversations.members   channel (required): the members' user ids
    /api/files.list              channel, user, ts_from, ts_to, types; pages by
                                 number (count, page; "paging" in the body)
all but files.list with cursor and limit, as GET query parameters or a POST body (form or
JSON).  Auth: Authorization: Bearer xoxb-test (a POST body "token" works too).
Errors are HTTP 200 {"ok":false,"error":...}: not_authed, invalid_auth,
channel_not_found, not_in_channel, thread_not_found, user_not_found, invalid_cursor,
invalid_limit, invalid_types, invalid_ts_oldest, invalid_ts_latest;
an unknown method is HTTP 404 unknown_method.

Pagination: response_metadata.next_cursor, "" at the end.  Pages are short
(half the limit, at least 1) while more items remain: always on the first
page, and on later pages whose start position the data's mixer picks (about
one in three), so a short page must never be taken as the end.
History is newest first; replies are the parent then its replies, oldest
first.  oldest/latest are exclusive unless inclusive=true (or 1).
Rate-limit fixture: any request on channel C07ALERTS is HTTP 429 with
Retry-After: 1 and {"ok":false,"error":"ratelimited"} the first time per
distinct request (method, path and parameters), then served normally.
Server-error fixtures: channels C11INTERNAL and C12FATAL (12 messages each,
never listed by conversations.list) answer HTTP 200
{"ok":false,"error":"internal_error"} / "fatal_error" the first time per
distinct request, then normally.
Hostile-body fixture: conversations.members of channel C13BADITEMS (never
listed) answers a list of user ids whose second item is an object.

Writes (chat.postMessage, chat.update, chat.delete): see slack_writes.py.

Run: python3 slack.py [--port 8083] [--summary]
"""

import base64
import time
from decimal import Decimal, InvalidOperation

import slack_writes

from fakebase import (FakeService, epoch, json_response, mix, percent, pick,
                      serve)

TOKENS = ("xoxb-test", "xoxb-reader")
# tokens without the scope chat:write (slack_writes.py)
READ_ONLY_TOKENS = ("xoxb-reader",)
TEAM = "T0FAKE001"
START = epoch("2024-01-01T00:00:00Z")
END = epoch("2025-12-31T23:59:59Z")
SCOPES = ("channels:history,channels:read,groups:history,groups:read,"
          "im:history,im:read,mpim:history,mpim:read,users:read")
RATELIMITED_CHANNEL = "C07ALERTS"
# unlisted channels whose first answer per distinct request is this error
FAILING_CHANNELS = {"C11INTERNAL": "internal_error", "C12FATAL": "fatal_error"}
# an unlisted channel whose member list is not all user ids
BAD_MEMBERS_CHANNEL = "C13BADITEMS"

# id, name, real name, title, tz, flags
USERS = (
    ("USLACKBOT", "slackbot", "Slackbot", "", "America/Los_Angeles", ""),
    ("U01ALICE", "alice", "Alice Anders", "Engineering Manager", "Europe/Berlin", "admin owner primary"),
    ("U02BOB", "bob", "Bob Brown", "Backend Engineer", "America/New_York", "admin"),
    ("U03CAROL", "carol", "Carol Chen", "Frontend Engineer", "Asia/Tokyo", ""),
    ("U04DAN", "dan", "Dan Dubois", "SRE", "Europe/Paris", ""),
    ("U05EVE", "eve", "Eve Eriksson", "Designer", "Europe/Stockholm", ""),
    ("U06FRANK", "frank", "Frank Fischer", "Product Manager", "Europe/Berlin", ""),
    ("U07GINA", "gina", "Gina García", "Support", "America/Mexico_City", "restricted"),
    ("U08HANK", "hank", "Hank Hill", "Former contractor", "America/Chicago", "deleted"),
    ("U09DEPLOY", "deploybot", "Deploy Bot", "", "America/Los_Angeles", "bot"),
)
HUMANS = ("U01ALICE", "U02BOB", "U03CAROL", "U04DAN", "U05EVE", "U06FRANK", "U07GINA")
TZ_OFFSETS = {"America/Los_Angeles": -28800, "Europe/Berlin": 3600, "America/New_York": -18000,
              "Asia/Tokyo": 32400, "Europe/Paris": 3600, "Europe/Stockholm": 3600,
              "America/Mexico_City": -21600, "America/Chicago": -21600}

# id, name, type, is_member, is_archived, top-level messages, every Nth is a thread parent
CHANNELS = (
    ("C01GENERAL", "general", "public_channel", True, False, 120, 10),
    ("C02RANDOM", "random", "public_channel", True, False, 80, 0),
    ("C03ENGINEERING", "engineering", "public_channel", True, False, 100, 4),
    ("C04SECRET", "secret-project", "private_channel", True, False, 30, 6),
    ("C05ARCHIVED", "old-announcements", "public_channel", True, True, 20, 0),
    ("C06WATERCOOLER", "watercooler", "public_channel", False, False, 15, 0),
    ("C07ALERTS", "alerts", "public_channel", True, False, 40, 0),
    ("C10HIDDEN", "hr-private", "private_channel", False, False, 12, 0),
    ("D08DIRECT", None, "im", True, False, 10, 0),
    ("G09GROUPDM", "mpdm-alice--bob--carol-1", "mpim", True, False, 8, 0),
)
TYPES = ("public_channel", "private_channel", "mpim", "im")
TEXTS = (
    "Good morning everyone!", "Has anyone seen the latest build logs?",
    "Deploy finished :rocket:", "Can we move the standup to 10:30?",
    "I pushed a fix for the flaky test.", "Lunch? :pizza:",
    "Reminder: retro at 3pm today.", "The dashboard looks off since yesterday.",
    "Thanks <@U02BOB>, that did it!", "Ünïcödé check: café, 東京, emoji 🎉",
    "PR is up for review: https://example.com/pr/42",
    "Who owns the billing service these days?", "Shipping it :ship:",
    "Let me check and get back to you.", "Numbers look good this week.",
)
ALERTS = ("Deploy of api@v%d.%d succeeded", "CPU above 90%% on web-%d for %d minutes",
          "Backup finished in %d.%d minutes", "Error rate back to normal on worker-%d (%d)")


def ts_of(seconds, micro):
    return "%d.%06d" % (seconds, micro)


def ts_value(text):
    """A Slack timestamp parameter as a Decimal; None if malformed."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        return None
    return value if value.is_finite() and value >= 0 else None


class Channel:
    def __init__(self, cid, name, kind, member, archived, count, thread_every, index):
        self.id, self.name, self.kind = cid, name, kind
        self.member, self.archived = member, archived
        self.created = START - (len(CHANNELS) - index) * 86400 * 7
        self.creator = "U01ALICE" if index % 2 == 0 else "U02BOB"
        self.replies = {}       # parent ts -> [reply, ...] oldest first
        self.messages = self._messages(count, thread_every)   # newest first

    def _message(self, seconds, micro, seed, user=None, text=None):
        ts = ts_of(seconds, micro)
        if self.id == "C07ALERTS" or (user is None and percent(5, *seed, "bot")):
            fmt = pick(ALERTS, *seed, "alert")
            return {"type": "message", "subtype": "bot_message", "ts": ts,
                    "bot_id": "B09DEPLOY", "username": "deploybot",
                    "text": fmt % (mix(*seed, 1) % 10, mix(*seed, 2) % 60),
                    "icons": {"emoji": ":robot_face:"}}
        user = user or pick(HUMANS, *seed, "user")
        text = text or pick(TEXTS, *seed, "text")
        msg = {"user": user, "type": "message", "ts": ts,
               "client_msg_id": "%08x-%04x-4%03x-8%03x-%012x" % (
                   mix(*seed, "a") & 0xFFFFFFFF, mix(*seed, "b") & 0xFFFF, mix(*seed, "c") & 0xFFF,
                   mix(*seed, "d") & 0xFFF, mix(*seed, "e") & 0xFFFFFFFFFFFF),
               "text": text, "team": TEAM,
               "blocks": [{"type": "rich_text", "block_id": "%05x" % (mix(*seed, "blk") & 0xFFFFF),
                           "elements": [{"type": "rich_text_section",
                                         "elements": [{"type": "text", "text": text}]}]}]}
        if percent(10, *seed, "edited"):
            msg["edited"] = {"user": user, "ts": ts_of(seconds + 120 + mix(*seed, "e") % 3600, 0)}
        if percent(15, *seed, "reactions"):
            users = [pick(HUMANS, *seed, "r", k) for k in range(1 + mix(*seed, "rn") % 3)]
            users = sorted(set(users))
            msg["reactions"] = [{"name": pick(("thumbsup", "tada", "eyes", "heart"), *seed, "rname"),
                                 "users": users, "count": len(users)}]
        return msg

    def _messages(self, count, thread_every):
        out = []
        step = (END - START) // max(count, 1)
        for j in range(count):
            seed = (self.id, j)
            seconds = START + j * step + mix(*seed, "t") % (step // 2)
            micro = (mix(*seed, "u") % 1000) * 1000 + 100
            if j == 0 and self.kind in ("public_channel", "private_channel"):
                msg = {"user": self.creator, "type": "message", "subtype": "channel_join",
                       "ts": ts_of(seconds, micro),
                       "text": "<@%s> has joined the channel" % self.creator}
            else:
                msg = self._message(seconds, micro, seed)
            if thread_every and j % thread_every == thread_every - 1 and "user" in msg:
                self._thread(msg, seconds, seed)
            out.append(msg)
        out.reverse()
        return out

    def _thread(self, parent, seconds, seed):
        replies = []
        for k in range(1 + mix(*seed, "replies") % 6):
            seconds += 60 + mix(*seed, k, "gap") % 3600
            reply = self._message(seconds, k * 1000 + 200, seed + (k,), user=pick(HUMANS, *seed, k, "ru"))
            reply["thread_ts"] = parent["ts"]
            reply["parent_user_id"] = parent["user"]
            replies.append(reply)
        users = []
        for r in replies:
            if r["user"] not in users:
                users.append(r["user"])
        parent.update({"thread_ts": parent["ts"], "reply_count": len(replies),
                       "reply_users_count": len(users), "latest_reply": replies[-1]["ts"],
                       "reply_users": users, "is_locked": False, "subscribed": False})
        self.replies[parent["ts"]] = replies

    def obj(self):
        if self.kind == "im":
            return {"id": self.id, "created": self.created, "is_archived": False, "is_im": True,
                    "is_org_shared": False, "context_team_id": TEAM, "updated": self.created * 1000,
                    "user": "U02BOB", "is_user_deleted": False, "priority": 0}
        members = 3 if self.kind == "mpim" else 4 + mix(self.id, "members") % 30
        return {
            "id": self.id, "name": self.name, "is_channel": self.kind == "public_channel",
            "is_group": self.kind != "public_channel", "is_im": False,
            "is_mpim": self.kind == "mpim", "is_private": self.kind != "public_channel",
            "created": self.created, "is_archived": self.archived,
            "is_general": self.name == "general", "unlinked": 0,
            "name_normalized": self.name, "is_shared": False, "is_org_shared": False,
            "is_pending_ext_shared": False, "pending_shared": [], "context_team_id": TEAM,
            "updated": self.created * 1000 + 123, "parent_conversation": None,
            "creator": self.creator, "is_ext_shared": False, "shared_team_ids": [TEAM],
            "pending_connected_team_ids": [], "is_member": self.member,
            "topic": {"value": "" if self.kind == "mpim" else "All about #%s" % self.name,
                      "creator": self.creator, "last_set": self.created + 60},
            "purpose": {"value": "This channel is for %s." % self.name.replace("-", " "),
                        "creator": self.creator, "last_set": self.created + 60},
            "previous_names": ["announcements"] if self.archived else [],
            "num_members": members,
        }


def user_obj(spec, index, locale):
    uid, name, real, title, tz, flags = spec
    is_bot = "bot" in flags.split()
    display = "" if uid == "USLACKBOT" else name
    profile = {"title": title, "phone": "", "skype": "", "real_name": real,
               "real_name_normalized": real, "display_name": display,
               "display_name_normalized": display, "fields": None,
               "status_text": pick(("", "In a meeting", "Vacationing"), uid, "status"),
               "status_emoji": "", "status_expiration": 0,
               "avatar_hash": "g%011x" % (mix(uid) & 0xFFFFFFFFFFF),
               "first_name": real.split()[0], "last_name": " ".join(real.split()[1:]),
               "image_24": "https://example.com/avatars/%s_24.png" % uid,
               "image_72": "https://example.com/avatars/%s_72.png" % uid,
               "team": TEAM}
    if not is_bot and uid != "USLACKBOT":
        profile["email"] = "%s@example.com" % name
    if is_bot:
        profile["bot_id"] = "B09DEPLOY"
        profile["api_app_id"] = "A09DEPLOY"
    member = {
        "id": uid, "team_id": TEAM, "name": name, "deleted": "deleted" in flags.split(),
        "color": "%06x" % (mix(uid, "color") & 0xFFFFFF), "real_name": real, "tz": tz,
        "tz_label": tz.split("/")[-1].replace("_", " ") + " Time",
        "tz_offset": TZ_OFFSETS[tz], "profile": profile,
        "is_admin": "admin" in flags.split(), "is_owner": "owner" in flags.split(),
        "is_primary_owner": "primary" in flags.split(),
        "is_restricted": "restricted" in flags.split(), "is_ultra_restricted": False,
        "is_bot": is_bot, "is_app_user": False,
        "updated": START + index * 86400 * 30 + mix(uid, "updated") % 86400,
        "is_email_confirmed": not is_bot, "who_can_share_contact_card": "EVERYONE",
    }
    if locale:
        member["locale"] = "en-US"
    return member


def channel_members(channel):
    """The user ids in channel, in USERS order: its creator and the
    mixer's pick of the others (a DM: Bob and the token's user, Alice; the
    group DM: Alice, Bob and Carol, as its name says)."""
    if channel.kind == "im":
        return ["U01ALICE", "U02BOB"]
    if channel.kind == "mpim":
        return ["U01ALICE", "U02BOB", "U03CAROL"]
    return [u[0] for u in USERS
            if u[0] == channel.creator or mix(channel.id, u[0], "member") % 3 != 0]


# files.list types -> which files each names
FILE_TYPES = {
    "all": lambda f: True,
    "spaces": lambda f: f["mode"] == "space",
    "snippets": lambda f: f["mode"] == "snippet",
    "images": lambda f: f["mimetype"].startswith("image/"),
    "gdocs": lambda f: f["filetype"] == "gdoc",
    "zips": lambda f: f["filetype"] == "zip",
    "pdfs": lambda f: f["filetype"] == "pdf",
}
# filetype, mimetype, pretty_type, mode
FILE_KINDS = (
    ("png", "image/png", "PNG", "hosted"),
    ("jpg", "image/jpeg", "JPEG", "hosted"),
    ("pdf", "application/pdf", "PDF", "hosted"),
    ("zip", "application/zip", "Zip", "hosted"),
    ("gdoc", "application/vnd.google-apps.document", "Google Docs", "external"),
    ("text", "text/plain", "Plain Text", "snippet"),
    ("space", "text/plain", "Post", "space"),
)


def build_files(channels):
    """150 files, newest first: each shared in one conversation the token
    can see (C06WATERCOOLER and C10HIDDEN have none), a few in two."""
    places = [c for c in channels if c.member and c.id != RATELIMITED_CHANNEL]
    out = []
    for k in range(1, 151):
        seed = ("file", k)
        kind = pick(FILE_KINDS, *seed, "kind")
        place = pick(places, *seed, "place")
        user = pick(HUMANS, *seed, "user")
        created = START + k * 4 * 86400 + mix(*seed, "t") % 86400
        if k % 25 == 0:
            created = out[-1]["created"]          # the same second as the one before
        shared = {"channels": [], "groups": [], "ims": []}
        for c in [place] + ([places[0]] if k % 9 == 0 and place is not places[0] else []):
            shared[{"public_channel": "channels", "private_channel": "groups",
                    "mpim": "groups", "im": "ims"}[c.kind]].append(c.id)
        fid = "F%08d" % (k * 7919 % 10 ** 8)
        name = "file-%d.%s" % (k, kind[0])
        out.append({
            "id": fid, "created": created, "timestamp": created, "name": name,
            "title": "%s %s" % (pick(TEXTS, *seed, "title")[:20], k),
            "mimetype": kind[1], "filetype": kind[0], "pretty_type": kind[2],
            "user": user, "mode": kind[3], "editable": kind[3] in ("snippet", "space"),
            "is_external": kind[3] == "external", "external_type": "gdrive" if kind[3] == "external" else "",
            "is_public": bool(shared["channels"]), "public_url_shared": False,
            "size": 100 + mix(*seed, "size") % 5_000_000,
            "url_private": "https://files.slack.com/files-pri/%s-%s/%s" % (TEAM, fid, name),
            "permalink": "https://fake.slack.com/files/%s/%s/%s" % (user, fid, name),
            "channels": shared["channels"], "groups": shared["groups"], "ims": shared["ims"],
            "comments_count": mix(*seed, "comments") % 3,
        })
    out.sort(key=lambda f: (f["created"], f["id"]), reverse=True)
    return out


class SlackError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class SlackService(FakeService):
    name = "slack"

    def __init__(self):
        super().__init__()
        self.channels = [Channel(*spec, index=i) for i, spec in enumerate(CHANNELS)]
        self.by_id = {c.id: c for c in self.channels}
        for cid in FAILING_CHANNELS:
            self.by_id[cid] = Channel(cid, cid.lower(), "public_channel", True, False, 12, 0,
                                      index=len(CHANNELS))
        self.methods = {
            "conversations.list": self._conversations_list,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "users.list": self._users_list,
            "users.info": self._users_info,
            "conversations.members": self._members,
            "files.list": self._files_list,
        }
        self.files = build_files(self.channels)
        self.writer = slack_writes.MessageWriter(self)
        self.methods.update(self.writer.methods())

    def reset(self):
        super().reset()
        with self.lock:
            self.writer.reset()

    def writable_channel(self, args):
        """The channel a write names (slack_writes.py), as reads check it."""
        return self._channel(args)

    def handle(self, req):
        resp = self._handle(req)
        resp.add_header("x-slack-req-id", "%032x" % (mix(req.raw_path, time.time()) & ((1 << 128) - 1)))
        resp.add_header("x-oauth-scopes", SCOPES)
        resp.add_header("access-control-allow-origin", "*")
        return resp

    def _handle(self, req):
        method = req.path[len("/api/"):] if req.path.startswith("/api/") else None
        handler = self.methods.get(method)
        if handler is None or req.method not in ("GET", "POST"):
            return json_response(404, {"ok": False, "error": "unknown_method",
                                       "req_method": method or req.path})
        params = list(req.params)
        if req.method == "POST":
            params += req.form_params()
        token = self._token(req, params)
        if not token:
            return json_response(200, {"ok": False, "error": "not_authed"})
        if token not in TOKENS:
            return json_response(200, {"ok": False, "error": "invalid_auth"})
        if method.startswith("chat.") and token in READ_ONLY_TOKENS:
            return json_response(200, {"ok": False, "error": "missing_scope",
                                       "needed": "chat:write", "provided": SCOPES})
        args = {k: v for k, v in params if k != "token"}
        if args.get("channel") == RATELIMITED_CHANNEL and \
                self.first_time((req.method, req.path, tuple(sorted(args.items())))):
            return json_response(429, {"ok": False, "error": "ratelimited"},
                                 headers=[("Retry-After", "1")])
        if args.get("channel") in FAILING_CHANNELS and \
                self.first_time((req.method, req.path, tuple(sorted(args.items())))):
            return json_response(200, {"ok": False, "error": FAILING_CHANNELS[args["channel"]]})
        try:
            body = handler(args)
        except (SlackError, slack_writes.SlackError) as e:
            return json_response(200, {"ok": False, "error": e.code})
        return json_response(200, dict({"ok": True}, **body))

    @staticmethod
    def _token(req, params):
        scheme, value = req.credential()
        if scheme == "bearer" and value:
            return value
        if req.method == "POST":
            for k, v in params:
                if k == "token":
                    return v
        return None

    # ---- shared ----------------------------------------------------------

    @staticmethod
    def _limit(args, default, cap):
        text = args.get("limit")
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise SlackError("invalid_limit")
        return default if value <= 0 else min(value, cap)

    @staticmethod
    def _page(kind, items, key, args, limit):
        """One page of items (already in API order) and the next cursor.
        The cursor names the next page's first item, as Slack's do."""
        cursor = args.get("cursor") or ""
        start = 0
        if cursor:
            try:
                label, _, value = base64.b64decode(cursor, validate=True).decode().partition(":")
            except ValueError:
                raise SlackError("invalid_cursor")
            keys = [key(i) for i in items]
            if label != kind or value not in keys:
                raise SlackError("invalid_cursor")
            start = keys.index(value)
        if limit is None:
            return items[start:], ""
        count = limit
        if start + limit < len(items) and limit > 1 and (start == 0 or mix(kind, start) % 3 == 0):
            count = limit // 2
        page = items[start:start + count]
        rest = items[start + count:]
        nxt = base64.b64encode(("%s:%s" % (kind, key(rest[0]))).encode()).decode() if rest else ""
        return page, nxt

    def _channel(self, args):
        channel = self.by_id.get(args.get("channel") or "")
        if channel is None or (channel.kind != "public_channel" and not channel.member):
            raise SlackError("channel_not_found")
        if not channel.member:
            raise SlackError("not_in_channel")
        return channel

    @staticmethod
    def _bounds(args):
        """A test for ts from oldest / latest / inclusive."""
        oldest = ts_value(args.get("oldest") or "0")
        if oldest is None:
            raise SlackError("invalid_ts_oldest")
        latest = None
        if args.get("latest"):
            latest = ts_value(args["latest"])
            if latest is None:
                raise SlackError("invalid_ts_latest")
        inclusive = args.get("inclusive", "").lower() in ("true", "1")

        def inside(ts):
            t = Decimal(ts)
            if inclusive:
                return t >= oldest and (latest is None or t <= latest)
            return t > oldest and (latest is None or t < latest)
        return inside

    # ---- methods ---------------------------------------------------------

    def _conversations_list(self, args):
        types = [t.strip() for t in (args.get("types") or "public_channel").split(",") if t.strip()]
        if not types or any(t not in TYPES for t in types):
            raise SlackError("invalid_types")
        exclude = args.get("exclude_archived", "").lower() in ("true", "1")
        items = [c for c in self.channels
                 if c.kind in types and (c.kind == "public_channel" or c.member)
                 and not (exclude and c.archived)]
        page, nxt = self._page("team", items, lambda c: c.id, args, self._limit(args, 100, 1000))
        return {"channels": [c.obj() for c in page], "response_metadata": {"next_cursor": nxt}}

    def _history(self, args):
        channel = self._channel(args)
        inside = self._bounds(args)
        items = [m for m in channel.messages if inside(m["ts"])]
        page, nxt = self._page("next_ts", items, lambda m: m["ts"], args, self._limit(args, 100, 999))
        return {"messages": page, "has_more": bool(nxt), "pin_count": 0,
                "channel_actions_ts": None, "channel_actions_count": 0,
                "response_metadata": {"next_cursor": nxt}}

    def _replies(self, args):
        channel = self._channel(args)
        ts = args.get("ts") or ""
        # "ts: Unique identifier of either a thread's parent message or a
        # message in the thread" (Slack API reference, conversations.replies
        # arguments): a reply's ts reads its whole thread, parent first
        parent_ts = next((p for p, replies in channel.replies.items()
                          if any(r["ts"] == ts for r in replies)), ts)
        parent = next((m for m in channel.messages if m["ts"] == parent_ts), None)
        if parent is None:
            raise SlackError("thread_not_found")
        inside = self._bounds(args)
        items = [parent] + [r for r in channel.replies.get(parent_ts, []) if inside(r["ts"])]
        page, nxt = self._page("next_ts", items, lambda m: m["ts"], args, self._limit(args, 1000, 1000))
        return {"messages": page, "has_more": bool(nxt),
                "response_metadata": {"next_cursor": nxt}}

    def _users_list(self, args):
        locale = args.get("include_locale", "").lower() in ("true", "1")
        members = [user_obj(u, i, locale) for i, u in enumerate(USERS)]
        limit = self._limit(args, None, 1000) if args.get("limit") else None
        page, nxt = self._page("user", members, lambda m: m["id"], args, limit)
        return {"members": page, "cache_ts": END, "response_metadata": {"next_cursor": nxt}}

    def _users_info(self, args):
        # users.info (docs.slack.dev/reference/methods/users.info): "user"
        # is required; the answer is {"ok": true, "user": {...}}, the same
        # user object users.list lists; an id it does not know is the error
        # user_not_found
        locale = args.get("include_locale", "").lower() in ("true", "1")
        for i, u in enumerate(USERS):
            if u[0] == args.get("user"):
                return {"user": user_obj(u, i, locale)}
        raise SlackError("user_not_found")

    def _members(self, args):
        # "members": an array of bare user ids, paged by cursor and limit
        # (Slack API reference, conversations.members: "limit ... Fewer than
        # the requested number of items may be returned, even if the end of
        # the users list hasn't been reached"; example response
        # {"ok": true, "members": ["U023BECGF", ...], "response_metadata":
        # {"next_cursor": "e3VzZXJfaWQ6IFcxMjM0NTY3fQ=="}})
        if args.get("channel") == BAD_MEMBERS_CHANNEL:
            return {"members": ["U01ALICE", {"id": "U02BOB"}, "U03CAROL"],
                    "response_metadata": {"next_cursor": ""}}
        channel = self.by_id.get(args.get("channel") or "")
        if channel is None or (channel.kind != "public_channel" and not channel.member):
            raise SlackError("channel_not_found")
        members = channel_members(channel)
        page, nxt = self._page("user_id", members, lambda m: m, args, self._limit(args, 100, 1000))
        return {"members": page, "response_metadata": {"next_cursor": nxt}}

    def _files_list(self, args):
        # files.list (Slack API reference, files.list arguments): channel
        # ("Filter files appearing in a specific channel, indicated by its
        # ID"), user ("Filter files created by a single user"), ts_from /
        # ts_to ("Filter files created after / before this timestamp
        # (inclusive)"), types ("all" by default; a comma list of spaces,
        # snippets, images, gdocs, zips, pdfs; else unknown_type), count
        # (default 100) and page (default 1); the answer is {"files": [...],
        # "paging": {"count", "total", "page", "pages"}}, newest first.  An
        # unknown user is user_not_found, an unknown channel
        # channel_not_found.
        items = self.files
        types = [t.strip() for t in (args.get("types") or "all").split(",") if t.strip()]
        if not types or any(t not in FILE_TYPES for t in types):
            raise SlackError("unknown_type")
        if "all" not in types:
            items = [f for f in items if any(FILE_TYPES[t](f) for t in types)]
        user = args.get("user")
        if user:
            if user not in {u[0] for u in USERS}:
                raise SlackError("user_not_found")
            items = [f for f in items if f["user"] == user]
        channel = args.get("channel")
        if channel:
            known = self.by_id.get(channel)
            if known is None or (known.kind != "public_channel" and not known.member):
                raise SlackError("channel_not_found")
            items = [f for f in items if channel in f["channels"] + f["groups"] + f["ims"]]
        for name, keep in (("ts_from", lambda c, b: c >= b), ("ts_to", lambda c, b: c <= b)):
            if args.get(name):
                bound = ts_value(args[name])
                if bound is None:
                    raise SlackError("invalid_arguments")
                items = [f for f in items if keep(f["created"], bound)]
        count = self._number(args, "count", 100)
        page = self._number(args, "page", 1)
        pages = max(1, -(-len(items) // count))
        return {"files": items[(page - 1) * count: page * count],
                "paging": {"count": count, "total": len(items), "page": page, "pages": pages}}

    @staticmethod
    def _number(args, name, default):
        text = args.get(name) or ""
        return int(text) if text.isdigit() and int(text) > 0 else default

    # ---- --summary ---------------------------------------------------------

    def summary(self):
        out = []
        for c in self.channels:
            threads = {ts: len(r) for ts, r in c.replies.items()}
            out.append("%-15s %-25s %-15s member=%-5s archived=%-5s messages=%3d (newest %s, "
                       "oldest %s) threads=%d replies=%d\n"
                       % (c.id, c.name, c.kind, c.member, c.archived, len(c.messages),
                          c.messages[0]["ts"], c.messages[-1]["ts"], len(threads),
                          sum(threads.values())))
            out.append("    members: %s\n" % " ".join(channel_members(c)))
            if threads:
                ts, n = max(threads.items(), key=lambda kv: (kv[1], kv[0]))
                out.append("    largest thread: ts %s with %d replies\n" % (ts, n))
        out.append("users: %d (%s)\n" % (len(USERS), ", ".join(u[0] for u in USERS)))
        return "".join(out)


if __name__ == "__main__":
    serve(SlackService(), 8083)
