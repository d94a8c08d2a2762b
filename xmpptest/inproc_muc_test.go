package xmpptest_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// Namespaces of the MUC tests.
const (
	nsMUC       = "http://jabber.org/protocol/muc"
	nsMUCUser   = nsMUC + "#user"
	nsMUCOwner  = nsMUC + "#owner"
	nsMUCAdmin  = nsMUC + "#admin"
	nsDiscoInfo = "http://jabber.org/protocol/disco#info"
	nsDiscoItem = "http://jabber.org/protocol/disco#items"
	nsData      = "jabber:x:data"
)

// room is the room most MUC tests use.
var room = jid.MustParse("room@conference.localhost")

// occ is a client of the in-process server for the MUC tests, with what
// it receives.
type occ struct {
	*xmpp.Client
	in *inbox
}

// mucServer starts a Server with its MUC service.
func mucServer(t *testing.T) *xmpptest.Server {
	t.Helper()
	return startServer(t, &xmpptest.ServerOptions{MUC: true})
}

// mucLogin logs account i of srv in, collecting what it receives. The
// client answers IQs of the namespace urn:example:echo with their payload.
func mucLogin(t *testing.T, srv *xmpptest.Server, i int) *occ {
	t.Helper()
	var in *inbox
	c, err := login(t, srv, i, "", nil, func(c *xmpp.Client) {
		in = newInbox(c)
		c.HandleIQ(stanza.IQGet, "urn:example:echo", "query", func(_ context.Context, iq *stanza.IQ) (*stanza.Element, error) {
			return stanza.NewElement("urn:example:echo", "query", stanza.A("from", iq.From.String())), nil
		})
	})
	if err != nil {
		t.Fatalf("login as %s: %v", srv.Account(i).User, err)
	}
	t.Cleanup(func() { c.Close() })
	return &occ{Client: c, in: in}
}

// raw sends the element written in XML, in the jabber:client namespace.
func (o *occ) raw(t *testing.T, format string, args ...any) {
	t.Helper()
	s := fmt.Sprintf(format, args...)
	if i := strings.IndexAny(s, " />"); i > 0 {
		s = s[:i] + " xmlns='jabber:client'" + s[i:]
	}
	e, err := stanza.ParseElement(s)
	if err != nil {
		t.Fatalf("bad test XML %q: %v", s, err)
	}
	if err := o.SendElement(ctx(t), e); err != nil {
		t.Fatalf("%s: send: %v", o.JID(), err)
	}
}

// iq sends an IQ of type typ to to with the payload written in XML and
// returns the answer.
func (o *occ) iq(t *testing.T, typ stanza.IQType, to jid.JID, payload string, args ...any) (*stanza.IQ, error) {
	t.Helper()
	e, err := stanza.ParseElement(fmt.Sprintf(payload, args...))
	if err != nil {
		t.Fatalf("bad test XML %q: %v", payload, err)
	}
	return o.Request(ctx(t), stanza.NewIQ(typ, to, e))
}

// mustIQ is iq that fails the test on error.
func (o *occ) mustIQ(t *testing.T, typ stanza.IQType, to jid.JID, payload string, args ...any) *stanza.IQ {
	t.Helper()
	res, err := o.iq(t, typ, to, payload, args...)
	if err != nil {
		t.Fatalf("%s: iq %s to %s: %v", o.JID(), typ, to, err)
	}
	return res
}

// entry is what a client gets when it enters a room.
type entry struct {
	others  []*stanza.Presence // the other occupants' presence, in order
	self    *stanza.Presence
	history []*stanza.Message
	subject *stanza.Message
}

// nick returns the occupant address of nick in r.
func nick(r jid.JID, nick string) jid.JID {
	j, err := r.WithResource(nick)
	if err != nil {
		panic(err)
	}
	return j
}

// join makes o enter r as n, with inner inside the join request's <x/>,
// and returns what it got, failing the test on an error.
func (o *occ) join(t *testing.T, r jid.JID, n, inner string) entry {
	t.Helper()
	o.raw(t, "<presence to='%s'><x xmlns='%s'>%s</x></presence>", nick(r, n), nsMUC, inner)
	return o.entered(t, r)
}

// entered reads what o gets when it enters r: presences up to its own
// (status 110), then history up to the subject.
func (o *occ) entered(t *testing.T, r jid.JID) entry {
	t.Helper()
	var e entry
	for e.self == nil {
		p := o.in.presence(t)
		switch {
		case p.Type == stanza.PresenceError:
			t.Fatalf("%s: entering %s: %s", o.JID(), r, p.Element())
		case p.From.Bare() != r:
			t.Fatalf("%s: entering %s, got %s", o.JID(), r, p.Element())
		case slices.Contains(codes(p), "110"):
			e.self = p
		default:
			e.others = append(e.others, p)
		}
	}
	for e.subject == nil {
		m := o.in.message(t)
		if m.From.Bare() != r || m.Type != stanza.MessageGroupchat {
			t.Fatalf("%s: entering %s, got %s", o.JID(), r, m.Element())
		}
		if len(m.Subjects) > 0 && len(m.Bodies) == 0 {
			e.subject = m
		} else {
			e.history = append(e.history, m)
		}
	}
	return e
}

// joinError makes o try to enter r as n and returns the error presence.
func (o *occ) joinError(t *testing.T, r jid.JID, n, inner string) *stanza.Presence {
	t.Helper()
	o.raw(t, "<presence to='%s' id='j1'><x xmlns='%s'>%s</x></presence>", nick(r, n), nsMUC, inner)
	p := o.in.presence(t)
	if p.Type != stanza.PresenceError || p.Error == nil {
		t.Fatalf("%s: got %s, want an error", o.JID(), p.Element())
	}
	if p.From != nick(r, n) || p.ID != "j1" {
		t.Errorf("error from %s id %q, want from %s id j1", p.From, p.ID, nick(r, n))
	}
	if len(p.Payloads) != 1 || p.Payloads[0].Name != (stanza.Name{Space: nsMUC, Local: "x"}) {
		t.Errorf("error does not echo the <x/>: %s", p.Element())
	}
	return p
}

// configure submits the configuration form of r with fields (var,
// value pairs), as its owner o.
func (o *occ) configure(t *testing.T, r jid.JID, fields ...string) error {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "<query xmlns='%s#owner'><x xmlns='%s' type='submit'>", nsMUC, nsData)
	fmt.Fprintf(&b, "<field var='FORM_TYPE'><value>%s#roomconfig</value></field>", nsMUC)
	for i := 0; i+1 < len(fields); i += 2 {
		fmt.Fprintf(&b, "<field var='%s'><value>%s</value></field>", fields[i], fields[i+1])
	}
	b.WriteString("</x></query>")
	_, err := o.iq(t, stanza.IQSet, r, "%s", b.String())
	return err
}

// create makes o create r as n and configure it with fields, checking
// the owner's self-presence.
func (o *occ) create(t *testing.T, r jid.JID, n string, fields ...string) {
	t.Helper()
	e := o.join(t, r, n, "")
	if got := codes(e.self); !slices.Contains(got, "201") {
		t.Fatalf("%s: creating %s: status %v, want 201", o.JID(), r, got)
	}
	if err := o.configure(t, r, fields...); err != nil {
		t.Fatalf("%s: configuring %s: %v", o.JID(), r, err)
	}
}

// userX returns the muc#user <x/> of a stanza's payloads, or nil.
func userX(payloads []*stanza.Element) *stanza.Element {
	for _, e := range payloads {
		if e.Name == (stanza.Name{Space: nsMUCUser, Local: "x"}) {
			return e
		}
	}
	return nil
}

// codes returns the status codes of a MUC presence.
func codes(p *stanza.Presence) []string {
	var out []string
	if x := userX(p.Payloads); x != nil {
		for s := range x.Children() {
			if s.Name.Local == "status" {
				out = append(out, s.Attr("code"))
			}
		}
	}
	slices.Sort(out)
	return out
}

// item describes the muc#user item of a presence as
// "affiliation role jid nick" (jid and nick when present).
func item(p *stanza.Presence) string {
	x := userX(p.Payloads)
	if x == nil || x.Child(nsMUCUser, "item") == nil {
		return "<no item>"
	}
	it := x.Child(nsMUCUser, "item")
	return strings.TrimSpace(strings.Join([]string{it.Attr("affiliation"), it.Attr("role"), it.Attr("jid"), it.Attr("nick")}, " "))
}

// presenceFrom reads the next stanza of o, which must be presence from
// the occupant address from of type typ, and returns it.
func (o *occ) presenceFrom(t *testing.T, from jid.JID, typ stanza.PresenceType) *stanza.Presence {
	t.Helper()
	p := o.in.presence(t)
	if p.From != from || p.Type != typ {
		t.Fatalf("%s: got %s, want presence %q from %s", o.JID(), p.Element(), typ, from)
	}
	return p
}

// stanzaError returns the stanza error in err, failing the test if there
// is none.
func stanzaError(t *testing.T, err error) *stanza.Error {
	t.Helper()
	var se *stanza.Error
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a stanza error", err)
	}
	return se
}

// wantError checks a stanza error's condition, type and by.
func wantError(t *testing.T, what string, e *stanza.Error, c stanza.Condition, typ stanza.ErrorType) {
	t.Helper()
	switch {
	case e == nil:
		t.Errorf("%s: no error, want %s", what, c)
	case e.Condition != c || e.Type != typ:
		t.Errorf("%s: error %s (%s), want %s (%s)", what, e.Condition, e.Type, c, typ)
	}
}

// groupchat sends a groupchat message with id to r.
func (o *occ) groupchat(t *testing.T, r jid.JID, id, body string) {
	t.Helper()
	m := stanza.NewMessage(stanza.MessageGroupchat, r, body)
	m.ID = id
	send(t, o.Client, m)
}

// reflected reads the next stanza of o, which must be the groupchat
// message body from the occupant address from, with id.
func (o *occ) reflected(t *testing.T, from jid.JID, id, body string) *stanza.Message {
	t.Helper()
	m := o.in.message(t)
	if m.From != from || m.ID != id || m.Body() != body || m.Type != stanza.MessageGroupchat || m.To != o.JID() {
		t.Fatalf("%s: got %s, want groupchat %q id %s from %s", o.JID(), m.Element(), body, id, from)
	}
	return m
}

// TestMUCDisabled checks that a Server without ServerOptions.MUC has no
// MUC service: the MUC domain is another server's.
func TestMUCDisabled(t *testing.T) {
	srv := startServer(t, nil)
	if !srv.MUC().IsZero() {
		t.Errorf("MUC() = %s without ServerOptions.MUC", srv.MUC())
	}
	if err := srv.DropOccupant(room, "alice"); err == nil {
		t.Error("DropOccupant without a MUC service succeeded")
	}
	alice := mucLogin(t, srv, 0)
	_, err := alice.iq(t, stanza.IQGet, jid.MustParse("conference.localhost"), "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "disco#info", stanzaError(t, err), stanza.ErrRemoteServerNotFound, stanza.ErrorCancel)
	res := alice.mustIQ(t, stanza.IQGet, jid.MustParse("localhost"), "<query xmlns='%s'/>", nsDiscoItem)
	if res.Payload != nil && res.Payload.NumChildren() != 0 {
		t.Errorf("disco#items of the server: %s", res.Payload)
	}
}

// TestMUCCreateAndEnter covers entering (XEP-0045 sections 7.2 and 10.1):
// creation by the first occupant, locked until an instant-room form, the
// order of what a new occupant gets, real JIDs shown to moderators only in
// a semi-anonymous room, and status 100 in a non-anonymous one.
func TestMUCCreateAndEnter(t *testing.T) {
	srv := mucServer(t)
	if srv.MUC() != jid.MustParse("conference.localhost") {
		t.Fatalf("MUC() = %s", srv.MUC())
	}
	alice, bob, carol := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2)

	e := alice.join(t, room, "Alice", "")
	if got := codes(e.self); !slices.Equal(got, []string{"110", "201"}) {
		t.Errorf("creator's status codes %v, want [110 201]", got)
	}
	if got, want := item(e.self), "owner moderator "+alice.JID().String(); got != want {
		t.Errorf("creator's item %q, want %q", got, want)
	}
	if len(e.others) != 0 || len(e.history) != 0 || e.subject.Subject() != "" || e.subject.From != room {
		t.Errorf("entering a new room: %+v, subject %s", e, e.subject.Element())
	}

	// Locked: nobody else may enter, not even see it.
	p := bob.joinError(t, room, "Bob", "")
	wantError(t, "entering a locked room", p.Error, stanza.ErrItemNotFound, stanza.ErrorCancel)
	if p.Error.By != room {
		t.Errorf("error by %s, want %s", p.Error.By, room)
	}
	_, err := bob.iq(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "disco#info of a locked room", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)

	// An instant room.
	alice.mustIQ(t, stanza.IQSet, room, "<query xmlns='%s'><x xmlns='%s' type='submit'/></query>", nsMUCOwner, nsData)
	alice.in.empty(t)

	// Broadcast presence is not for the room.
	alice.raw(t, "<presence><show>away</show></presence>")
	if p := alice.in.presence(t); p.From != alice.JID() {
		t.Fatalf("alice got %s", p.Element())
	}
	e = bob.join(t, room, "Bob", "")
	if len(e.others) != 1 || e.others[0].From != nick(room, "Alice") || item(e.others[0]) != "owner moderator" {
		t.Errorf("bob sees %v", e.others)
	}
	if got := codes(e.self); !slices.Equal(got, []string{"110"}) || item(e.self) != "none participant "+bob.JID().String() {
		t.Errorf("bob's self-presence: %s", e.self.Element())
	}
	p = alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	if item(p) != "none participant "+bob.JID().String() || len(codes(p)) != 0 {
		t.Errorf("alice, a moderator, sees %s", p.Element())
	}

	// Non-anonymous: everyone sees real JIDs; status 100 on entry.
	if err := alice.configure(t, room, "muc#roomconfig_whois", "anyone"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob} {
		m := o.in.message(t)
		if x := userX(m.Payloads); m.From != room || x == nil || !strings.Contains(x.String(), "'104'") || !strings.Contains(x.String(), "'172'") {
			t.Errorf("%s: configuration change: %s", o.JID(), m.Element())
		}
	}
	e = carol.join(t, room, "Carol", "")
	if len(e.others) != 2 || item(e.others[0]) != "owner moderator "+alice.JID().String() || item(e.others[1]) != "none participant "+bob.JID().String() {
		t.Errorf("carol sees %v", e.others)
	}
	if got := codes(e.self); !slices.Equal(got, []string{"100", "110"}) {
		t.Errorf("carol's status codes %v, want [100 110]", got)
	}
	for _, o := range []*occ{alice, bob} {
		if p := o.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable); item(p) != "none participant "+carol.JID().String() {
			t.Errorf("%s sees %s", o.JID(), p.Element())
		}
	}

	// A second join request from an occupant gets everything again.
	bob.raw(t, "<presence to='%s'><x xmlns='%s'><history maxstanzas='0'/></x><status>again</status></presence>", nick(room, "Bob"), nsMUC)
	e = bob.entered(t, room)
	if len(e.others) != 2 || e.self.Status() != "again" {
		t.Errorf("rejoin: %+v", e)
	}
	for _, o := range []*occ{alice, carol} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); p.Status() != "again" {
			t.Errorf("%s sees %s", o.JID(), p.Element())
		}
	}
	// A presence update.
	bob.raw(t, "<presence to='%s'><show>dnd</show></presence>", nick(room, "Bob"))
	for _, o := range []*occ{alice, carol, bob} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); p.Show != stanza.ShowDND {
			t.Errorf("%s sees %s", o.JID(), p.Element())
		}
	}
}

// quiet checks that each client has received nothing more: everything
// the Server sent it before the call has been handled, and nothing is
// left in its inbox.
func quiet(t *testing.T, os ...*occ) {
	t.Helper()
	for _, o := range os {
		if err := o.Sync(ctx(t)); err != nil {
			t.Fatalf("%s: sync: %v", o.JID(), err)
		}
		o.in.empty(t)
	}
}

// configChanged reads the next stanza of o, which must be the room's
// notice of a configuration change (status 104).
func (o *occ) configChanged(t *testing.T, r jid.JID) {
	t.Helper()
	m := o.in.message(t)
	if x := userX(m.Payloads); m.From != r || x == nil || !strings.Contains(x.String(), "'104'") {
		t.Fatalf("%s: got %s, want status 104 from %s", o.JID(), m.Element(), r)
	}
}

// admin sends a muc#admin set with the items written in XML to r.
func (o *occ) admin(t *testing.T, r jid.JID, items string, args ...any) error {
	t.Helper()
	_, err := o.iq(t, stanza.IQSet, r, "<query xmlns='%s'>%s</query>", nsMUCAdmin, fmt.Sprintf(items, args...))
	return err
}

// list returns the muc#admin list of r with the given item attribute
// (such as "affiliation='member'"), each item as
// "affiliation role jid nick".
func (o *occ) list(t *testing.T, r jid.JID, attr string) ([]string, error) {
	t.Helper()
	res, err := o.iq(t, stanza.IQGet, r, "<query xmlns='%s'><item %s/></query>", nsMUCAdmin, attr)
	if err != nil {
		return nil, err
	}
	var out []string
	for it := range res.Payload.Children() {
		out = append(out, strings.Join([]string{it.Attr("affiliation"), it.Attr("role"), it.Attr("jid"), it.Attr("nick")}, " "))
	}
	return out, nil
}

// leave makes o leave r as n, reading its own unavailable presence.
func (o *occ) leave(t *testing.T, r jid.JID, n string) *stanza.Presence {
	t.Helper()
	o.raw(t, "<presence to='%s' type='unavailable'/>", nick(r, n))
	p := o.presenceFrom(t, nick(r, n), stanza.PresenceUnavailable)
	if got := codes(p); !slices.Equal(got, []string{"110"}) {
		t.Errorf("%s leaving: status %v, want [110]", o.JID(), got)
	}
	return p
}

// errorMessage reads the next stanza of o, which must be a message error
// from from, and returns its error.
func (o *occ) errorMessage(t *testing.T, from jid.JID) *stanza.Error {
	t.Helper()
	m := o.in.message(t)
	if m.Type != stanza.MessageError || m.From != from || m.Error == nil {
		t.Fatalf("%s: got %s, want an error from %s", o.JID(), m.Element(), from)
	}
	return m.Error
}

// TestMUCEnterErrors covers the errors of XEP-0045 section 7.2: nick in
// use, no nick, password, members-only, banned, full room.
func TestMUCEnterErrors(t *testing.T) {
	srv := mucServer(t)
	alice, bob, carol, dave := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2), mucLogin(t, srv, 3)
	alice.create(t, room, "Alice")

	p := bob.joinError(t, room, "Alice", "")
	wantError(t, "nick in use", p.Error, stanza.ErrConflict, stanza.ErrorCancel)
	bob.raw(t, "<presence to='%s'><x xmlns='%s'/></presence>", room, nsMUC)
	p = bob.in.presence(t)
	wantError(t, "no nick", p.Error, stanza.ErrJIDMalformed, stanza.ErrorModify)

	if err := alice.configure(t, room, "muc#roomconfig_passwordprotectedroom", "1", "muc#roomconfig_roomsecret", "s3cret"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	p = bob.joinError(t, room, "Bob", "")
	wantError(t, "no password", p.Error, stanza.ErrNotAuthorized, stanza.ErrorAuth)
	p = bob.joinError(t, room, "Bob", "<password>wrong</password>")
	wantError(t, "wrong password", p.Error, stanza.ErrNotAuthorized, stanza.ErrorAuth)
	bob.join(t, room, "Bob", "<password>s3cret</password>")
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	// Members-only: bob, not a member, goes (322); carol may not enter
	// until she is one.
	if err := alice.configure(t, room, "muc#roomconfig_passwordprotectedroom", "0", "muc#roomconfig_membersonly", "1"); err != nil {
		t.Fatal(err)
	}
	p = bob.presenceFrom(t, nick(room, "Bob"), stanza.PresenceUnavailable)
	if got := codes(p); !slices.Equal(got, []string{"110", "322"}) || !strings.HasPrefix(item(p), "none none") {
		t.Errorf("bob removed with %s", p.Element())
	}
	alice.configChanged(t, room)
	if p := alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceUnavailable); !slices.Equal(codes(p), []string{"322"}) {
		t.Errorf("alice sees %s", p.Element())
	}
	p = carol.joinError(t, room, "Carol", "")
	wantError(t, "members-only", p.Error, stanza.ErrRegistrationRequired, stanza.ErrorAuth)
	if err := alice.admin(t, room, "<item jid='%s' affiliation='member'/>", carol.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	e := carol.join(t, room, "Carol", "")
	if item(e.self) != "member participant "+carol.JID().String() {
		t.Errorf("carol enters as %s", item(e.self))
	}
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)

	// Banned.
	if err := alice.admin(t, room, "<item jid='%s' affiliation='outcast'/>", dave.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	p = dave.joinError(t, room, "Dave", "")
	wantError(t, "banned", p.Error, stanza.ErrForbidden, stanza.ErrorAuth)

	// Full: two occupants at most, but an admin may still enter.
	if err := alice.configure(t, room, "muc#roomconfig_maxusers", "2"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	carol.configChanged(t, room)
	if err := alice.admin(t, room, "<item jid='%s' affiliation='member'/>", bob.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	p = bob.joinError(t, room, "Bob", "")
	wantError(t, "full", p.Error, stanza.ErrServiceUnavailable, stanza.ErrorWait)
	if err := alice.admin(t, room, "<item jid='%s' affiliation='admin'/>", bob.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	if e := bob.join(t, room, "Bob", ""); item(e.self) != "admin moderator "+bob.JID().String() {
		t.Errorf("bob enters as %s", item(e.self))
	}
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	carol.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	quiet(t, alice, bob, carol, dave)
}

// TestMUCHistory covers the discussion history (XEP-0045 section
// 7.2.15): the last 20 messages by default, each delayed from the room,
// and the limits a join request sets.
func TestMUCHistory(t *testing.T) {
	srv := mucServer(t)
	alice, bob := mucLogin(t, srv, 0), mucLogin(t, srv, 1)
	alice.create(t, room, "Alice")
	for i := range 25 {
		id, body := fmt.Sprintf("h%d", i), fmt.Sprintf("m%02d", i)
		alice.groupchat(t, room, id, body)
		alice.reflected(t, nick(room, "Alice"), id, body)
	}
	subject := stanza.NewMessage(stanza.MessageGroupchat, room, "")
	subject.Subjects = []stanza.Text{{Value: "Topic"}}
	send(t, alice.Client, subject)
	if m := alice.in.message(t); m.Subject() != "Topic" || m.From != nick(room, "Alice") {
		t.Fatalf("subject change: %s", m.Element())
	}
	for _, tc := range []struct {
		history     string
		first, last int // of the messages, -1 for none
	}{
		{"", 5, 24},
		{"<history maxstanzas='3'/>", 22, 24},
		{"<history maxstanzas='0'/>", -1, -1},
		{"<history maxchars='0'/>", -1, -1},
		{"<history maxchars='100000'/>", 5, 24},
		{"<history seconds='3600' maxstanzas='5'/>", 20, 24},
		{"<history seconds='0'/>", -1, -1},
		{"<history since='2999-01-01T00:00:00Z'/>", -1, -1},
		{"<history since='2000-01-01T00:00:00Z' maxstanzas='100'/>", 0, 24},
		{"<history maxstanzas='bogus' since='yesterday'/>", 5, 24},
	} {
		e := bob.join(t, room, "Bob", tc.history)
		var bodies []string
		for _, m := range e.history {
			bodies = append(bodies, m.Body())
			d := m.Payloads[len(m.Payloads)-1]
			if m.From != nick(room, "Alice") || d.Name != (stanza.Name{Space: "urn:xmpp:delay", Local: "delay"}) || d.Attr("from") != room.String() || d.Attr("stamp") == "" {
				t.Errorf("history message %s", m.Element())
			}
		}
		var want []string
		for i := tc.first; i >= 0 && i <= tc.last; i++ {
			want = append(want, fmt.Sprintf("m%02d", i))
		}
		if !slices.Equal(bodies, want) {
			t.Errorf("history %q: got %v, want %v", tc.history, bodies, want)
		}
		if e.subject.Subject() != "Topic" || e.subject.From != room {
			t.Errorf("subject %s", e.subject.Element())
		}
		bob.leave(t, room, "Bob")
		alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
		alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceUnavailable)
	}
	quiet(t, alice, bob)
}

// TestMUCGroupchat covers messages to all occupants (XEP-0045 section
// 7.4) and their errors: non-occupants, visitors, rooms that do not exist,
// other message types.
func TestMUCGroupchat(t *testing.T) {
	srv := mucServer(t)
	alice, bob, carol, dave := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2), mucLogin(t, srv, 3)
	alice.create(t, room, "Alice")
	bob.join(t, room, "Bob", "")
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	bob.groupchat(t, room, "g1", "hello")
	for _, o := range []*occ{alice, bob} {
		o.reflected(t, nick(room, "Bob"), "g1", "hello")
	}
	bob.raw(t, "<message to='%s' type='groupchat'><body>no id</body></message>", room)
	for _, o := range []*occ{alice, bob} {
		if m := o.in.message(t); m.ID == "" || m.Body() != "no id" {
			t.Errorf("%s got %s", o.JID(), m.Element())
		}
	}

	carol.groupchat(t, room, "g2", "not in the room")
	wantError(t, "non-occupant", carol.errorMessage(t, room), stanza.ErrNotAcceptable, stanza.ErrorCancel)
	other := jid.MustParse("nowhere@conference.localhost")
	carol.groupchat(t, other, "g3", "no such room")
	wantError(t, "no such room", carol.errorMessage(t, other), stanza.ErrItemNotFound, stanza.ErrorCancel)
	send(t, bob.Client, stanza.NewMessage(stanza.MessageChat, room, "a chat message to the room"))
	wantError(t, "chat to the room", bob.errorMessage(t, room), stanza.ErrBadRequest, stanza.ErrorModify)
	send(t, bob.Client, stanza.NewMessage(stanza.MessageChat, srv.MUC(), "to the service"))
	wantError(t, "to the service", bob.errorMessage(t, srv.MUC()), stanza.ErrServiceUnavailable, stanza.ErrorCancel)

	// Moderated: newcomers without affiliation are visitors.
	if err := alice.configure(t, room, "muc#roomconfig_moderatedroom", "1"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	bob.configChanged(t, room)
	if e := carol.join(t, room, "Carol", ""); item(e.self) != "none visitor "+carol.JID().String() {
		t.Errorf("carol enters as %s", item(e.self))
	}
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	carol.groupchat(t, room, "g4", "may I?")
	wantError(t, "visitor", carol.errorMessage(t, room), stanza.ErrForbidden, stanza.ErrorAuth)

	// The subject (section 8.1): moderators only, unless configured.
	subject := func(o *occ, text string) {
		t.Helper()
		o.raw(t, "<message to='%s' type='groupchat' id='s-%s'><subject>%s</subject></message>", room, text, text)
	}
	subject(bob, "Bobs")
	wantError(t, "participant's subject", bob.errorMessage(t, room), stanza.ErrForbidden, stanza.ErrorAuth)
	subject(alice, "Alices")
	for _, o := range []*occ{alice, bob, carol} {
		if m := o.in.message(t); m.Subject() != "Alices" || m.From != nick(room, "Alice") || m.ID != "s-Alices" {
			t.Errorf("%s got %s", o.JID(), m.Element())
		}
	}
	if e := dave.join(t, room, "Dave", ""); e.subject.Subject() != "Alices" {
		t.Errorf("dave gets subject %s", e.subject.Element())
	}
	for _, o := range []*occ{alice, bob, carol} {
		o.presenceFrom(t, nick(room, "Dave"), stanza.PresenceAvailable)
	}
	if err := alice.configure(t, room, "muc#roomconfig_changesubject", "1"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob, carol, dave} {
		o.configChanged(t, room)
	}
	subject(bob, "Bobs")
	for _, o := range []*occ{alice, bob, carol, dave} {
		if m := o.in.message(t); m.Subject() != "Bobs" || m.From != nick(room, "Bob") {
			t.Errorf("%s got %s", o.JID(), m.Element())
		}
	}
	subject(carol, "Carols")
	wantError(t, "visitor's subject", carol.errorMessage(t, room), stanza.ErrForbidden, stanza.ErrorAuth)
	quiet(t, alice, bob, carol, dave)
}

// TestMUCPrivateMessages covers messages between occupants (XEP-0045
// section 7.5).
func TestMUCPrivateMessages(t *testing.T) {
	srv := mucServer(t)
	alice, bob, carol := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2)
	alice.create(t, room, "Alice")
	bob.join(t, room, "Bob", "")
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	m := stanza.NewMessage(stanza.MessageChat, nick(room, "Bob"), "psst")
	m.ID = "pm1"
	send(t, alice.Client, m)
	got := bob.in.message(t)
	if got.From != nick(room, "Alice") || got.To != bob.JID() || got.Body() != "psst" || got.ID != "pm1" || got.Type != stanza.MessageChat || userX(got.Payloads) == nil {
		t.Errorf("bob got %s", got.Element())
	}
	send(t, bob.Client, stanza.NewMessage(stanza.MessageChat, nick(room, "Alice"), "what?"))
	if got := alice.in.message(t); got.From != nick(room, "Bob") || got.Body() != "what?" {
		t.Errorf("alice got %s", got.Element())
	}

	send(t, alice.Client, stanza.NewMessage(stanza.MessageChat, nick(room, "Nobody"), "hello?"))
	wantError(t, "unknown nick", alice.errorMessage(t, nick(room, "Nobody")), stanza.ErrItemNotFound, stanza.ErrorCancel)
	send(t, alice.Client, stanza.NewMessage(stanza.MessageGroupchat, nick(room, "Bob"), "groupchat to one"))
	wantError(t, "groupchat to a nick", alice.errorMessage(t, nick(room, "Bob")), stanza.ErrBadRequest, stanza.ErrorModify)
	send(t, carol.Client, stanza.NewMessage(stanza.MessageChat, nick(room, "Bob"), "from outside"))
	wantError(t, "non-occupant", carol.errorMessage(t, nick(room, "Bob")), stanza.ErrNotAcceptable, stanza.ErrorCancel)
	quiet(t, alice, bob, carol)
}

// TestMUCNickChange covers changing nick (XEP-0045 section 7.6).
func TestMUCNickChange(t *testing.T) {
	srv := mucServer(t)
	alice, bob := mucLogin(t, srv, 0), mucLogin(t, srv, 1)
	alice.create(t, room, "Alice")
	bob.join(t, room, "Bob", "")
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	bob.raw(t, "<presence to='%s' id='n1'/>", nick(room, "Robert"))
	for _, o := range []*occ{alice, bob} {
		want303, wantNew := []string{"303"}, []string(nil)
		if o == bob {
			want303, wantNew = []string{"110", "303"}, []string{"110"}
		}
		p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceUnavailable)
		if !slices.Equal(codes(p), want303) || !strings.HasSuffix(item(p), " Robert") || p.ID != "n1" {
			t.Errorf("%s: nick change %s", o.JID(), p.Element())
		}
		p = o.presenceFrom(t, nick(room, "Robert"), stanza.PresenceAvailable)
		if !slices.Equal(codes(p), wantNew) || item(p) != "none participant "+bob.JID().String() {
			t.Errorf("%s: new nick %s", o.JID(), p.Element())
		}
	}

	bob.raw(t, "<presence to='%s' id='n2'/>", nick(room, "Alice"))
	p := bob.in.presence(t)
	if p.From != nick(room, "Alice") || p.ID != "n2" {
		t.Errorf("conflict from %s", p.Element())
	}
	wantError(t, "nick in use", p.Error, stanza.ErrConflict, stanza.ErrorCancel)
	bob.groupchat(t, room, "g1", "still Robert")
	alice.reflected(t, nick(room, "Robert"), "g1", "still Robert")
	bob.reflected(t, nick(room, "Robert"), "g1", "still Robert")
	quiet(t, alice, bob)
}

// TestMUCLeave covers leaving (XEP-0045 section 7.14), by unavailable
// presence to the room, by broadcast unavailable presence and by the
// session's end, and the end of temporary rooms left empty.
func TestMUCLeave(t *testing.T) {
	srv := mucServer(t)
	alice, bob, carol, dave := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2), mucLogin(t, srv, 3)
	alice.create(t, room, "Alice")
	for _, o := range []*occ{bob, carol, dave} {
		n := o.JID().Localpart()
		o.join(t, room, n, "")
		alice.presenceFrom(t, nick(room, n), stanza.PresenceAvailable)
	}
	bob.presenceFrom(t, nick(room, "carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "dave"), stanza.PresenceAvailable)
	carol.presenceFrom(t, nick(room, "dave"), stanza.PresenceAvailable)

	bob.raw(t, "<presence to='%s' type='unavailable'><status>bye</status></presence>", nick(room, "bob"))
	p := bob.presenceFrom(t, nick(room, "bob"), stanza.PresenceUnavailable)
	if !slices.Equal(codes(p), []string{"110"}) || p.Status() != "bye" || item(p) != "none none "+bob.JID().String() {
		t.Errorf("bob leaving: %s", p.Element())
	}
	for _, o := range []*occ{alice, carol, dave} {
		if p := o.presenceFrom(t, nick(room, "bob"), stanza.PresenceUnavailable); p.Status() != "bye" || len(codes(p)) != 0 {
			t.Errorf("%s sees %s", o.JID(), p.Element())
		}
	}

	// Broadcast unavailable presence leaves every room.
	dave.raw(t, "<presence type='unavailable'><status>offline</status></presence>")
	dave.presenceFrom(t, nick(room, "dave"), stanza.PresenceUnavailable)
	for _, o := range []*occ{alice, carol} {
		if p := o.presenceFrom(t, nick(room, "dave"), stanza.PresenceUnavailable); p.Status() != "offline" {
			t.Errorf("%s sees %s", o.JID(), p.Element())
		}
	}
	// So does the end of the session.
	carol.Close()
	alice.presenceFrom(t, nick(room, "carol"), stanza.PresenceUnavailable)

	// Empty and temporary: gone. A new room of that name is created.
	alice.leave(t, room, "Alice")
	_, err := bob.iq(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "disco#info of a room gone", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	bob.create(t, room, "bob", "muc#roomconfig_persistentroom", "1")
	bob.leave(t, room, "bob")
	// Persistent: kept, and bob still owns it.
	if e := alice.join(t, room, "Alice", ""); len(codes(e.self)) != 1 || item(e.self) != "none participant "+alice.JID().String() {
		t.Errorf("alice enters the persistent room: %s", e.self.Element())
	}
	quiet(t, alice, bob)
}

// threeInRoom starts a Server where alice has created room (as Alice,
// its owner) and bob and carol have entered it (as Bob and Carol), with
// every inbox read.
func threeInRoom(t *testing.T) (srv *xmpptest.Server, alice, bob, carol, dave *occ) {
	t.Helper()
	srv = mucServer(t)
	alice, bob, carol, dave = mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2), mucLogin(t, srv, 3)
	alice.create(t, room, "Alice")
	bob.join(t, room, "Bob", "")
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	carol.join(t, room, "Carol", "")
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	return srv, alice, bob, carol, dave
}

// actorReason returns the actor nick and the reason of the item of p.
func actorReason(p *stanza.Presence) (actor, reason string) {
	x := userX(p.Payloads)
	if x == nil || x.Child(nsMUCUser, "item") == nil {
		return "", ""
	}
	it := x.Child(nsMUCUser, "item")
	if a := it.Child(nsMUCUser, "actor"); a != nil {
		actor = a.Attr("nick")
	}
	return actor, it.ChildText(nsMUCUser, "reason")
}

// TestMUCRoles covers kicking and voice, moderator status and the role
// lists (XEP-0045 sections 8.2 to 8.5, 9.6 and 9.7), and who may.
func TestMUCRoles(t *testing.T) {
	_, alice, bob, carol, _ := threeInRoom(t)

	err := bob.admin(t, room, "<item nick='Carol' role='none'/>")
	wantError(t, "kick by a participant", stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)

	if err := alice.admin(t, room, "<item nick='Carol' role='none'><reason>spam</reason></item>"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{carol, alice, bob} {
		p := o.presenceFrom(t, nick(room, "Carol"), stanza.PresenceUnavailable)
		want, wantItem := []string{"307"}, "none none"
		switch o {
		case carol:
			want, wantItem = []string{"110", "307"}, "none none "+carol.JID().String()
		case alice:
			wantItem = "none none " + carol.JID().String() // a moderator
		}
		actor, reason := actorReason(p)
		if !slices.Equal(codes(p), want) || item(p) != wantItem || actor != "Alice" || reason != "spam" {
			t.Errorf("%s: kick %s", o.JID(), p.Element())
		}
	}

	// Voice.
	if err := alice.admin(t, room, "<item nick='Bob' role='visitor'/>"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); !strings.HasPrefix(item(p), "none visitor") {
			t.Errorf("%s: devoiced %s", o.JID(), p.Element())
		}
	}
	bob.groupchat(t, room, "v1", "can I speak?")
	wantError(t, "visitor", bob.errorMessage(t, room), stanza.ErrForbidden, stanza.ErrorAuth)
	if err := alice.admin(t, room, "<item nick='Bob' role='participant'/>"); err != nil {
		t.Fatal(err)
	}
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	// Moderator status: given by admins and owners only; a moderator
	// who is not one may not touch an owner; an owner keeps voice.
	err = bob.admin(t, room, "<item nick='Bob' role='moderator'/>")
	wantError(t, "self-promotion", stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)
	if err := alice.admin(t, room, "<item nick='Bob' role='moderator'/>"); err != nil {
		t.Fatal(err)
	}
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	if p := bob.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); !strings.HasPrefix(item(p), "none moderator") {
		t.Errorf("bob promoted: %s", p.Element())
	}
	err = bob.admin(t, room, "<item nick='Alice' role='none'/>")
	wantError(t, "kicking the owner", stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)
	err = alice.admin(t, room, "<item nick='Alice' role='visitor'/>")
	wantError(t, "devoicing an owner", stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)

	got, err := bob.list(t, room, "role='moderator'")
	if want := []string{"owner moderator " + alice.JID().String() + " Alice", "none moderator " + bob.JID().String() + " Bob"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("moderators %q, %v; want %q", got, err, want)
	}
	carol.join(t, room, "Carol", "")
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	_, err = carol.list(t, room, "role='participant'")
	wantError(t, "role list by a participant", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)

	for _, tc := range []struct{ items, what string }{
		{"<item nick='Nobody' role='none'/>", "unknown nick"},
		{"<item nick='Carol' role='king'/>", "unknown role"},
		{"<item nick='Carol' role='none' affiliation='none'/>", "role and affiliation"},
		{"<item nick='Carol'/>", "neither"},
		{"", "no item"},
	} {
		err := alice.admin(t, room, "%s", tc.items)
		want := stanza.ErrBadRequest
		if tc.what == "unknown nick" {
			want = stanza.ErrItemNotFound
		}
		if se := stanzaError(t, err); se.Condition != want {
			t.Errorf("%s: %v, want %s", tc.what, err, want)
		}
	}
	quiet(t, alice, bob, carol)
}

// TestMUCAffiliations covers the affiliation lists and their changes
// (XEP-0045 sections 9.1 to 9.5, 10.3 to 10.7), and who may change them.
func TestMUCAffiliations(t *testing.T) {
	_, alice, bob, carol, dave := threeInRoom(t)

	err := bob.admin(t, room, "<item jid='%s' affiliation='member'/>", carol.JID().Bare())
	wantError(t, "member by a participant", stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)
	_, err = bob.list(t, room, "affiliation='member'")
	wantError(t, "member list by a participant", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)

	if err := alice.admin(t, room, "<item jid='%s' affiliation='member'/>", bob.JID()); err != nil { // a full JID counts as its bare one
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob, carol} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); !strings.HasPrefix(item(p), "member participant") {
			t.Errorf("%s: member %s", o.JID(), p.Element())
		}
	}
	if got, err := alice.list(t, room, "affiliation='member'"); err != nil || !slices.Equal(got, []string{"member  " + bob.JID().Bare().String() + " Bob"}) {
		t.Errorf("members %q, %v", got, err)
	}

	// An admin is a moderator, may ban, but may not touch owners or admins.
	if err := alice.admin(t, room, "<item jid='%s' affiliation='admin'/>", bob.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob, carol} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); !strings.HasPrefix(item(p), "admin moderator") {
			t.Errorf("%s: admin %s", o.JID(), p.Element())
		}
	}
	for _, items := range []string{
		fmt.Sprintf("<item jid='%s' affiliation='owner'/>", carol.JID().Bare()),
		fmt.Sprintf("<item jid='%s' affiliation='admin'/>", carol.JID().Bare()),
		fmt.Sprintf("<item jid='%s' affiliation='outcast'/>", alice.JID().Bare()),
		fmt.Sprintf("<item jid='%s' affiliation='member'/>", bob.JID().Bare()),
	} {
		err := bob.admin(t, room, "%s", items)
		wantError(t, "admin: "+items, stanzaError(t, err), stanza.ErrNotAllowed, stanza.ErrorCancel)
	}
	if err := bob.admin(t, room, "<item nick='Carol' affiliation='outcast'><reason>troll</reason></item>"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{carol, alice, bob} {
		p := o.presenceFrom(t, nick(room, "Carol"), stanza.PresenceUnavailable)
		want := []string{"301"}
		if o == carol {
			want = []string{"110", "301"}
		}
		actor, reason := actorReason(p)
		if !slices.Equal(codes(p), want) || !strings.HasPrefix(item(p), "outcast none") || actor != "Bob" || reason != "troll" {
			t.Errorf("%s: ban %s", o.JID(), p.Element())
		}
	}
	if got, err := bob.list(t, room, "affiliation='outcast'"); err != nil || !slices.Equal(got, []string{"outcast  " + carol.JID().Bare().String() + " "}) {
		t.Errorf("outcasts %q, %v", got, err)
	}
	if got, err := bob.list(t, room, "affiliation='admin'"); err != nil || len(got) != 1 {
		t.Errorf("admins %q, %v", got, err)
	}
	_, err = bob.list(t, room, "affiliation='owner'")
	wantError(t, "owner list by an admin", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)
	p := carol.joinError(t, room, "Carol", "")
	wantError(t, "banned", p.Error, stanza.ErrForbidden, stanza.ErrorAuth)
	if err := bob.admin(t, room, "<item jid='%s' affiliation='none'/>", carol.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	carol.join(t, room, "Carol", "")
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)

	// Owners: never none left; nobody bans themselves.
	err = alice.admin(t, room, "<item jid='%s' affiliation='admin'/>", alice.JID().Bare())
	wantError(t, "the last owner", stanzaError(t, err), stanza.ErrConflict, stanza.ErrorCancel)
	err = alice.admin(t, room, "<item jid='%s' affiliation='outcast'/>", alice.JID().Bare())
	wantError(t, "banning oneself", stanzaError(t, err), stanza.ErrConflict, stanza.ErrorCancel)
	if err := alice.admin(t, room, "<item jid='%s' affiliation='owner'/>", dave.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	if got, err := alice.list(t, room, "affiliation='owner'"); err != nil || len(got) != 2 {
		t.Errorf("owners %q, %v", got, err)
	}
	if err := alice.admin(t, room, "<item jid='%s' affiliation='admin'/>", alice.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{alice, bob, carol} {
		if p := o.presenceFrom(t, nick(room, "Alice"), stanza.PresenceAvailable); !strings.HasPrefix(item(p), "admin moderator") {
			t.Errorf("%s: alice now %s", o.JID(), p.Element())
		}
	}

	// Members-only: losing membership means leaving (321).
	if err := dave.configure(t, room, "muc#roomconfig_membersonly", "1"); err != nil {
		t.Fatal(err)
	}
	carol.presenceFrom(t, nick(room, "Carol"), stanza.PresenceUnavailable) // 322
	for _, o := range []*occ{alice, bob} {
		o.configChanged(t, room)
		o.presenceFrom(t, nick(room, "Carol"), stanza.PresenceUnavailable)
	}
	if err := dave.admin(t, room, "<item jid='%s' affiliation='none'/>", bob.JID().Bare()); err != nil {
		t.Fatal(err)
	}
	for _, o := range []*occ{bob, alice} {
		if p := o.presenceFrom(t, nick(room, "Bob"), stanza.PresenceUnavailable); !slices.Contains(codes(p), "321") {
			t.Errorf("%s: %s", o.JID(), p.Element())
		}
	}

	for _, tc := range []struct {
		items string
		want  stanza.Condition
	}{
		{"<item jid='not a jid@@' affiliation='member'/>", stanza.ErrJIDMalformed},
		{"<item affiliation='member'/>", stanza.ErrBadRequest},
		{"<item jid='x@localhost' affiliation='emperor'/>", stanza.ErrBadRequest},
	} {
		if se := stanzaError(t, dave.admin(t, room, "%s", tc.items)); se.Condition != tc.want {
			t.Errorf("%s: %v, want %s", tc.items, se, tc.want)
		}
	}
	for _, attr := range []string{"affiliation='none'", "affiliation='emperor'", "role='none'", "", "affiliation='member' role='visitor'"} {
		_, err := dave.list(t, room, attr)
		wantError(t, "list "+attr, stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)
	}
	quiet(t, alice, bob, carol, dave)
}

// TestMUCOwner covers the configuration form (XEP-0045 sections 10.1 and
// 10.2): who may, what it holds, how it is checked and what it changes.
func TestMUCOwner(t *testing.T) {
	srv := mucServer(t)
	alice, bob := mucLogin(t, srv, 0), mucLogin(t, srv, 1)
	alice.create(t, room, "Alice")

	res := alice.mustIQ(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsMUCOwner)
	x := res.Payload.Child(nsData, "x")
	if x == nil || x.Attr("type") != "form" {
		t.Fatalf("configuration form: %s", res.Payload)
	}
	fields := map[string]string{}
	for f := range x.Children() {
		if f.Name.Local == "field" {
			fields[f.Attr("var")] = f.ChildText(nsData, "value")
		}
	}
	want := map[string]string{
		"FORM_TYPE":                            nsMUC + "#roomconfig",
		"muc#roomconfig_roomname":              "",
		"muc#roomconfig_roomdesc":              "",
		"muc#roomconfig_persistentroom":        "0",
		"muc#roomconfig_publicroom":            "1",
		"muc#roomconfig_membersonly":           "0",
		"muc#roomconfig_moderatedroom":         "0",
		"muc#roomconfig_passwordprotectedroom": "0",
		"muc#roomconfig_roomsecret":            "",
		"muc#roomconfig_whois":                 "moderators",
		"muc#roomconfig_maxusers":              "none",
		"muc#roomconfig_changesubject":         "0",
		"muc#roomconfig_allowinvites":          "0",
	}
	for k, v := range want {
		if got, ok := fields[k]; !ok || got != v {
			t.Errorf("field %s = %q (%v), want %q", k, got, ok, v)
		}
	}

	_, err := bob.iq(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsMUCOwner)
	wantError(t, "form for a non-owner", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)
	err = bob.configure(t, room, "muc#roomconfig_roomname", "Bob's")
	wantError(t, "configuration by a non-owner", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)
	err = alice.configure(t, room, "muc#roomconfig_passwordprotectedroom", "1")
	wantError(t, "password-protected without a password", stanzaError(t, err), stanza.ErrNotAcceptable, stanza.ErrorModify)
	for _, f := range [][]string{
		{"muc#roomconfig_persistentroom", "maybe"},
		{"muc#roomconfig_whois", "everybody"},
		{"muc#roomconfig_maxusers", "-3"},
	} {
		err = alice.configure(t, room, f...)
		wantError(t, "bad value "+f[1], stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)
	}
	for _, payload := range []string{
		"<query xmlns='%s#owner'/>",
		"<query xmlns='%s#owner'><x xmlns='jabber:x:data' type='result'/></query>",
		"<query xmlns='%s#owner'><unknown/></query>",
	} {
		_, err := alice.iq(t, stanza.IQSet, room, payload, nsMUC)
		wantError(t, "owner set "+payload, stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)
	}
	alice.in.empty(t) // refused: no change, no notice

	if err := alice.configure(t, room, "muc#roomconfig_roomname", "The Room", "muc#roomconfig_roomdesc", "for tests",
		"muc#roomconfig_publicroom", "false", "muc#roomconfig_maxusers", "30", "unknown#field", "ignored"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	res = alice.mustIQ(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsMUCOwner)
	for f := range res.Payload.Child(nsData, "x").Children() {
		v := f.ChildText(nsData, "value")
		switch f.Attr("var") {
		case "muc#roomconfig_roomname":
			if v != "The Room" {
				t.Errorf("name %q", v)
			}
		case "muc#roomconfig_publicroom":
			if v != "0" {
				t.Errorf("public %q", v)
			}
		case "muc#roomconfig_maxusers":
			if v != "30" {
				t.Errorf("maxusers %q", v)
			}
		}
	}

	// Cancelling changes nothing in a room already configured; in a new
	// room, it destroys the room.
	alice.mustIQ(t, stanza.IQSet, room, "<query xmlns='%s'><x xmlns='%s' type='cancel'/></query>", nsMUCOwner, nsData)
	other := jid.MustParse("other@conference.localhost")
	bob.join(t, other, "Bob", "")
	bob.mustIQ(t, stanza.IQSet, other, "<query xmlns='%s'><x xmlns='%s' type='cancel'/></query>", nsMUCOwner, nsData)
	if p := bob.presenceFrom(t, nick(other, "Bob"), stanza.PresenceUnavailable); userX(p.Payloads).Child(nsMUCUser, "destroy") == nil {
		t.Errorf("cancelled creation: %s", p.Element())
	}
	_, err = bob.iq(t, stanza.IQGet, other, "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "room cancelled", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	quiet(t, alice, bob)
}

// TestMUCDestroy covers destroying a room (XEP-0045 section 10.9).
func TestMUCDestroy(t *testing.T) {
	_, alice, bob, carol, _ := threeInRoom(t)
	destroy := "<query xmlns='%s'><destroy jid='%s'><reason>moving</reason></destroy></query>"
	_, err := bob.iq(t, stanza.IQSet, room, destroy, nsMUCOwner, "new@conference.localhost")
	wantError(t, "destroy by a non-owner", stanzaError(t, err), stanza.ErrForbidden, stanza.ErrorAuth)
	alice.mustIQ(t, stanza.IQSet, room, destroy, nsMUCOwner, "new@conference.localhost")
	for _, o := range []*occ{alice, bob, carol} {
		n := map[*occ]string{alice: "Alice", bob: "Bob", carol: "Carol"}[o]
		p := o.presenceFrom(t, nick(room, n), stanza.PresenceUnavailable)
		d := userX(p.Payloads).Child(nsMUCUser, "destroy")
		if item(p) != "none none "+o.JID().String() || d == nil || d.Attr("jid") != "new@conference.localhost" || d.ChildText(nsMUCUser, "reason") != "moving" {
			t.Errorf("%s: destroyed %s", o.JID(), p.Element())
		}
	}
	_, err = bob.iq(t, stanza.IQGet, room, "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "destroyed room", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	quiet(t, alice, bob, carol)
}

// invitation reads the next stanza of o, which must be a message from r
// with a muc#user child named local, and returns that child and the
// room's password in it, if any.
func (o *occ) invitation(t *testing.T, r jid.JID, local string) (el *stanza.Element, password string) {
	t.Helper()
	m := o.in.message(t)
	x := userX(m.Payloads)
	if m.From != r || m.To.Bare() != o.JID().Bare() || x == nil || x.Child(nsMUCUser, local) == nil {
		t.Fatalf("%s: got %s, want a %s from %s", o.JID(), m.Element(), local, r)
	}
	return x.Child(nsMUCUser, local), x.ChildText(nsMUCUser, "password")
}

// TestMUCInvitations covers mediated invitations and declines (XEP-0045
// section 7.8.2), with the room's password and in members-only rooms.
func TestMUCInvitations(t *testing.T) {
	srv := mucServer(t)
	alice, bob, carol, dave := mucLogin(t, srv, 0), mucLogin(t, srv, 1), mucLogin(t, srv, 2), mucLogin(t, srv, 3)
	send(t, dave.Client, presence(0)) // available: invitations to the bare JID reach it
	dave.presenceFrom(t, dave.JID(), stanza.PresenceAvailable)
	alice.create(t, room, "Alice", "muc#roomconfig_passwordprotectedroom", "1", "muc#roomconfig_roomsecret", "pw")
	invite := "<message to='%s'><x xmlns='%s'><invite to='%s'><reason>%s</reason></invite></x></message>"

	alice.raw(t, invite, room, nsMUCUser, dave.JID().Bare(), "join us")
	inv, pw := dave.invitation(t, room, "invite")
	if inv.Attr("from") != alice.JID().String() || inv.ChildText(nsMUCUser, "reason") != "join us" || pw != "pw" {
		t.Errorf("invitation %s, password %q", inv, pw)
	}
	dave.raw(t, "<message to='%s'><x xmlns='%s'><decline to='%s'><reason>busy</reason></decline></x></message>", room, nsMUCUser, alice.JID())
	dec, _ := alice.invitation(t, room, "decline")
	if dec.Attr("from") != dave.JID().String() || dec.ChildText(nsMUCUser, "reason") != "busy" {
		t.Errorf("decline %s", dec)
	}

	bob.raw(t, invite, room, nsMUCUser, dave.JID().Bare(), "from outside")
	wantError(t, "invitation from a non-occupant", bob.errorMessage(t, room), stanza.ErrNotAcceptable, stanza.ErrorCancel)
	alice.raw(t, invite, room, nsMUCUser, "@@", "bad address")
	wantError(t, "invitation to a bad address", alice.errorMessage(t, room), stanza.ErrJIDMalformed, stanza.ErrorModify)
	dave.raw(t, "<message to='%s'><x xmlns='%s'><decline/></x></message>", room, nsMUCUser)
	wantError(t, "decline to nobody", dave.errorMessage(t, room), stanza.ErrJIDMalformed, stanza.ErrorModify)

	// Members-only: an owner's invitation makes a member; a member may
	// invite only if the room allows it.
	if err := alice.configure(t, room, "muc#roomconfig_passwordprotectedroom", "0", "muc#roomconfig_membersonly", "1"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	carol.raw(t, "<presence/>")
	carol.presenceFrom(t, carol.JID(), stanza.PresenceAvailable)
	alice.raw(t, invite, room, nsMUCUser, bob.JID(), "members only")
	if _, pw := bob.invitation(t, room, "invite"); pw != "" {
		t.Errorf("password %q in an unprotected room", pw)
	}
	if e := bob.join(t, room, "Bob", ""); !strings.HasPrefix(item(e.self), "member participant") {
		t.Errorf("bob enters as %s", item(e.self))
	}
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	bob.raw(t, invite, room, nsMUCUser, carol.JID().Bare(), "a member's")
	wantError(t, "invitation by a member", bob.errorMessage(t, room), stanza.ErrForbidden, stanza.ErrorAuth)
	if err := alice.configure(t, room, "muc#roomconfig_allowinvites", "1"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	bob.configChanged(t, room)
	bob.raw(t, invite, room, nsMUCUser, carol.JID().Bare(), "a member's")
	if inv, _ := carol.invitation(t, room, "invite"); inv.Attr("from") != bob.JID().String() {
		t.Errorf("invitation %s", inv)
	}
	carol.join(t, room, "Carol", "")
	alice.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	bob.presenceFrom(t, nick(room, "Carol"), stanza.PresenceAvailable)
	quiet(t, alice, bob, carol, dave)
}

// discoOf returns the identities, features and form fields (var=value)
// of the disco#info of to.
func (o *occ) discoOf(t *testing.T, to jid.JID) (ids, features, fields []string) {
	t.Helper()
	res := o.mustIQ(t, stanza.IQGet, to, "<query xmlns='%s'/>", nsDiscoInfo)
	for e := range res.Payload.Children() {
		switch e.Name.Local {
		case "identity":
			ids = append(ids, e.Attr("category")+"/"+e.Attr("type")+"/"+e.Attr("name"))
		case "feature":
			features = append(features, e.Attr("var"))
		case "x":
			for f := range e.Children() {
				fields = append(fields, f.Attr("var")+"="+f.ChildText(nsData, "value"))
			}
		}
	}
	slices.Sort(features)
	return ids, features, fields
}

// items returns the disco#items of to, each as "jid name".
func (o *occ) items(t *testing.T, to jid.JID) []string {
	t.Helper()
	res := o.mustIQ(t, stanza.IQGet, to, "<query xmlns='%s'/>", nsDiscoItem)
	var out []string
	for e := range res.Payload.Children() {
		out = append(out, e.Attr("jid")+" "+e.Attr("name"))
	}
	return out
}

// TestMUCDisco covers service discovery of the service and its rooms
// (XEP-0045 sections 6.1 to 6.4).
func TestMUCDisco(t *testing.T) {
	srv := mucServer(t)
	alice, bob := mucLogin(t, srv, 0), mucLogin(t, srv, 1)
	service := srv.MUC()
	if got := alice.items(t, jid.MustParse("localhost")); !slices.Equal(got, []string{"conference.localhost Chatrooms"}) {
		t.Errorf("disco#items of the server: %v", got)
	}
	ids, features, _ := alice.discoOf(t, service)
	if !slices.Equal(ids, []string{"conference/text/Chatrooms"}) || !slices.Contains(features, nsMUC) {
		t.Errorf("disco#info of the service: %v %v", ids, features)
	}
	alice.mustIQ(t, stanza.IQGet, service, "<ping xmlns='urn:xmpp:ping'/>")
	_, err := alice.iq(t, stanza.IQGet, service, "<query xmlns='jabber:iq:version'/>")
	wantError(t, "version of the service", stanzaError(t, err), stanza.ErrServiceUnavailable, stanza.ErrorCancel)
	_, err = alice.iq(t, stanza.IQGet, service, "<query xmlns='%s' node='x'/>", nsDiscoInfo)
	wantError(t, "disco#info node", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)

	alice.join(t, room, "Alice", "")
	if got := alice.items(t, service); len(got) != 0 {
		t.Errorf("a locked room is listed: %v", got)
	}
	alice.configure(t, room)
	hidden := jid.MustParse("hidden@conference.localhost")
	bob.create(t, hidden, "Bob", "muc#roomconfig_publicroom", "0")
	named := jid.MustParse("named@conference.localhost")
	bob.create(t, named, "Bob", "muc#roomconfig_roomname", "A Name")
	if got, want := bob.items(t, service), []string{"named@conference.localhost A Name", "room@conference.localhost room"}; !slices.Equal(got, want) {
		t.Errorf("disco#items of the service: %v, want %v", got, want)
	}

	ids, features, fields := bob.discoOf(t, room)
	wantFeatures := []string{nsDiscoInfo, nsMUC, nsMUC + "#self-ping-optimization", "jabber:iq:register", nsMUC + "#request", "muc_open", "muc_public", "muc_semianonymous", "muc_temporary", "muc_unmoderated", "muc_unsecured", "urn:xmpp:ping"}
	slices.Sort(wantFeatures)
	if !slices.Equal(ids, []string{"conference/text/room"}) || !slices.Equal(features, wantFeatures) {
		t.Errorf("disco#info of the room: %v %v", ids, features)
	}
	for _, f := range []string{"FORM_TYPE=" + nsMUC + "#roominfo", "muc#roominfo_occupants=1", "muc#roominfo_subject=", "muc#roomconfig_roomname=room"} {
		if !slices.Contains(fields, f) {
			t.Errorf("room info %v lacks %s", fields, f)
		}
	}
	if err := alice.configure(t, room, "muc#roomconfig_membersonly", "1", "muc#roomconfig_moderatedroom", "1",
		"muc#roomconfig_passwordprotectedroom", "1", "muc#roomconfig_roomsecret", "x", "muc#roomconfig_persistentroom", "1",
		"muc#roomconfig_publicroom", "0", "muc#roomconfig_whois", "anyone", "muc#roomconfig_roomname", "Renamed"); err != nil {
		t.Fatal(err)
	}
	alice.configChanged(t, room)
	ids, features, _ = bob.discoOf(t, room)
	wantFeatures = []string{nsDiscoInfo, nsMUC, nsMUC + "#self-ping-optimization", "jabber:iq:register", nsMUC + "#request", "muc_membersonly", "muc_hidden", "muc_nonanonymous", "muc_persistent", "muc_moderated", "muc_passwordprotected", "urn:xmpp:ping"}
	slices.Sort(wantFeatures)
	if !slices.Equal(ids, []string{"conference/text/Renamed"}) || !slices.Equal(features, wantFeatures) {
		t.Errorf("disco#info of the configured room: %v %v", ids, features)
	}
	if got := bob.items(t, room); len(got) != 0 {
		t.Errorf("disco#items of the room: %v", got)
	}
	_, err = bob.iq(t, stanza.IQGet, jid.MustParse("nowhere@conference.localhost"), "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "no such room", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	_, err = bob.iq(t, stanza.IQGet, room, "<query xmlns='urn:xmpp:mam:2'/>")
	wantError(t, "archive of the room", stanzaError(t, err), stanza.ErrServiceUnavailable, stanza.ErrorCancel)
	quiet(t, alice, bob)
}

// TestMUCSelfPing covers self-pings (XEP-0410), the relaying of IQs
// between occupants, and DropOccupant, which makes a ghost of an
// occupant.
func TestMUCSelfPing(t *testing.T) {
	srv, alice, bob, carol, dave := threeInRoom(t)

	if err := bob.Ping(ctx(t), nick(room, "Bob")); err != nil {
		t.Errorf("self-ping: %v", err)
	}
	err := dave.Ping(ctx(t), nick(room, "Bob"))
	wantError(t, "self-ping of a non-occupant", stanzaError(t, err), stanza.ErrNotAcceptable, stanza.ErrorCancel)
	_, err = dave.iq(t, stanza.IQGet, nick(room, "Bob"), "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "disco#info from a non-occupant", stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)

	// IQs between occupants go through, both ways, from occupant
	// addresses.
	res := bob.mustIQ(t, stanza.IQGet, nick(room, "Alice"), "<query xmlns='urn:example:echo'/>")
	if res.From != nick(room, "Alice") || res.Payload.Attr("from") != nick(room, "Bob").String() {
		t.Errorf("relayed IQ: %s", res.Element())
	}
	if err := bob.Ping(ctx(t), nick(room, "Carol")); err != nil {
		t.Errorf("ping of another occupant: %v", err)
	}
	_, err = bob.iq(t, stanza.IQGet, nick(room, "Nobody"), "<query xmlns='urn:example:echo'/>")
	wantError(t, "IQ to an unknown nick", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)

	// A ghost: bob believes he is in the room; nobody else does.
	if err := srv.DropOccupant(room, "Bob"); err != nil {
		t.Fatal(err)
	}
	err = bob.Ping(ctx(t), nick(room, "Bob"))
	wantError(t, "self-ping of a ghost", stanzaError(t, err), stanza.ErrNotAcceptable, stanza.ErrorCancel)
	alice.groupchat(t, room, "g1", "is bob there?")
	alice.reflected(t, nick(room, "Alice"), "g1", "is bob there?")
	carol.reflected(t, nick(room, "Alice"), "g1", "is bob there?")
	quiet(t, alice, bob, carol)
	for _, tc := range []struct {
		room jid.JID
		nick string
	}{{room, "Bob"}, {room, ""}, {jid.MustParse("nowhere@conference.localhost"), "Bob"}} {
		if err := srv.DropOccupant(tc.room, tc.nick); err == nil {
			t.Errorf("DropOccupant(%s, %q) succeeded", tc.room, tc.nick)
		}
	}
	// The client finds out and enters again.
	if e := bob.join(t, room, "Bob", "<history maxstanzas='0'/>"); len(e.others) != 2 {
		t.Errorf("bob enters again and sees %d others", len(e.others))
	}
	alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	carol.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)

	// Dropping the last occupant of a temporary room ends the room.
	lonely := jid.MustParse("lonely@conference.localhost")
	dave.create(t, lonely, "Dave")
	if err := srv.DropOccupant(lonely, "Dave"); err != nil {
		t.Fatal(err)
	}
	_, err = dave.iq(t, stanza.IQGet, lonely, "<query xmlns='%s'/>", nsDiscoInfo)
	wantError(t, "room of a ghost", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	quiet(t, alice, bob, carol, dave)
}

// TestMUCBadInput sends the service what it must refuse or ignore
// without harm: addresses it has nothing at, stanzas of the wrong type,
// missing and malformed attributes.
func TestMUCBadInput(t *testing.T) {
	srv, alice, bob, _, dave := threeInRoom(t)
	service := srv.MUC()
	withRes := jid.MustParse("conference.localhost/res")

	_, err := dave.iq(t, stanza.IQGet, withRes, "<ping xmlns='urn:xmpp:ping'/>")
	wantError(t, "IQ to the service with a resource", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	_, err = dave.iq(t, stanza.IQGet, jid.MustParse("nowhere@conference.localhost/x"), "<ping xmlns='urn:xmpp:ping'/>")
	wantError(t, "IQ to a nick of no room", stanzaError(t, err), stanza.ErrItemNotFound, stanza.ErrorCancel)
	_, err = dave.iq(t, stanza.IQSet, room, "<query xmlns='%s'/>", nsMUCAdmin)
	wantError(t, "admin set from outside", stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)
	_, err = alice.iq(t, stanza.IQSet, room, "<query xmlns='%s'><item/></query>", nsMUCAdmin)
	wantError(t, "an empty item", stanzaError(t, err), stanza.ErrBadRequest, stanza.ErrorModify)

	// Ignored: presence to the service, unavailable presence from
	// outside or to no room, results and errors for the service and
	// rooms, errors for occupants from outside, subscriptions.
	for _, x := range []string{
		"<presence to='conference.localhost'/>",
		"<presence to='conference.localhost/res'/>",
		"<presence to='room@conference.localhost/Bob' type='unavailable'/>",
		"<presence to='nowhere@conference.localhost/x' type='unavailable'/>",
		"<presence to='room@conference.localhost/Bob' type='probe'/>",
		"<presence to='room@conference.localhost' type='subscribe'/>",
		"<presence to='room@conference.localhost/Bob' type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>",
		"<iq to='conference.localhost' type='result' id='r1'/>",
		"<iq to='room@conference.localhost' type='error' id='r2'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
		"<iq to='room@conference.localhost/Bob' type='result' id='r3'/>",
		"<message to='conference.localhost' type='groupchat'><body>x</body></message>",
		"<message to='room@conference.localhost' type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
		"<message to='nowhere@conference.localhost' type='error'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
	} {
		dave.raw(t, "%s", x)
	}
	// An occupant's error for another is relayed, without an <x/>.
	bob.raw(t, "<message to='%s' type='error' id='e1'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>", nick(room, "Alice"))
	if m := alice.in.message(t); m.Type != stanza.MessageError || m.From != nick(room, "Bob") || userX(m.Payloads) != nil {
		t.Errorf("relayed error %s", m.Element())
	}
	// Presence sent to the room itself is the occupant's presence.
	bob.raw(t, "<presence to='%s'><show>away</show></presence>", room)
	if p := alice.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable); p.Show != stanza.ShowAway {
		t.Errorf("alice sees %s", p.Element())
	}
	bob.presenceFrom(t, nick(room, "Bob"), stanza.PresenceAvailable)
	quiet(t, alice, bob, dave)
	if err := alice.Ping(ctx(t), service); err != nil {
		t.Errorf("the service is gone: %v", err)
	}
}
