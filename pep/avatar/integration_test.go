package avatar_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// contact is a logged-in account that announces its vCard hash and
// receives contacts' avatars and hashes.
type contact struct {
	c       *xmpp.Client
	ps      *pubsub.Client
	ann     *avatar.Announcer
	avatars chan pep.Update[avatar.Metadata]
	hashes  chan seen
}

func login(t *testing.T, tg xmpptest.Target, i int) *contact {
	t.Helper()
	k := &contact{avatars: make(chan pep.Update[avatar.Metadata], 8), hashes: make(chan seen, 16)}
	setup := func(c *xmpp.Client) {
		k.ps = pubsub.New(c, nil)
		disco.Serve(c, nil) // +notify goes out in the entity capabilities
		avatar.Handle(k.ps, func(_ context.Context, u pep.Update[avatar.Metadata]) { k.avatars <- u })
		k.ann = avatar.NewAnnouncer(c)
		avatar.HandleVCardHash(c, func(_ context.Context, from jid.JID, h avatar.VCardHash) { k.hashes <- seen{from, h} })
	}
	if srv, ok := tg.(*xmpptest.Server); ok {
		k.c = testkit.Login(t, srv, i, "avatar", setup)
	} else {
		k.c = testkit.LoginTarget(t, tg, i, "avatar", setup)
	}
	if err := k.c.Send(testkit.Ctx(t), stanza.NewPresence(stanza.PresenceAvailable, jid.JID{})); err != nil {
		t.Fatal(err)
	}
	return k
}

// nextAvatar returns the next metadata update from from, skipping others.
func nextAvatar(t *testing.T, k *contact, from jid.JID) pep.Update[avatar.Metadata] {
	t.Helper()
	ctx := testkit.Ctx(t)
	for {
		select {
		case u := <-k.avatars:
			if u.From == from {
				return u
			}
		case <-ctx.Done():
			t.Fatalf("no avatar metadata from %s", from)
		}
	}
}

// nextHash returns the next vCard hash from from that satisfies ok.
func nextHash(t *testing.T, k *contact, from jid.JID, ok func(avatar.VCardHash) bool) avatar.VCardHash {
	t.Helper()
	ctx := testkit.Ctx(t)
	var last []avatar.VCardHash
	for {
		select {
		case s := <-k.hashes:
			if s.from == from {
				if ok(s.h) {
					if len(last) > 0 {
						t.Logf("before it: %+v", last)
					}
					return s.h
				}
				last = append(last, s.h)
			}
		case <-ctx.Done():
			t.Fatalf("no such vCard hash from %s; got %+v", from, last)
		}
	}
}

// TestIntegration: alice's avatar reaches her contact bob as metadata
// from her bare JID; he fetches the image by its id, SHA-1 checked; her
// disabling it reaches him too. Her XEP-0153 hash reaches him in her
// presence. On Prosody, the avatar also becomes her vCard's photo.
func TestIntegration(t *testing.T) {
	xmpptest.ForEachServer(t, &xmpptest.ServerOptions{PEP: true}, func(t *testing.T, tg xmpptest.Target) {
		alice, bob := login(t, tg, 0), login(t, tg, 1)
		testkit.Befriend(t, alice.c, bob.c)
		aj := alice.c.JID().Bare()

		img := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("avatar "), 300)...)
		in, err := avatar.Publish(testkit.Ctx(t), alice.ps, img, avatar.Info{Type: "image/png", Width: 64, Height: 64})
		if err != nil {
			t.Fatal(err)
		}
		u := nextAvatar(t, bob, aj)
		got, ok := u.Value.InPEP()
		if u.Retracted || !ok || got != in {
			t.Fatalf("bob got %+v; want %+v", u, in)
		}
		data, err := avatar.Fetch(testkit.Ctx(t), bob.ps, aj, got)
		if err != nil || !bytes.Equal(data, img) {
			t.Fatalf("bob's Fetch: %d bytes, %v", len(data), err)
		}
		if md, ok, err := avatar.FetchMetadata(testkit.Ctx(t), bob.ps, aj); err != nil || !ok || md.Infos[0] != in {
			t.Errorf("bob's FetchMetadata: %+v, %t, %v", md, ok, err)
		}

		// Prosody's mod_vcard_legacy makes the avatar the vCard's photo.
		photo := vcardPhoto(t, alice.c)
		t.Logf("%s: vcard-temp photo after the PEP avatar: %d bytes", tg.Name(), len(photo))
		if tg.Name() == "prosody" && !bytes.Equal(photo, img) {
			t.Errorf("Prosody did not sync the avatar to vcard-temp: %d bytes", len(photo))
		}

		// XEP-0153: the hash in alice's presence.
		if err := alice.ann.Set(in.ID); err != nil {
			t.Fatal(err)
		}
		h := nextHash(t, bob, alice.c.JID(), func(h avatar.VCardHash) bool { return h.Hash == in.ID })
		t.Logf("%s: bob sees alice's vCard hash %+v", tg.Name(), h)

		if err := avatar.Disable(testkit.Ctx(t), alice.ps); err != nil {
			t.Fatal(err)
		}
		if u := nextAvatar(t, bob, aj); !u.Retracted {
			t.Errorf("bob got %+v; want the avatar disabled", u)
		}
		if md, ok, err := avatar.FetchMetadata(testkit.Ctx(t), bob.ps, aj); err != nil || ok {
			t.Errorf("FetchMetadata of a disabled avatar: %+v, %t, %v", md, ok, err)
		}
	})
}

// vcardPhoto returns the photo of c's account's vcard-temp vCard, read
// by hand (this package does not import vcard); nil when there is none
// or no vCard service.
func vcardPhoto(t *testing.T, c *xmpp.Client) []byte {
	t.Helper()
	res, err := c.Request(testkit.Ctx(t), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("vcard-temp", "vCard")))
	if err != nil || res.Payload == nil {
		return nil
	}
	p := res.Payload.Child("vcard-temp", "PHOTO")
	if p == nil {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(p.ChildText("vcard-temp", "BINVAL")), ""))
	if err != nil {
		t.Errorf("the vCard's photo: %v", err)
	}
	return b
}
