"""
slack_writes.py
    Writes to the fake Slack's messages (slack.py imports it).

Behaves like Slack's chat.postMessage, chat.update and chat.delete (Slack
API reference, methods of the same names; shared/api/README.md 3.1 for the
request and error conventions), as POST with a JSON or form body:

  chat.postMessage  channel, text (required: no_text), thread_ts (a reply:
                    thread_not_found if no such parent): {"ok", "channel",
                    "ts", "message"}; a reply joins the thread and counts in
                    its parent's reply_count, a message tops the history
  chat.update       channel, ts, text: {"ok", "channel", "ts", "text",
                    "message"}; message_not_found, cant_update_message (a
                    message the app did not post), no_text
  chat.delete       channel, ts: {"ok", "channel", "ts"}; message_not_found,
                    cant_delete_message
Messages the app posts are bot messages of B09DEPLOY.  A new ts is
"1767225600.NNNNNN" (2026-01-01, after every generated message), counting
up, so tests see the same ts on every run.  The token xoxb-reader may read
but not write: missing_scope, needed chat:write.  The fixtures answer as
for reads (C07ALERTS 429 once, C11INTERNAL internal_error once).

The change is real: conversations.history and conversations.replies show
it.  /_reset restores every channel written to.
"""

import copy

BOT = {"bot_id": "B09DEPLOY", "app_id": "A09DEPLOY", "username": "deploybot"}
NEW_TS_SECONDS = 1767225600


class SlackError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class MessageWriter:
    """The writes of one Slack service; keeps what /_reset restores."""

    def __init__(self, service):
        self.service = service
        self.reset()

    def reset(self):
        for cid, (messages, replies) in getattr(self, "pristine", {}).items():
            channel = self.service.by_id[cid]
            channel.messages, channel.replies = messages, replies
        self.pristine = {}
        self.posted = 0

    def methods(self):
        return {"chat.postMessage": self._post, "chat.update": self._update,
                "chat.delete": self._delete}

    def _channel(self, args):
        channel = self.service.writable_channel(args)
        if channel.id not in self.pristine:
            self.pristine[channel.id] = (copy.deepcopy(channel.messages),
                                         copy.deepcopy(channel.replies))
        return channel

    @staticmethod
    def _find(channel, ts):
        for m in channel.messages:
            if m["ts"] == ts:
                return m, channel.messages
        for replies in channel.replies.values():
            for m in replies:
                if m["ts"] == ts:
                    return m, replies
        raise SlackError("message_not_found")

    def _post(self, args):
        if not args.get("text"):
            raise SlackError("no_text")
        with self.service.lock:
            channel = self._channel(args)
            parent = None
            if args.get("thread_ts"):
                parent = next((m for m in channel.messages if m["ts"] == args["thread_ts"]), None)
                if parent is None:
                    raise SlackError("thread_not_found")
            self.posted += 1
            ts = "%d.%06d" % (NEW_TS_SECONDS, self.posted)
            message = dict(BOT, type="message", subtype="bot_message", text=args["text"], ts=ts)
            if parent is not None:
                message["thread_ts"] = parent["ts"]
                replies = channel.replies.setdefault(parent["ts"], [])
                replies.append(message)
                parent.update({"thread_ts": parent["ts"], "reply_count": len(replies),
                               "latest_reply": ts})
            else:
                channel.messages.insert(0, message)
        return {"channel": channel.id, "ts": ts, "message": message}

    def _update(self, args):
        if not args.get("text"):
            raise SlackError("no_text")
        with self.service.lock:
            channel = self._channel(args)
            message, _ = self._find(channel, args.get("ts") or "")
            if message.get("bot_id") != BOT["bot_id"]:
                raise SlackError("cant_update_message")
            message["text"] = args["text"]
            message["edited"] = {"user": "U09DEPLOY", "ts": message["ts"]}
        return {"channel": channel.id, "ts": message["ts"], "text": message["text"],
                "message": message}

    def _delete(self, args):
        with self.service.lock:
            channel = self._channel(args)
            message, where = self._find(channel, args.get("ts") or "")
            if message.get("bot_id") != BOT["bot_id"]:
                raise SlackError("cant_delete_message")
            where.remove(message)
        return {"channel": channel.id, "ts": message["ts"]}
