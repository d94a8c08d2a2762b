package muc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/muc"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// waitTimeout bounds every wait of these tests.
const waitTimeout = 20 * time.Second

// timeout returns a context that ends after waitTimeout or with t.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// occupant is one test user: a Client with its Rooms, recording what the
// rooms hand it.
type occupant struct {
	name  string
	c     *xmpp.Client
	rooms *muc.Rooms

	mu       sync.Mutex
	messages []*muc.Message
	events   []muc.Event
	invites  []muc.Invite
	declines []muc.Decline
	changed  chan struct{}
}

// note signals a change to whoever waits.
func (o *occupant) note() {
	select {
	case o.changed <- struct{}{}:
	default:
	}
}

// until waits until cond, checked under o.mu, holds.
func (o *occupant) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx := timeout(t)
	for {
		o.mu.Lock()
		ok := cond()
		o.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-o.changed:
		case <-ctx.Done():
			o.mu.Lock()
			defer o.mu.Unlock()
			t.Fatalf("%s: waited in vain for %s; events %v", o.name, what, eventKinds(o.events))
		}
	}
}

func eventKinds(evs []muc.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%v(%s)", e.Kind, e.Occupant.Nick))
	}
	return out
}

// event waits for an event of kind about nick.
func (o *occupant) event(t *testing.T, kind muc.EventKind, nick string) muc.Event {
	t.Helper()
	var ev muc.Event
	o.until(t, fmt.Sprintf("%v of %q", kind, nick), func() bool {
		for _, e := range o.events {
			if e.Kind == kind && (nick == "" || e.Occupant.Nick == nick) {
				ev = e
				return true
			}
		}
		return false
	})
	return ev
}

// message waits for a message with body.
func (o *occupant) message(t *testing.T, body string) *muc.Message {
	t.Helper()
	var m *muc.Message
	o.until(t, fmt.Sprintf("message %q", body), func() bool {
		for _, x := range o.messages {
			if x.Body() == body {
				m = x
				return true
			}
		}
		return false
	})
	return m
}

// heard reports whether o got, within d, a message whose body starts
// with prefix.
func heard(o *occupant, prefix string, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		for _, m := range o.messages {
			if strings.HasPrefix(m.Body(), prefix) {
				o.mu.Unlock()
				return true
			}
		}
		o.mu.Unlock()
		select {
		case <-o.changed:
		case <-deadline.C:
			return false
		}
	}
}

// connect logs account i of tg in, with Rooms attached.
func connect(t *testing.T, tg xmpptest.Target, i int, name string, opts *xmpp.Options) *occupant {
	t.Helper()
	return connectWith(t, tg, i, name, opts, nil)
}

// connectWith is connect with the Rooms' options made by mopts for the
// Client, if mopts is not nil.
func connectWith(t *testing.T, tg xmpptest.Target, i int, name string, opts *xmpp.Options, mopts func(*xmpp.Client) *muc.Options) *occupant {
	t.Helper()
	a := tg.Account(i)
	var o xmpp.Options
	if opts != nil {
		o = *opts
	}
	o.Password, o.TLSConfig = a.Password, tg.TLSConfig()
	if o.Addr == "" {
		o.Addr = tg.Addr()
	}
	if o.Resource == "" {
		o.Resource = "muc"
	}
	if s, ok := xmpptest.InProcess(tg); ok && o.Addr == s.Addr() {
		o.Dial = s.DialPipe
	}
	c := xmpp.New(a.JID(), &o)
	t.Cleanup(func() { c.Close() })
	var mo *muc.Options
	if mopts != nil {
		mo = mopts(c)
	}
	oc := &occupant{name: name, c: c, rooms: muc.New(c, mo), changed: make(chan struct{}, 1)}
	oc.rooms.HandleMessage(func(_ context.Context, _ *muc.Room, m *muc.Message) {
		oc.mu.Lock()
		oc.messages = append(oc.messages, m)
		oc.mu.Unlock()
		oc.note()
	})
	oc.rooms.HandleEvent(func(_ context.Context, _ *muc.Room, ev muc.Event) {
		oc.mu.Lock()
		oc.events = append(oc.events, ev)
		oc.mu.Unlock()
		oc.note()
	})
	oc.rooms.HandleInvite(func(_ context.Context, inv muc.Invite) {
		oc.mu.Lock()
		oc.invites = append(oc.invites, inv)
		oc.mu.Unlock()
		oc.note()
	})
	oc.rooms.HandleDecline(func(_ context.Context, d muc.Decline) {
		oc.mu.Lock()
		oc.declines = append(oc.declines, d)
		oc.mu.Unlock()
		oc.note()
	})
	if err := c.Connect(timeout(t)); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// Available, so that messages to the bare JID (mediated
	// invitations) reach this session; and known to be so by the server
	// before anyone sends one.
	if err := c.Send(timeout(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(timeout(t)); err != nil {
		t.Fatal(err)
	}
	return oc
}

// roomJID returns a room of tg's MUC service named after the test.
func roomJID(t *testing.T, tg xmpptest.Target, name string) jid.JID {
	t.Helper()
	svc := tg.MUC()
	if svc.IsZero() {
		t.Skipf("%s has no MUC service", tg.Name())
	}
	j, err := jid.New(name, svc.Domainpart(), "")
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestOccupant: a room created by a join, another occupant joining, the
// occupant list, groupchat with its reflection, a private message, the
// subject, a nick change and a refused one, a refused join, leaving.
func TestOccupant(t *testing.T) {
	xmpptest.ForEachServerOver(t, &xmpptest.ServerOptions{MUC: true}, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		carol := connect(t, tg, 2, "carol", nil)
		room := roomJID(t, tg, "occupants")

		ar, err := alice.rooms.Join(timeout(t), room, "Alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !ar.Created() {
			t.Error("the first join did not create the room")
		}
		if self := ar.Self(); self.Affiliation != muc.AffiliationOwner || self.Role != muc.RoleModerator {
			t.Errorf("creator %+v, want owner and moderator", self)
		}
		br, err := bob.rooms.Join(timeout(t), room, "Bob", &muc.JoinOptions{Status: "here"})
		if err != nil {
			t.Fatal(err)
		}
		if occ, ok := br.Occupant("Alice"); !ok || occ.Affiliation != muc.AffiliationOwner {
			t.Errorf("bob sees Alice as %+v (%t)", occ, ok)
		}
		ev := alice.event(t, muc.EventOccupantJoined, "Bob")
		if ev.Occupant.Role != muc.RoleParticipant || ev.Occupant.Status != "here" {
			t.Errorf("Bob joined as %+v", ev.Occupant)
		}
		if n := len(ar.Occupants()); n != 2 {
			t.Errorf("alice sees %d occupants", n)
		}

		// Groupchat, reflected to its sender.
		if err := br.Send(timeout(t), "hello, room ✓"); err != nil {
			t.Fatal(err)
		}
		if m := alice.message(t, "hello, room ✓"); m.Nick != "Bob" || m.Private || m.Own || m.History {
			t.Errorf("alice got %+v", m)
		}
		if m := bob.message(t, "hello, room ✓"); !m.Own {
			t.Errorf("bob's reflection not Own: %+v", m)
		}
		// A private message.
		if err := ar.SendPrivate(timeout(t), "Bob", "psst"); err != nil {
			t.Fatal(err)
		}
		if m := bob.message(t, "psst"); m.Nick != "Alice" || !m.Private {
			t.Errorf("bob got %+v", m)
		}
		// The subject.
		if err := ar.SetSubject(timeout(t), "Plans"); err != nil {
			t.Fatal(err)
		}
		if ev := bob.event(t, muc.EventSubjectChanged, ""); ev.Subject.Text != "Plans" || ev.Subject.Nick != "Alice" {
			t.Errorf("subject event %+v", ev)
		}
		// A nick change, and one refused.
		if err := br.ChangeNick(timeout(t), "Robert"); err != nil {
			t.Fatal(err)
		}
		if ev := alice.event(t, muc.EventNickChanged, "Robert"); ev.OldNick != "Bob" {
			t.Errorf("nick change %+v", ev)
		}
		if br.Nick() != "Robert" {
			t.Errorf("bob's nick %q", br.Nick())
		}
		if err := br.ChangeNick(timeout(t), "Alice"); !errors.Is(err, muc.ErrNickInUse) || !errors.Is(err, stanza.ErrConflict) {
			t.Errorf("nick change to a nick in use: %v", err)
		}
		if br.Nick() != "Robert" {
			t.Errorf("after a refused change bob's nick is %q", br.Nick())
		}
		// A join with a nick in use.
		_, err = carol.rooms.Join(timeout(t), room, "Alice", nil)
		var je *muc.JoinError
		if !errors.Is(err, muc.ErrNickInUse) || !errors.As(err, &je) || je.Room != room {
			t.Errorf("join with a nick in use: %v", err)
		}
		if _, ok := carol.rooms.Room(room); ok {
			t.Error("the refused room is still listed")
		}
		// Leaving.
		if err := br.Leave(timeout(t), "bye"); err != nil {
			t.Fatal(err)
		}
		if !errors.Is(br.Err(), muc.ErrNotJoined) {
			t.Errorf("after Leave Err = %v", br.Err())
		}
		if err := br.Send(timeout(t), "too late"); !errors.Is(err, muc.ErrNotJoined) {
			t.Errorf("Send after Leave: %v", err)
		}
		if ev := alice.event(t, muc.EventOccupantLeft, "Robert"); ev.Reason != "bye" {
			t.Errorf("leave %+v", ev)
		}
		// Joined again, the room claims its address anew.
		if _, err := bob.rooms.Join(timeout(t), room, "Bob", &muc.JoinOptions{NoHistory: true}); err != nil {
			t.Fatalf("joining again: %v", err)
		}
	})
}

// TestModeration: the owner kicks, bans, reads the ban list, configures
// a password and destroys the room; the others learn each from the room.
func TestModeration(t *testing.T) {
	xmpptest.ForEachServerOver(t, &xmpptest.ServerOptions{MUC: true}, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		carol := connect(t, tg, 2, "carol", nil)
		room := roomJID(t, tg, "moderated")
		ar, err := alice.rooms.Join(timeout(t), room, "Alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		br, err := bob.rooms.Join(timeout(t), room, "Bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		cr, err := carol.rooms.Join(timeout(t), room, "Carol", nil)
		if err != nil {
			t.Fatal(err)
		}

		// Kick.
		if err := ar.Kick(timeout(t), "Bob", "behave"); err != nil {
			t.Fatal(err)
		}
		ev := bob.event(t, muc.EventKicked, "Bob")
		if !ev.Self || ev.Reason != "behave" {
			t.Errorf("bob's kick %+v", ev)
		}
		select {
		case <-br.Done():
		case <-timeout(t).Done():
			t.Fatal("bob's room not done after the kick")
		}
		if ev := carol.event(t, muc.EventKicked, "Bob"); ev.Self {
			t.Errorf("carol's view of the kick %+v", ev)
		}
		// Ban, and the ban list.
		if err := ar.Ban(timeout(t), carol.c.JID(), "spam"); err != nil {
			t.Fatal(err)
		}
		if ev := carol.event(t, muc.EventBanned, "Carol"); !ev.Self {
			t.Errorf("carol's ban %+v", ev)
		}
		select {
		case <-cr.Done():
		case <-timeout(t).Done():
			t.Fatal("carol's room not done after the ban")
		}
		outcasts, err := ar.Affiliations(timeout(t), muc.AffiliationOutcast)
		if err != nil {
			t.Fatal(err)
		}
		if len(outcasts) != 1 || outcasts[0].JID != carol.c.JID().Bare() {
			t.Errorf("outcasts %+v", outcasts)
		}
		if _, err := carol.rooms.Join(timeout(t), room, "Carol", nil); !errors.Is(err, muc.ErrBanned) {
			t.Errorf("a banned user's join: %v", err)
		}
		// Configuration: a password.
		cfg, err := ar.Config(timeout(t))
		if err != nil {
			t.Fatal(err)
		}
		sub := cfg.Submit()
		if err := sub.SetBool("muc#roomconfig_passwordprotectedroom", true); err != nil {
			t.Fatal(err)
		}
		if err := sub.SetString("muc#roomconfig_roomsecret", "sesame"); err != nil {
			t.Fatal(err)
		}
		if err := ar.Configure(timeout(t), sub); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.rooms.Join(timeout(t), room, "Bob", nil); !errors.Is(err, muc.ErrPasswordRequired) {
			t.Errorf("join without the password: %v", err)
		}
		br, err = bob.rooms.Join(timeout(t), room, "Bob", &muc.JoinOptions{Password: "sesame"})
		if err != nil {
			t.Fatalf("join with the password: %v", err)
		}
		// Destruction, with somewhere else to go.
		elsewhere := roomJID(t, tg, "elsewhere")
		if err := ar.Destroy(timeout(t), elsewhere, "moving"); err != nil {
			t.Fatal(err)
		}
		ev = bob.event(t, muc.EventDestroyed, "")
		if ev.Destroy == nil || ev.Destroy.Alternate != elsewhere || ev.Destroy.Reason != "moving" {
			t.Errorf("destruction %+v", ev)
		}
		for _, r := range []*muc.Room{br, ar} {
			select {
			case <-r.Done():
			case <-timeout(t).Done():
				t.Fatalf("%s still joined after the destruction", r.Nick())
			}
		}
	})
}

// TestInvitations: a mediated invitation through the room and its
// decline, and a direct one.
func TestInvitations(t *testing.T) {
	xmpptest.ForEachServerOver(t, &xmpptest.ServerOptions{MUC: true}, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		room := roomJID(t, tg, "invites")
		ar, err := alice.rooms.Join(timeout(t), room, "Alice", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := ar.Invite(timeout(t), bob.c.JID().Bare(), "come"); err != nil {
			t.Fatal(err)
		}
		var inv muc.Invite
		bob.until(t, "a mediated invitation", func() bool {
			if len(bob.invites) > 0 {
				inv = bob.invites[0]
				return true
			}
			return false
		})
		// ejabberd names the inviter by real JID; Prosody 0.12, in a
		// room that hides real JIDs, by occupant JID.
		asOccupant, _ := room.WithResource("Alice")
		if inv.Room != room || inv.Direct || (inv.From.Bare() != alice.c.JID().Bare() && inv.From != asOccupant) || inv.Reason != "come" {
			t.Errorf("mediated invitation %+v", inv)
		}
		if err := bob.rooms.Decline(timeout(t), inv, "busy"); err != nil {
			t.Fatal(err)
		}
		alice.until(t, "a decline", func() bool { return len(alice.declines) > 0 })
		alice.mu.Lock()
		d := alice.declines[0]
		alice.mu.Unlock()
		if d.Room != room || d.From.Bare() != bob.c.JID().Bare() || d.Reason != "busy" {
			t.Errorf("decline %+v", d)
		}
		if err := alice.rooms.Invite(timeout(t), bob.c.JID(), room, "really", ""); err != nil {
			t.Fatal(err)
		}
		bob.until(t, "a direct invitation", func() bool { return len(bob.invites) > 1 })
		bob.mu.Lock()
		inv = bob.invites[1]
		bob.mu.Unlock()
		if inv.Room != room || !inv.Direct || inv.From != alice.c.JID() || inv.Reason != "really" {
			t.Errorf("direct invitation %+v", inv)
		}
	})
}

// TestReconnection: through a resumption the occupant stays in the room
// and nothing is needed; after a new session (the server refuses to
// resume) Rooms joins again, delivers the history of the gap, and
// reports it.
func TestReconnection(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{MUC: true, StreamManagement: true}, func(t *testing.T, tg xmpptest.Target) {
		room := roomJID(t, tg, "reconnect")
		bob := connect(t, tg, 1, "bob", nil)
		br, err := bob.rooms.Join(timeout(t), room, "Bob", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, resume := range []bool{true, false} {
			name := "new session"
			if resume {
				name = "resumed"
			}
			t.Run(name, func(t *testing.T) {
				proxy, through := xmpptest.ProxyAddr(t, tg.Addr())
				opts := &xmpp.Options{Addr: through, ReconnectMin: 5 * time.Millisecond, ReconnectMax: 50 * time.Millisecond}
				if !resume {
					opts.ResumeTimeout = time.Nanosecond // never resume
				}
				alice := connect(t, tg, 0, "alice", opts)
				ar, err := alice.rooms.Join(timeout(t), room, "Alice", &muc.JoinOptions{NoHistory: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := br.Send(timeout(t), name+" before"); err != nil {
					t.Fatal(err)
				}
				alice.message(t, name+" before")

				proxy.Stall() // what bob sends now does not reach alice's old connection
				for i := range 3 {
					if err := br.Send(timeout(t), fmt.Sprintf("%s gap %d", name, i)); err != nil {
						t.Fatal(err)
					}
				}
				if err := bob.c.Sync(timeout(t)); err != nil {
					t.Fatal(err)
				}
				proxy.CutAll()
				proxy.Resume()
				for i := range 3 {
					m := alice.message(t, fmt.Sprintf("%s gap %d", name, i))
					if m.History == resume {
						t.Errorf("%q: History %t", m.Body(), m.History)
					}
				}
				if resume {
					alice.mu.Lock()
					kinds := eventKinds(alice.events)
					alice.mu.Unlock()
					for _, k := range kinds {
						if k == "rejoined()" {
							t.Errorf("rejoined after a resumption: %v", kinds)
						}
					}
				} else {
					ev := alice.event(t, muc.EventRejoined, "")
					if ev.Since.IsZero() || ev.HistoryFull {
						t.Errorf("rejoin %+v", ev)
					}
				}
				// What was seen live before the gap is not delivered
				// again from the history.
				alice.mu.Lock()
				n := 0
				for _, m := range alice.messages {
					if m.Body() == name+" before" {
						n++
					}
				}
				alice.mu.Unlock()
				if n != 1 {
					t.Errorf("%q delivered %d times", name+" before", n)
				}
				// Still (or again) in the room: alice's messages reach
				// bob. ejabberd may take the rejoined occupant out with
				// the replaced session (both have one full JID); Rooms
				// finds out with a self-ping and joins again, and what
				// alice says in between the room refuses (an error to
				// her). So she says it until the room has her back.
				ctx := timeout(t)
				for i := 0; ; i++ {
					if err := ar.Send(ctx, fmt.Sprintf("%s after %d", name, i)); err != nil {
						t.Fatal(err)
					}
					if heard(bob, name+" after", 2*time.Second) {
						break
					}
					if ctx.Err() != nil {
						t.Fatalf("bob never heard alice after the %s", name)
					}
				}
				if err := ar.Leave(timeout(t), ""); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

// TestSelfPing: a room that forgot the occupant (the in-process server
// drops it silently, as a restarted service would) answers the XEP-0410
// self-ping with an error; the periodic self-ping finds it and joins
// again.
func TestSelfPing(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	a := srv.Account(0)
	c := xmpp.New(a.JID(), &xmpp.Options{Password: a.Password, Resource: "muc", Addr: srv.Addr(), Dial: srv.DialPipe, TLSConfig: srv.TLSConfig()})
	t.Cleanup(func() { c.Close() })
	rejoined := make(chan muc.Event, 1)
	rooms := muc.New(c, &muc.Options{SelfPing: 20 * time.Millisecond})
	rooms.HandleEvent(func(_ context.Context, _ *muc.Room, ev muc.Event) {
		if ev.Kind == muc.EventRejoined {
			select {
			case rejoined <- ev:
			default:
			}
		}
	})
	if err := c.Connect(timeout(t)); err != nil {
		t.Fatal(err)
	}
	room := roomJID(t, srv, "pinged")
	r, err := rooms.Join(timeout(t), room, "Alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	if in, err := r.SelfPing(timeout(t)); err != nil || !in {
		t.Fatalf("self-ping while joined: %t, %v", in, err)
	}
	if err := srv.DropOccupant(room, "Alice"); err != nil {
		t.Fatal(err)
	}
	if in, err := r.SelfPing(timeout(t)); in || err != nil {
		t.Errorf("self-ping once forgotten: %t, %v", in, err)
	}
	select {
	case <-rejoined:
	case <-timeout(t).Done():
		t.Fatal("not joined again after the room forgot us")
	}
	if in, err := r.SelfPing(timeout(t)); err != nil || !in {
		t.Errorf("self-ping after the rejoin: %t, %v", in, err)
	}
	if _, ok := r.Occupant("Alice"); !ok {
		t.Error("not among the occupants after the rejoin")
	}
}

// TestMembersAndVoice: a reserved room configured before anyone else may
// enter, made members-only; a non-member refused; membership granted and
// listed; voice revoked and granted again, seen by the occupant.
func TestMembersAndVoice(t *testing.T) {
	xmpptest.ForEachServerOver(t, &xmpptest.ServerOptions{MUC: true}, xmpptest.TCP|xmpptest.WebSocket|xmpptest.BOSH, func(t *testing.T, tg xmpptest.Target) {
		alice := connect(t, tg, 0, "alice", nil)
		bob := connect(t, tg, 1, "bob", nil)
		room := roomJID(t, tg, "members")
		ar, err := alice.rooms.Join(timeout(t), room, "Alice", &muc.JoinOptions{KeepLocked: true})
		if err != nil {
			t.Fatal(err)
		}
		if !ar.Created() {
			t.Fatal("not created")
		}
		cfg, err := ar.Config(timeout(t))
		if err != nil {
			t.Fatal(err)
		}
		sub := cfg.Submit()
		for v, b := range map[string]bool{"muc#roomconfig_membersonly": true, "muc#roomconfig_moderatedroom": true} {
			if err := sub.SetBool(v, b); err != nil {
				t.Fatalf("%s: %v", v, err)
			}
		}
		if err := ar.Configure(timeout(t), sub); err != nil {
			t.Fatal(err)
		}
		if _, err := bob.rooms.Join(timeout(t), room, "Bob", nil); !errors.Is(err, muc.ErrMembersOnly) || !errors.Is(err, stanza.ErrRegistrationRequired) {
			t.Fatalf("a non-member's join: %v", err)
		}
		if err := ar.SetAffiliation(timeout(t), bob.c.JID(), muc.AffiliationMember, "welcome"); err != nil {
			t.Fatal(err)
		}
		members, err := ar.Affiliations(timeout(t), muc.AffiliationMember)
		if err != nil {
			t.Fatal(err)
		}
		if len(members) != 1 || members[0].JID != bob.c.JID().Bare() {
			t.Errorf("members %+v", members)
		}
		br, err := bob.rooms.Join(timeout(t), room, "Bob", nil)
		if err != nil {
			t.Fatalf("a member's join: %v", err)
		}
		if self := br.Self(); self.Affiliation != muc.AffiliationMember || self.Role != muc.RoleParticipant {
			t.Errorf("bob is %+v", self)
		}
		// Voice revoked: bob sees his own role change.
		if err := ar.SetRole(timeout(t), "Bob", muc.RoleVisitor, "quiet"); err != nil {
			t.Fatal(err)
		}
		ev := bob.event(t, muc.EventRoleChanged, "Bob")
		if !ev.Self || ev.Occupant.Role != muc.RoleVisitor || ev.OldRole != muc.RoleParticipant {
			t.Errorf("role change %+v", ev)
		}
		if br.Self().Role != muc.RoleVisitor {
			t.Errorf("bob's role %q", br.Self().Role)
		}
		// And granted again.
		if err := ar.SetRole(timeout(t), "Bob", muc.RoleParticipant, ""); err != nil {
			t.Fatal(err)
		}
		bob.until(t, "voice again", func() bool {
			for _, e := range bob.events {
				if e.Kind == muc.EventRoleChanged && e.Occupant.Role == muc.RoleParticipant {
					return true
				}
			}
			return false
		})
	})
}

// TestBadInput: stanzas that claim what they may not are dropped, and
// the room's state stays right: a self-presence naming another real JID,
// a self-presence for a nick not asked for, an occupant presence without
// its item, a malformed payload; an unknown status code is kept.
func TestBadInput(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{MUC: true})
	alice := connect(t, srv, 0, "alice", nil)
	room := roomJID(t, srv, "bad")
	r, err := alice.rooms.Join(timeout(t), room, "Alice", nil)
	if err != nil {
		t.Fatal(err)
	}
	inject := func(s string) {
		t.Helper()
		e, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Inject(alice.c.JID(), e); err != nil {
			t.Fatal(err)
		}
	}
	to := alice.c.JID().String()
	for _, s := range []string{
		// Our nick, status 110, someone else's JID.
		`<presence xmlns='jabber:client' from='bad@conference.localhost/Alice' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='visitor' jid='mallory@localhost/x'/><status code='110'/></x></presence>`,
		// Status 110 for a nick we did not ask for.
		`<presence xmlns='jabber:client' from='bad@conference.localhost/Mallory' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/><status code='110'/></x></presence>`,
		// No item.
		`<presence xmlns='jabber:client' from='bad@conference.localhost/Eve' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`,
		// A role that does not exist.
		`<presence xmlns='jabber:client' from='bad@conference.localhost/Eve' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'><item role='emperor'/></x></presence>`,
		// A room we are not in.
		`<presence xmlns='jabber:client' from='other@conference.localhost/Bob' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x></presence>`,
		`<message xmlns='jabber:client' type='chat' from='other@conference.localhost/Bob' to='` + to + `'><body>psst</body><x xmlns='http://jabber.org/protocol/muc#user'/></message>`,
		// An unknown status code with a real newcomer.
		`<presence xmlns='jabber:client' from='bad@conference.localhost/Carol' to='` + to + `'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/><status code='999'/></x></presence>`,
	} {
		inject(s)
	}
	ev := alice.event(t, muc.EventOccupantJoined, "Carol")
	if len(ev.Status) != 1 || ev.Status[0] != 999 {
		t.Errorf("Carol's status codes %v", ev.Status)
	}
	if self := r.Self(); self.Role != muc.RoleModerator || self.JID != alice.c.JID() {
		t.Errorf("self changed to %+v", self)
	}
	if r.Nick() != "Alice" {
		t.Errorf("nick changed to %q", r.Nick())
	}
	for _, nick := range []string{"Mallory", "Eve"} {
		if _, ok := r.Occupant(nick); ok {
			t.Errorf("%s listed", nick)
		}
	}
	alice.mu.Lock()
	defer alice.mu.Unlock()
	for _, m := range alice.messages {
		if m.Body() == "psst" {
			t.Error("a message from a room not joined was delivered")
		}
	}
	if _, ok := alice.rooms.Room(jid.MustParse("other@conference.localhost")); ok {
		t.Error("a room not joined is listed")
	}
}
