"""A slixmpp client that the Go interop tests drive over a pipe.

It logs in to the server given on the command line and then reads one JSON
object per line on stdin: {"id": N, "op": "...", "args": {...}}. For each
it writes one reply line on stdout, {"id": N, "result": ...} or
{"id": N, "error": "..."}. Everything the peer receives is written on
stdout as an event line: {"event": "message" | "presence", "xml": "..."}.
The first line it writes is {"event": "ready", "jid": "<bound JID>"} (or
{"event": "failed", "error": "..."}). Logs go to stderr.

The ops use slixmpp's own plugins wherever one exists, so that what the Go
side sees is what slixmpp produces, and what slixmpp answers is how it
reads what the Go side sent.
"""

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import json
import logging
import sys
import traceback

import slixmpp
from slixmpp import JID
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.plugins import xep_0082
from slixmpp.plugins.xep_0004 import Form
from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath, StanzaPath


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def stanza_error(err):
    """Describes an IqError as 'type/condition: text'."""
    e = err.iq["error"]
    return "%s/%s: %s" % (e["type"], e["condition"], e["text"])


class Peer(slixmpp.ClientXMPP):
    def __init__(self, args):
        slixmpp.ClientXMPP.__init__(self, args.jid, args.password)
        self.args = args
        self.ca_certs = args.cafile
        for plugin in ("xep_0004", "xep_0012", "xep_0030", "xep_0050",
                       "xep_0059", "xep_0077", "xep_0085", "xep_0092",
                       "xep_0115", "xep_0184", "xep_0191", "xep_0199",
                       "xep_0202", "xep_0203", "xep_0280", "xep_0297",
                       "xep_0308", "xep_0313", "xep_0333", "xep_0359"):
            self.register_plugin(plugin)
        self["xep_0092"].software_name = "slixmpp-interop"
        self["xep_0092"].version = slixmpp.__version__
        self["xep_0184"].auto_ack = args.auto_receipts
        self["xep_0115"].caps_node = "https://slixmpp.lance.im"
        if args.register:
            self["xep_0077"].force_registration = True
            self._always_send_everything = True
            self.add_event_handler("register", self.on_register)
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("failed_auth", self.on_failed_auth)
        # Every message, not only slixmpp's "message" event, which fires
        # only for messages with a <body/>: receipts, chat states, markers,
        # carbon wrappers and errors have none.
        self.register_handler(Callback(
            "interop: every message", MatchXPath("{jabber:client}message"),
            self.on_stanza("message")))
        self.presence_handler = self.on_stanza("presence")
        self.add_event_handler("presence", self.presence_handler)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.started = False
        self.quitting = False

    async def on_register(self, form):
        iq = self.Iq()
        iq["type"] = "set"
        iq["register"]["username"] = self.boundjid.user
        iq["register"]["password"] = self.password
        try:
            await iq.send()
            logging.info("registered %s", self.boundjid.bare)
        except (IqError, IqTimeout) as err:
            emit({"event": "failed", "error": "register: %s" % err})
            self.disconnect()

    def add_command(self):
        """Offers the ad-hoc command 'interop-echo' with a one-field form."""
        def start(iq, session):
            form = self["xep_0004"].make_form("form", "Echo")
            form.add_field(var="text", ftype="text-single", label="Text",
                           required=True)
            session["payload"] = form
            session["next"] = complete
            session["has_next"] = False
            return session

        def complete(payload, session):
            text = payload["values"].get("text", "")
            session["payload"] = None
            session["notes"] = [("info", "echo: %s" % text)]
            session["next"] = None
            session["has_next"] = False
            return session

        self["xep_0050"].add_command(node="interop-echo", name="Echo",
                                     handler=start)

    async def on_session_start(self, _):
        try:
            self.add_command()
            if not self.args.no_roster:
                await self.get_roster()
            if not self.args.no_presence:
                self.send_presence()
            self.started = True
            emit({"event": "ready", "jid": str(self.boundjid)})
            # asyncio keeps only weak references to tasks: without these,
            # a garbage collection destroys the reader waiting on stdin
            # (with its StreamReader, which its protocol holds weakly) and
            # the peer stops taking ops ("Task was destroyed but it is
            # pending!").
            self.tasks = set()
            self.spawn(self.read_commands())
        except Exception as err:  # noqa: BLE001
            emit({"event": "failed", "error": "session start: %r" % err})
            self.disconnect()

    def on_failed_auth(self, _):
        emit({"event": "failed", "error": "authentication failed"})
        self.disconnect()

    def on_disconnected(self, reason):
        if not self.quitting:
            emit({"event": "disconnected", "reason": str(reason)})
        asyncio.get_event_loop().call_soon(asyncio.get_event_loop().stop)

    def on_stanza(self, kind):
        def handler(st):
            emit({"event": kind, "xml": str(st)})
        return handler

    def spawn(self, coro):
        """Runs coro as a task, referenced until it ends."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def read_commands(self):
        loop = asyncio.get_event_loop()
        reader = asyncio.StreamReader(limit=1 << 24)
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                self.quit()
                return
            req = json.loads(line)
            self.spawn(self.run(req))

    async def run(self, req):
        op = getattr(self, "op_" + req["op"], None)
        try:
            if op is None:
                raise ValueError("unknown op %r" % req["op"])
            result = await op(**req.get("args", {}))
            emit({"id": req["id"], "result": result})
        except IqError as err:
            emit({"id": req["id"], "error": stanza_error(err)})
        except Exception as err:  # noqa: BLE001
            logging.error("op %s: %s", req["op"], traceback.format_exc())
            emit({"id": req["id"], "error": "%s: %r" % (req["op"], err)})

    def quit(self):
        self.quitting = True
        self.disconnect(wait=1.0)

    # ---- ops ----

    async def op_quit(self):
        asyncio.get_event_loop().call_later(0.01, self.quit)
        return None

    async def op_send_xml(self, xml):
        """Sends raw XML, a stanza the Go side composed."""
        self.send_raw(xml)
        return None

    async def op_message(self, to, body="", type="chat", id=None,
                         receipt=False, chat_state=None, replace=None,
                         markable=False, payloads=()):
        """Sends a message built by slixmpp's plugins; returns its id."""
        msg = self.make_message(mto=to, mbody=body or None, mtype=type)
        if id:
            msg["id"] = id
        elif not msg["id"]:
            msg["id"] = self.new_id()
        if receipt:
            msg["request_receipt"] = True
        if chat_state:
            msg["chat_state"] = chat_state
        if replace:
            msg["replace"]["id"] = replace
        if markable:
            msg.enable("markable")
        for p in payloads:
            msg.append(ET.fromstring(p))
        msg.send()
        return msg["id"]

    async def op_marker(self, to, id, marker):
        """Sends a chat marker with slixmpp's XEP-0333 plugin."""
        self["xep_0333"].send_marker(JID(to), id, marker)
        return None

    async def op_chat_state(self, to, state):
        msg = self.make_message(mto=to, mtype="chat")
        msg["chat_state"] = state
        msg.send()
        return None

    async def op_receipt(self, to, id):
        """Acknowledges message id from to with a XEP-0184 receipt."""
        msg = self.make_message(mto=to)
        msg["receipt"] = id
        msg.send()
        return None

    async def op_presence(self, show="", status="", to=None):
        self.send_presence(pshow=show or None, pstatus=status or None,
                           pto=to)
        return None

    async def op_subscribe(self, to):
        self.send_presence(pto=to, ptype="subscribe")
        return None

    async def op_approve(self, to):
        self.send_presence(pto=to, ptype="subscribed")
        return None

    async def op_unsubscribe(self, to):
        self.send_presence(pto=to, ptype="unsubscribe")
        return None

    async def op_roster(self):
        """Returns the roster: {jid: {"subscription": s, "ask": bool}}."""
        await self.get_roster()
        out = {}
        for j in self.client_roster:
            item = self.client_roster[j]
            out[str(j)] = {"subscription": item["subscription"],
                           "pending_out": bool(item["pending_out"])}
        return out

    async def op_disco_info(self, to, node=None):
        """Asks disco#info; returns identities, features and the caps ver
        slixmpp computes for the answer with SHA-1."""
        iq = await self["xep_0030"].get_info(jid=to, node=node, cached=False)
        info = iq["disco_info"]
        ver = self["xep_0115"].generate_verstring(info, "sha-1")
        return {
            "identities": [list(i) for i in info["identities"]],
            "features": sorted(info["features"]),
            "ver": ver,
        }

    async def op_caps_ver(self, to):
        """Returns the caps ver slixmpp recorded from to's presence, after
        verifying it (None if it has none or it did not verify)."""
        ver = await self["xep_0115"].get_verstring(JID(to))
        return ver

    async def op_own_ver(self):
        """Returns the caps ver slixmpp announces for itself."""
        return await self["xep_0115"].get_verstring(self.boundjid)

    async def op_version(self, to):
        iq = await self["xep_0092"].get_version(JID(to))
        v = iq["software_version"]
        return {"name": v["name"], "version": v["version"], "os": v["os"]}

    async def op_last_activity(self, to):
        iq = await self["xep_0012"].get_last_activity(JID(to))
        return {"seconds": iq["last_activity"]["seconds"],
                "status": iq["last_activity"]["status"]}

    async def op_set_idle(self, seconds, status=""):
        await self["xep_0012"].set_last_activity(
            jid=self.boundjid, seconds=seconds, status=status or None)
        return None

    async def op_entity_time(self, to):
        iq = await self["xep_0202"].get_entity_time(JID(to))
        t = iq["entity_time"]
        # Parsing happens here, with slixmpp's own XEP-0082 parse (Python's
        # strptime, which takes one to six fractional digits). Not with
        # the stanza's utc and tzo getters: in slixmpp 1.8.3 they fail on
        # every answer, valid or not (utc appends a second "Z", tzo parses
        # "00:00:00+hh:mm" as a date).
        utc = xep_0082.parse(t._get_sub_text("utc"))
        tzo = xep_0082.parse("2000-01-01T00:00:00" + t._get_sub_text("tzo"))
        return {"utc": utc.isoformat(),
                "tzo": tzo.utcoffset().total_seconds()}

    async def op_commands(self, to):
        iq = await self["xep_0050"].get_commands(JID(to))
        return [{"node": i[1], "name": i[2]} for i in iq["disco_items"]["items"]]

    async def op_run_command(self, to, node, fields):
        """Executes command node at to and submits the first form it
        returns with fields; returns the final status, notes and the
        fields of a result form, if any."""
        iq = await self["xep_0050"].send_command(JID(to), node)
        cmd = iq["command"]
        steps = 1
        while cmd["status"] == "executing" and steps < 5:
            form = cmd["form"]
            submit = Form()
            submit["type"] = "submit"
            for var, value in fields.items():
                submit.add_field(var=var, value=value)
            if "FORM_TYPE" in form["fields"]:
                submit.add_field(var="FORM_TYPE", ftype="hidden",
                                 value=form["fields"]["FORM_TYPE"]["value"])
            action = "complete" if "complete" in cmd["actions"] else "next"
            if not cmd["actions"]:
                action = "complete"
            iq = await self["xep_0050"].send_command(
                JID(to), node, action=action, payload=submit,
                sessionid=cmd["sessionid"])
            cmd = iq["command"]
            steps += 1
        result = {}
        if cmd.xml.find("{jabber:x:data}x") is not None:
            result = {k: v for k, v in cmd["form"]["values"].items()}
        return {"status": cmd["status"],
                "notes": [list(n) for n in cmd["notes"]],
                "form": result}

    async def op_carbons(self, enable=True):
        if enable:
            await self["xep_0280"].enable()
        else:
            await self["xep_0280"].disable()
        return None

    async def op_mam(self, with_jid=None):
        """Fetches the own archive (with with_jid if given); returns the
        forwarded messages as XML, oldest first, with the archive's id, the
        delay stamp as slixmpp parsed it, and the message's id, sender and
        body as slixmpp read them."""
        out = []
        kwargs = {"with_jid": JID(with_jid)} if with_jid else {}
        async for msg in self["xep_0313"].iterate(**kwargs):
            fwd = msg["mam_result"]["forwarded"]
            inner = fwd["stanza"]
            out.append({"xml": str(inner),
                        "id": msg["mam_result"]["id"],
                        "stamp": fwd["delay"]["stamp"].isoformat(),
                        "msgid": inner["id"], "from": str(inner["from"]),
                        "body": inner["body"]})
        return out

    async def op_block(self, jids):
        await self["xep_0191"].block([JID(j) for j in jids])
        return None

    async def op_unblock(self, jids):
        await self["xep_0191"].unblock([JID(j) for j in jids])
        return None

    async def op_blocked(self):
        iq = await self["xep_0191"].get_blocked()
        return sorted(str(j) for j in iq["blocklist"]["items"])

    async def op_ping(self, to):
        await self["xep_0199"].ping(JID(to), timeout=10)
        return None

    # ---- ops of the messaging extension cases (receipts, chat states,
    # corrections, markers, carbons): what slixmpp's plugins read ----

    def plugin_view(self, event, msg):
        """Describes msg as the plugin that fired event reads it, with its
        own stanza interfaces."""
        view = {"from": str(msg["from"]), "to": str(msg["to"]),
                "id": msg["id"], "type": msg["type"]}
        if event == "receipt_received":
            view["receipt"] = msg["receipt"]
        elif event == "chatstate":
            view["state"] = msg["chat_state"]
        elif event == "message_correction":
            view["replace"] = msg["replace"]["id"]
            view["body"] = msg["body"]
        elif event == "marker":
            for name in ("displayed", "received", "acknowledged"):
                marker = msg.get_plugin(name, check=True)
                if marker is not None:
                    view["marker"] = name
                    view["marker_id"] = marker["id"]
        elif event == "groupchat_message":
            view["body"] = msg["body"]
            view["muc_room"] = str(msg["mucroom"])
            view["muc_nick"] = msg["mucnick"]
        elif event == "groupchat_presence":
            muc = msg["muc"]
            view["muc_nick"] = muc["nick"]
            view["codes"] = sorted(muc["status_codes"])
            view["role"] = muc["role"]
            view["affiliation"] = muc["affiliation"]
            view["new_nick"] = muc["item"]["nick"]
            view["reason"] = muc["item"]["reason"]
        elif event == "groupchat_invite":
            view["invite_from"] = str(msg["muc"]["invite"]["from"])
            view["reason"] = msg["muc"]["invite"]["reason"]
        elif event == "groupchat_direct_invite":
            inv = msg["groupchat_invite"]
            view["room"] = str(inv["jid"])
            view["reason"] = inv["reason"]
            view["password"] = inv["password"]
        elif event in ("carbon_received", "carbon_sent"):
            inner = msg[event]
            view["inner"] = {"from": str(inner["from"]),
                             "to": str(inner["to"]), "id": inner["id"],
                             "type": inner["type"], "body": inner["body"]}
        elif event in PEP_EVENTS:
            view.update(self.pep_view(msg))
        elif event in AVATAR_EVENTS:
            view.update(self.avatar_view(msg))
        elif event == "vcard_avatar_update":
            view["photo"] = msg["vcard_temp_update"]["photo"]
        return view

    async def op_watch(self, events):
        """Starts recording the plugin events named (receipt_received,
        chatstate, message_correction, marker, carbon_received,
        carbon_sent), for op_seen."""
        if not hasattr(self, "seen"):
            self.seen = {}
            self.seen_changed = asyncio.Event()
        for event in events:
            if event in self.seen:
                continue
            self.seen[event] = []

            def record(msg, event=event):
                self.seen[event].append(self.plugin_view(event, msg))
                self.seen_changed.set()
            self.add_event_handler(event, record)
        return None

    async def op_seen(self, event, count=1, timeout=8.0):
        """Waits until the watched event fired count times and returns
        (and forgets) the first count records, oldest first."""
        loop = asyncio.get_event_loop()
        deadline = loop.time() + timeout
        while len(self.seen[event]) < count:
            self.seen_changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("%s: %d of %d seen: %r" % (
                    event, len(self.seen[event]), count, self.seen[event]))
            try:
                await asyncio.wait_for(self.seen_changed.wait(), left)
            except asyncio.TimeoutError:
                pass
        out = self.seen[event][:count]
        del self.seen[event][:count]
        return out

    async def op_seen_where(self, event, where, timeout=8.0):
        """Waits until the watched event fired with a record whose fields
        have the values of where, and returns (and forgets) the oldest such
        record; records before it stay."""
        loop = asyncio.get_event_loop()
        deadline = loop.time() + timeout
        while True:
            for i, view in enumerate(self.seen[event]):
                if all(view.get(k) == v for k, v in where.items()):
                    del self.seen[event][i]
                    return view
            self.seen_changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("%s: none with %r: %r" % (
                    event, where, self.seen[event]))
            try:
                await asyncio.wait_for(self.seen_changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    # ---- ops of the subscription, disco and caps, IQ service and ad-hoc
    # command cases: what slixmpp's roster and XEP-0115 code does ----

    async def op_manual_subscriptions(self):
        """Stops slixmpp from answering subscription requests by itself (by
        default it approves every request and asks back at once), so that
        the approve and subscribe ops are its only answers."""
        self.auto_authorize = None
        self.auto_subscribe = False
        return None

    async def op_update_caps(self):
        """Computes slixmpp's own caps ver from its disco#info, announces
        it in a new presence and returns it. slixmpp 1.8 does this only
        from its PEP plugin: until then its presence carries no <c/>."""
        await self["xep_0115"].update_caps(broadcast=True)
        return await self["xep_0115"].get_verstring(self.boundjid)

    async def op_wait_caps(self, to, timeout=8.0):
        """Waits until slixmpp has verified the caps of to's presence (asked
        node#ver and checked the hash of the answer) and returns the ver;
        None if it has not within timeout (a mismatch is only logged)."""
        loop = asyncio.get_event_loop()
        deadline = loop.time() + timeout
        while True:
            ver = await self["xep_0115"].get_verstring(JID(to))
            if ver or loop.time() >= deadline:
                return ver
            await asyncio.sleep(0.05)

    async def op_serve_time(self, offset):
        """Makes slixmpp answer XEP-0202 time requests with its clock and
        the UTC offset given in seconds. slixmpp 1.8.3's own handler fails
        on every request (its tzo setter parses a time of day as a date),
        so this one writes <tzo/> itself; <utc/> is slixmpp's XEP-0082
        format_datetime of its clock."""
        sign = "-" if offset < 0 else "+"
        tzo = "%s%02d:%02d" % (sign, abs(offset) // 3600,
                               abs(offset) % 3600 // 60)

        def answer(iq):
            reply = iq.reply()
            reply["entity_time"]["utc"] = dt.datetime.now(dt.timezone.utc)
            reply["entity_time"]._set_sub_text("tzo", tzo)
            reply.send()
        self.remove_handler("Entity Time")
        self.register_handler(Callback(
            "Entity Time", StanzaPath("iq@type=get/entity_time"), answer))
        return None

    # ---- ops of the Multi-User Chat cases: slixmpp's XEP-0045 and
    # XEP-0249 plugins, loaded on demand (loaded at start, the MUC
    # feature would change slixmpp's disco#info and caps in the other
    # cases) ----

    async def op_muc_enable(self):
        """Loads the XEP-0045 and XEP-0249 plugins, and wakes the
        occupant waits of op_muc_occupants on every room presence."""
        self.register_plugin("xep_0045")
        self.register_plugin("xep_0249")
        # Every presence, not only slixmpp's "presence" event, which the
        # plugin silences for occupants' presences (it makes the roster
        # ignore their updates).
        self.del_event_handler("presence", self.presence_handler)
        self.register_handler(Callback(
            "interop: every presence", MatchXPath("{jabber:client}presence"),
            self.presence_handler))
        self.muc_changed = asyncio.Event()
        self.add_event_handler("groupchat_presence",
                               lambda _: self.muc_changed.set())
        return None

    def muc_occupants(self, room):
        """The plugin's roster of room: {nick: {role, affiliation, jid}}."""
        plugin = self["xep_0045"]
        out = {}
        for nick in plugin.get_roster(JID(room)):
            entry = plugin.rooms[JID(room)][nick]
            out[nick] = {"role": entry.get("role", ""),
                         "affiliation": entry.get("affiliation", ""),
                         "jid": str(entry.get("jid") or "")}
        return out

    async def op_muc_join(self, room, nick, timeout=15):
        """Joins room with the plugin's join_muc_wait (no history), which
        returns once the room sent the self-presence and the subject;
        returns the self-presence's nick, role, affiliation and status
        codes, and the occupants the plugin lists."""
        pres, _subject, _occupants, _history = \
            await self["xep_0045"].join_muc_wait(
                JID(room), nick, maxstanzas=0, timeout=timeout)
        return {"nick": pres["from"].resource, "role": pres["muc"]["role"],
                "affiliation": pres["muc"]["affiliation"],
                "codes": sorted(pres["muc"]["status_codes"]),
                "occupants": self.muc_occupants(room)}

    async def op_muc_create(self, room, nick, timeout=15):
        """Creates room: the join presence, as join_muc_wait sends it, the
        self-presence (status 201 for a new room), then an empty submitted
        configuration form through the plugin (an instant room, XEP-0045
        §10.1.2), which unlocks it. join_muc_wait itself is not used: it
        waits for a subject that a locked room need not send."""
        plugin = self["xep_0045"]
        room = JID(room)
        got = asyncio.get_event_loop().create_future()

        def done(pr):
            if not got.done():
                got.set_result(pr)
        plugin.rooms[room] = {}
        plugin.our_nicks[room] = nick
        with self.event_handler("muc::%s::self-presence" % room, done), \
                self.event_handler("muc::%s::presence-error" % room, done):
            pres = self.make_presence(pto="%s/%s" % (room, nick))
            pres.enable("muc_join")
            pres["muc_join"]["history"]["maxstanzas"] = "0"
            pres.send()
            pr = await asyncio.wait_for(got, timeout)
        if pr["type"] == "error":
            raise ValueError("join refused: %s" % pr["error"]["condition"])
        codes = sorted(pr["muc"]["status_codes"])
        if 201 in codes:
            await plugin.set_room_config(room, Form())
        return {"nick": pr["from"].resource, "role": pr["muc"]["role"],
                "affiliation": pr["muc"]["affiliation"], "codes": codes}

    async def op_muc_occupants(self, room, present=(), absent=(),
                               timeout=8.0):
        """Waits until the plugin's roster of room lists every nick of
        present and none of absent, and returns it."""
        loop = asyncio.get_event_loop()
        deadline = loop.time() + timeout
        while True:
            occ = self.muc_occupants(room)
            if all(n in occ for n in present) and \
                    not any(n in occ for n in absent):
                return occ
            self.muc_changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("occupants of %s: %r; want %r and not %r"
                                   % (room, sorted(occ), present, absent))
            try:
                await asyncio.wait_for(self.muc_changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def op_muc_nick(self, room, nick):
        """Changes nick in room (XEP-0045 §7.6): an available presence to
        the new occupant JID. The plugin has no call for it."""
        self.send_presence(pto="%s/%s" % (room, nick))
        return None

    async def op_muc_kick(self, room, nick, reason=""):
        """Kicks nick with the plugin's set_role (role none)."""
        await self["xep_0045"].set_role(JID(room), nick, "none",
                                        reason=reason)
        return None

    async def op_muc_set_role(self, room, nick, role, reason=""):
        await self["xep_0045"].set_role(JID(room), nick, role,
                                        reason=reason)
        return None

    async def op_muc_invite(self, room, to, reason=""):
        """Sends a mediated invitation through room with the plugin."""
        self["xep_0045"].invite(JID(room), JID(to), reason)
        return None

    async def op_direct_invite(self, to, room, reason=None, password=None):
        """Sends a XEP-0249 direct invitation with the plugin."""
        self["xep_0249"].send_invitation(JID(to), JID(room),
                                         password=password, reason=reason)
        return None


    # ---- ops of the bookmarks cases: slixmpp's XEP-0048 plugin (it has
    # no XEP-0402), loaded on demand like the MUC plugins, since it
    # loads XEP-0045 and XEP-0163 too ----

    async def op_bookmarks_enable(self):
        """Loads the XEP-0048 plugin (with XEP-0049 and XEP-0223)."""
        self.register_plugin("xep_0048")
        return None

    async def op_bookmarks_get(self, method="xep_0049"):
        """Reads the XEP-0048 bookmarks with the plugin's get_bookmarks,
        from private storage (xep_0049) or PEP (xep_0223); returns the
        conferences as the plugin's stanza reads them."""
        from slixmpp.plugins.xep_0048 import Bookmarks
        iq = await self["xep_0048"].get_bookmarks(method=method)
        el = iq.xml.find(".//{storage:bookmarks}storage")
        storage = Bookmarks(xml=el) if el is not None else Bookmarks()
        return [{"jid": str(c["jid"]), "name": c["name"],
                 "autojoin": c["autojoin"], "nick": c["nick"],
                 "password": c["password"]}
                for c in storage["conferences"]]

    async def op_bookmarks_set(self, conferences, method="xep_0049"):
        """Stores conferences (a list of {jid, name, autojoin, nick,
        password}) as the whole XEP-0048 storage, with the plugin's
        add_conference and set_bookmarks."""
        from slixmpp.plugins.xep_0048 import Bookmarks
        storage = Bookmarks()
        for c in conferences:
            storage.add_conference(c["jid"], c.get("nick") or None,
                                   name=c.get("name") or None,
                                   autojoin=c.get("autojoin"),
                                   password=c.get("password") or None)
        await self["xep_0048"].set_bookmarks(storage, method=method)
        return None

    # ---- ops of the PEP cases: slixmpp's User Location (XEP-0080), Mood
    # (0107), Activity (0108), Tune (0118) and Nickname (0172) plugins
    # over its XEP-0163 plugin, loaded on demand (each adds its feature
    # and its +notify interest to slixmpp's disco#info, which would change
    # its caps in the other cases). op_watch records their events
    # (PEP_EVENTS) as pep_view describes them ----

    async def op_pep_enable(self):
        """Loads the five plugins. Each registers its +notify interest and
        recomputes the caps, but sends no presence: op_broadcast_caps
        does."""
        for plugin in PEP_PLUGINS.values():
            self.register_plugin(plugin)
        return None

    async def op_broadcast_caps(self, status=""):
        """Recomputes slixmpp's caps and broadcasts them in a new available
        presence with status; returns the ver. Not op_update_caps: its
        update_caps(broadcast=True) resends the last presence object,
        which is addressed to the last contact whose subscription slixmpp
        approved (RosterItem.send_last_presence sets its 'to'), so it
        becomes a presence directed to that contact alone, from which
        ejabberd does not learn slixmpp's caps for PEP."""
        await self["xep_0115"].update_caps(broadcast=False)
        self.send_presence(pstatus=status or None)
        return await self["xep_0115"].get_verstring(self.boundjid)

    def pep_view(self, msg):
        """Describes the first item of a PEP event as the plugin of its
        node reads it: the node, the item id, whether the payload is empty
        (a withdrawal), whether the server stamped it <delay/> (a last
        published item sent late), and the plugin stanza's values."""
        items = msg["pubsub_event"]["items"]
        view = {"node": items["node"],
                "delayed": msg.xml.find("{urn:xmpp:delay}delay") is not None}
        item = next(iter(items), None)
        if item is None:
            return view
        view["item_id"] = item["id"]
        payload = item.xml.find("{%s}*" % items["node"])
        view["empty"] = payload is None or (
            len(payload) == 0 and not (payload.text or "").strip())
        if item.name == "retract" or payload is None:
            return view
        if items["node"] == "http://jabber.org/protocol/geoloc":
            g = item["geoloc"]
            # (The plugin names <description/> "dscription": it neither
            # reads nor writes that element.)
            for k in sorted(g.interfaces - {"timestamp"}):
                view[k] = g[k]
            # The plugin's timestamp getter fails on every value in
            # slixmpp 1.8.3 (it passes the text to xep_0082.datetime as
            # the year): parsed here with XEP-0082's own parse.
            ts = g._get_sub_text("timestamp")
            view["timestamp"] = xep_0082.parse(ts).isoformat() if ts else None
        elif items["node"] == "http://jabber.org/protocol/mood":
            view["value"] = item["mood"]["value"]
            view["text"] = item["mood"]["text"]
        elif items["node"] == "http://jabber.org/protocol/activity":
            general, specific = item["activity"]["value"]
            view["general"] = general
            view["specific"] = specific
            view["text"] = item["activity"]["text"]
        elif items["node"] == "http://jabber.org/protocol/tune":
            for k in sorted(item["tune"].interfaces):
                view[k] = item["tune"][k]
        elif items["node"] == "http://jabber.org/protocol/nick":
            view["nick"] = item["nick"]["nick"]
        return view

    async def op_publish_location(self, fields, timestamp=None):
        """Publishes a location built as the plugin's publish_location
        builds it (its Geoloc stanza, through XEP-0163's publish), from
        fields, {interface: value}; timestamp, an ISO 8601 date-time, is
        written with XEP-0082's format_datetime, since the stanza's own
        timestamp setter fails in slixmpp 1.8.3."""
        from slixmpp.plugins.xep_0080 import Geoloc
        geoloc = Geoloc()
        geoloc.values = fields
        if timestamp:
            stamp = xep_0082.format_datetime(xep_0082.parse(timestamp))
            geoloc._set_sub_text("timestamp", stamp)
        await self["xep_0163"].publish(geoloc)
        return str(geoloc)

    async def op_publish_mood(self, value, text=None):
        await self["xep_0107"].publish_mood(value, text)
        return None

    async def op_publish_activity(self, general, specific=None, text=None):
        await self["xep_0108"].publish_activity(general, specific, text)
        return None

    async def op_publish_tune(self, fields):
        """Publishes a tune with publish_tune(**fields)."""
        await self["xep_0118"].publish_tune(**fields)
        return None

    async def op_publish_nick(self, nick):
        await self["xep_0172"].publish_nick(nick)
        return None

    async def op_pep_stop(self, node):
        """Withdraws the value of node with its plugin's stop(), which
        publishes an empty payload."""
        await self[PEP_PLUGINS[node]].stop()
        return None

    # ---- ops of the avatar and vCard cases: slixmpp's User Avatar
    # (XEP-0084), vcard-temp (XEP-0054) and vCard-Based Avatars
    # (XEP-0153) plugins, loaded on demand (the first adds its +notify
    # interest to slixmpp's caps; the last adds <x/> to every presence).
    # Images travel as base64 in JSON ----

    async def op_avatar_enable(self):
        """Loads the XEP-0084 plugin (with XEP-0163): it registers the
        metadata node's +notify interest and recomputes the caps, but
        sends no presence: op_broadcast_caps does."""
        self.register_plugin("xep_0084")
        return None

    def avatar_view(self, msg):
        """Describes an avatar metadata event as pep_view does, with the
        <info/> elements as the plugin's Info stanza reads them."""
        view = self.pep_view(msg)
        item = next(iter(msg["pubsub_event"]["items"]), None)
        view["infos"] = []
        if item is None or view.get("empty", True):
            return view
        for info in item["avatar_metadata"]["items"]:
            view["infos"].append({k: info[k] for k in (
                "id", "type", "bytes", "width", "height", "url")})
        return view

    async def op_avatar_publish(self, data, type="image/png", width=None,
                                height=None):
        """Publishes data (base64) as the avatar with the plugin:
        publish_avatar to the data node, then publish_avatar_metadata
        with the plugin's generate_id; returns the id. Width and height
        go to the plugin as text: its Info stanza stores an int as it is,
        and the serializer then fails on it in slixmpp 1.8.3 (TypeError:
        'int' object is not iterable), so the publication is never sent."""
        raw = base64.b64decode(data)
        plugin = self["xep_0084"]
        await plugin.publish_avatar(raw)
        info = {"id": plugin.generate_id(raw), "type": type,
                "bytes": len(raw)}
        if width:
            info["width"] = str(width)
        if height:
            info["height"] = str(height)
        await plugin.publish_avatar_metadata(info)
        return info["id"]

    async def op_avatar_fetch(self, jid, id):
        """Retrieves the avatar id of jid with the plugin's
        retrieve_avatar; returns the item ids of the answer, and the
        first item's data (base64) as the plugin's Data stanza decoded it,
        with its SHA-1."""
        iq = await self["xep_0084"].retrieve_avatar(JID(jid), id)
        items = list(iq["pubsub"]["items"])
        out = {"ids": [it["id"] for it in items]}
        if items:
            raw = items[0]["avatar_data"]["value"]
            out["data"] = base64.b64encode(raw).decode()
            out["sha1"] = hashlib.sha1(raw).hexdigest()
        return out

    async def op_avatar_stop(self):
        """Disables the avatar with the plugin's stop(): empty metadata."""
        await self["xep_0084"].stop()
        return None

    async def op_vcard_enable(self):
        """Loads the XEP-0054 and XEP-0153 plugins. Loaded after the
        session started, XEP-0153 has not read the own vCard: it announces
        <x/> without <photo/> until op_vcard_avatar."""
        self.register_plugin("xep_0054")
        self.register_plugin("xep_0153")
        return None

    async def op_vcard_set(self, fn="", nickname="", photo=None,
                           photo_type=None):
        """Replaces the own vcard-temp with one built with the plugin's
        stanzas (FN, NICKNAME, and PHOTO's TYPE and BINVAL when photo, in
        base64, is given) and its publish_vcard."""
        vcard = self["xep_0054"].make_vcard()
        if fn:
            vcard["FN"] = fn
        if nickname:
            vcard["NICKNAME"] = nickname
        if photo is not None:
            vcard["PHOTO"]["TYPE"] = photo_type
            vcard["PHOTO"]["BINVAL"] = base64.b64decode(photo)
        await self["xep_0054"].publish_vcard(vcard)
        return str(vcard)

    async def op_vcard_avatar(self, photo, photo_type="image/png"):
        """Sets the own vCard's photo with XEP-0153's set_avatar (get the
        vCard, set PHOTO, publish it, read it back and hash the photo);
        returns the hash the plugin now puts in presence. set_avatar sends
        no presence with it: op_presence does."""
        await self["xep_0153"].set_avatar(avatar=base64.b64decode(photo),
                                          mtype=photo_type)
        return await self["xep_0153"].api["get_hash"](self.boundjid)

    async def op_vcard_get(self, jid):
        """Reads jid's vcard-temp with the plugin's get_vcard; returns FN,
        NICKNAME (the plugin splits it at commas) and PHOTO as its stanzas
        read them (the photo in base64, with its SHA-1)."""
        iq = await self["xep_0054"].get_vcard(JID(jid), cached=False)
        vcard = iq["vcard_temp"]
        raw = vcard["PHOTO"]["BINVAL"]
        return {"fn": vcard["FN"], "nicknames": vcard["NICKNAME"] or [],
                "photo_type": vcard["PHOTO"]["TYPE"],
                "photo": base64.b64encode(raw).decode(),
                "photo_sha1": hashlib.sha1(raw).hexdigest() if raw else ""}


# PEP_PLUGINS maps the PEP nodes of the PEP cases to their plugins.
PEP_PLUGINS = {
    "http://jabber.org/protocol/geoloc": "xep_0080",
    "http://jabber.org/protocol/mood": "xep_0107",
    "http://jabber.org/protocol/activity": "xep_0108",
    "http://jabber.org/protocol/tune": "xep_0118",
    "http://jabber.org/protocol/nick": "xep_0172",
}

# PEP_EVENTS are the events those plugins fire (XEP-0060's map_node_event),
# which plugin_view describes with pep_view.
PEP_EVENTS = {"%s_%s" % (name, kind)
              for name in ("user_location", "user_mood", "user_activity",
                           "user_tune", "user_nick")
              for kind in ("publish", "retract")}


# AVATAR_EVENTS are the events of the XEP-0084 plugin's metadata node
# (its register_pep), which plugin_view describes with avatar_view.
AVATAR_EVENTS = {"avatar_metadata_publish", "avatar_metadata_retract"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jid", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--register", action="store_true",
                    help="create the account in band (XEP-0077) first")
    ap.add_argument("--no-roster", action="store_true")
    ap.add_argument("--no-presence", action="store_true")
    ap.add_argument("--auto-receipts", action="store_true",
                    help="answer receipt requests (XEP-0184)")
    ap.add_argument("--debug", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(stream=sys.stderr,
                        level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    peer = Peer(args)
    peer.connect((args.host, args.port))
    asyncio.get_event_loop().run_forever()


if __name__ == "__main__":
    main()
