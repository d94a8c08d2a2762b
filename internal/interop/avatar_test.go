package interop_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/internal/interop"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep"
	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/presence"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/vcard"
	"github.com/xmppkit/xmpp/xmpptest"
)

// slixAvatar is an avatar metadata event as slixmpp's XEP-0084 plugin
// reads it (peer.py's avatar_view): the first item of the event, with
// its <info/> elements as the plugin's Info stanza reads them.
type slixAvatar struct {
	From    string           `json:"from"`
	Node    string           `json:"node"`
	ItemID  string           `json:"item_id"`
	Empty   bool             `json:"empty"`
	Delayed bool             `json:"delayed"`
	Infos   []slixAvatarInfo `json:"infos"`
}

type slixAvatarInfo struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Bytes  int    `json:"bytes"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

// slixAvatarData is what slixmpp's retrieve_avatar got (peer.py's
// op_avatar_fetch): the ids of the items of the answer, and the first
// one's data as the plugin's Data stanza decoded it, with its SHA-1.
type slixAvatarData struct {
	IDs  []string `json:"ids"`
	Data []byte   `json:"data"` // base64 in JSON
	SHA1 string   `json:"sha1"`
}

// avatarEvents are the events of slixmpp's XEP-0084 plugin.
var avatarEvents = []string{"avatar_metadata_publish", "avatar_metadata_retract"}

// testPNG returns a w×h PNG image, a diagonal gradient of tint: real
// image bytes, and a different image (so a different id) per tint.
func testPNG(t *testing.T, w, h int, tint color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			f := uint8(255 * (x + y) / (w + h))
			img.SetNRGBA(x, y, color.NRGBA{R: tint.R ^ f, G: tint.G ^ f, B: tint.B ^ f, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAvatar: User Avatar (XEP-0084) both ways between two contacts:
// the SDK (account 0: disco.Serve and avatar.Handle, which asks for the
// metadata node's notifications) and slixmpp (account 1: its XEP-0084
// plugin, which asks for them too). Each publishes a PNG (data, then
// metadata); the other receives the metadata from the publisher's bare
// JID and fetches the data by its id, and gets the very bytes (the
// SDK's Fetch checks their SHA-1 against the id too). Then each disables
// its avatar (empty metadata), which the other receives as such.
//
// As in TestPEP, the two subscribe to each other and then broadcast a
// presence with their caps, since servers notify only contacts whose
// caps list urn:xmpp:avatar:metadata+notify.
func TestAvatar(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		slixBare := srv.Account(1).JID().Bare()
		avatars := make(chan pep.Update[avatar.Metadata], 32)
		var (
			ps        *pubsub.Client
			presences <-chan *stanza.Presence
		)
		c := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			disco.Serve(c, nil)
			ps = pubsub.New(c, nil)
			avatar.Handle(ps, keep(avatars))
			presences = watchPresence(c)
			approveSlix(t, slixBare)(c)
		})
		if err := presence.Available(ctx, c, "", "", 0); err != nil {
			t.Fatal(err)
		}
		peer := interop.Start(t, srv, srv.Account(1), "slix", nil)
		peer.MustCall(ctx, "avatar_enable", nil, nil)
		peer.MustCall(ctx, "watch", map[string]any{"events": avatarEvents}, nil)
		befriend(t, ctx, c, presences, peer)
		exchangeCaps(t, ctx, c, presences, peer, "avatar interop")

		t.Run("slixmpp_publishes", func(t *testing.T) { slixmppPublishesAvatar(t, peer, ps, avatars, slixBare) })
		t.Run("sdk_publishes", func(t *testing.T) { sdkPublishesAvatar(t, peer, ps, c.JID().Bare()) })
	})
}

// exchangeCaps has slixmpp broadcast a presence with its caps (op
// broadcast_caps, see TestPEP) and then the SDK, with status, and
// returns once each received the other's.
func exchangeCaps(t *testing.T, ctx context.Context, c *xmpp.Client, presences <-chan *stanza.Presence, peer *interop.Peer, status string) {
	t.Helper()
	var slixVer string
	peer.MustCall(ctx, "broadcast_caps", map[string]any{"status": status}, &slixVer)
	waitPresence(t, presences, "slixmpp's presence with the caps of its plugins", func(p *stanza.Presence) bool {
		e := presenceCaps(p)
		return p.From.Equal(peer.JID()) && p.Status() == status && e != nil && e.Attr("ver") == slixVer
	})
	if err := presence.Available(ctx, c, "", status, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := peer.Presence(ctx, func(p *stanza.Presence) bool {
		return p.From.Equal(c.JID()) && p.Status() == status && presenceCaps(p) != nil
	}); err != nil {
		t.Fatalf("slixmpp received no presence with caps from the SDK: %v", err)
	}
}

// slixmppPublishesAvatar: slixmpp publishes an avatar with its plugin,
// the SDK's handler receives the metadata and Fetch gets the image;
// then slixmpp disables it with the plugin's stop().
func slixmppPublishesAvatar(t *testing.T, peer *interop.Peer, ps *pubsub.Client, avatars <-chan pep.Update[avatar.Metadata], slix jid.JID) {
	ctx := testkit.Ctx(t)
	img := testPNG(t, 16, 12, color.NRGBA{R: 0x30, G: 0xa0, B: 0x60})
	want := avatar.Info{ID: avatar.Hash(img), Bytes: len(img), Type: "image/png", Width: 16, Height: 12}

	var id string
	peer.MustCall(ctx, "avatar_publish", map[string]any{"data": img, "type": "image/png", "width": 16, "height": 12}, &id)
	if id != want.ID {
		t.Errorf("slixmpp's generate_id gave %s; the SDK's Hash %s", id, want.ID)
	}
	u := waitUpdate(t, avatars, slix, "avatar metadata", func(u pep.Update[avatar.Metadata]) bool {
		in, ok := u.Value.InPEP()
		return !u.Retracted && ok && in.ID == want.ID
	})
	in, _ := u.Value.InPEP()
	if in != want || len(u.Value.Infos) != 1 || len(u.Value.Pointers) != 0 {
		t.Errorf("the SDK read slixmpp's metadata as %+v; want one info %+v", u.Value, want)
	}
	data, err := avatar.Fetch(ctx, ps, slix, in)
	if err != nil {
		t.Fatalf("Fetch of slixmpp's avatar: %v", err)
	}
	if !bytes.Equal(data, img) {
		t.Errorf("Fetch of slixmpp's avatar: %d bytes, not the %d published", len(data), len(img))
	}

	peer.MustCall(ctx, "avatar_stop", nil, nil)
	waitUpdate(t, avatars, slix, "avatar disabled", isWithdrawal)
	if md, ok, err := avatar.FetchMetadata(ctx, ps, slix); err != nil || ok {
		t.Errorf("FetchMetadata of slixmpp's disabled avatar: %+v, %t, %v", md, ok, err)
	}
}

// sdkPublishesAvatar: the SDK publishes an avatar with Publish, slixmpp
// receives the metadata and retrieves the image with its plugin; then
// the SDK disables it with Disable.
func sdkPublishesAvatar(t *testing.T, peer *interop.Peer, ps *pubsub.Client, sdk jid.JID) {
	ctx := testkit.Ctx(t)
	img := testPNG(t, 24, 20, color.NRGBA{R: 0xc0, G: 0x40, B: 0x90})
	in, err := avatar.Publish(ctx, ps, img, avatar.Info{Type: "image/png", Width: 24, Height: 20})
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != avatar.Hash(img) || in.Bytes != len(img) {
		t.Errorf("Publish returned %+v for %d bytes of SHA-1 %s", in, len(img), avatar.Hash(img))
	}

	var got slixAvatar
	peer.MustCall(ctx, "seen_where", map[string]any{"event": "avatar_metadata_publish",
		"where": map[string]any{"from": sdk.String(), "empty": false}}, &got)
	wantInfo := slixAvatarInfo{ID: in.ID, Type: "image/png", Bytes: len(img), Width: 24, Height: 20}
	if got.Node != avatar.NSMetadata || got.ItemID != in.ID || !reflect.DeepEqual(got.Infos, []slixAvatarInfo{wantInfo}) {
		t.Errorf("slixmpp read the SDK's metadata as %+v; want node %s, item %s, infos [%+v]", got, avatar.NSMetadata, in.ID, wantInfo)
	}

	var data slixAvatarData
	peer.MustCall(ctx, "avatar_fetch", map[string]any{"jid": sdk.String(), "id": in.ID}, &data)
	if !slices.Equal(data.IDs, []string{in.ID}) || data.SHA1 != in.ID {
		t.Errorf("slixmpp's retrieve_avatar got items %q, data of SHA-1 %s; want item %s", data.IDs, data.SHA1, in.ID)
	}
	if !bytes.Equal(data.Data, img) {
		t.Errorf("slixmpp's retrieve_avatar got %d bytes, not the %d published", len(data.Data), len(img))
	}

	if err := avatar.Disable(ctx, ps); err != nil {
		t.Fatal(err)
	}
	peer.MustCall(ctx, "seen_where", map[string]any{"event": "avatar_metadata_publish",
		"where": map[string]any{"from": sdk.String(), "empty": true}}, &got)
	if len(got.Infos) != 0 || got.Node != avatar.NSMetadata {
		t.Errorf("slixmpp read the SDK's disabling as %+v; want empty metadata", got)
	}
}

// seenHash is a XEP-0153 hash the SDK's HandleVCardHash saw.
type seenHash struct {
	from jid.JID
	h    avatar.VCardHash
}

// slixVCard is a vcard-temp as slixmpp's XEP-0054 plugin reads it
// (peer.py's op_vcard_get).
type slixVCard struct {
	FN        string   `json:"fn"`
	Nicknames []string `json:"nicknames"`
	PhotoType string   `json:"photo_type"`
	Photo     []byte   `json:"photo"` // base64 in JSON
	PhotoSHA1 string   `json:"photo_sha1"`
}

// TestVCard: vcard-temp (XEP-0054) and its avatar hash in presence
// (XEP-0153) both ways between two contacts: the SDK (account 0:
// package vcard, and avatar's Announcer and HandleVCardHash) and
// slixmpp (account 1: its XEP-0054 and XEP-0153 plugins). Each sets
// its vCard (FN, NICKNAME, PHOTO) and the other reads it from its
// server; each announces the photo's hash in presence, and the other
// reads it there. slixmpp sets its photo with XEP-0153's set_avatar,
// which gets the vCard, adds the photo, sets it and hashes it again.
//
// Prosody replaces the hash of every presence with its PEP avatar's id,
// and makes a vCard's photo the PEP avatar: the same SHA-1, so the
// test cannot tell which of the two a contact received there.
func TestVCard(t *testing.T) {
	interop.Servers(t, 2, func(t *testing.T, srv *xmpptest.RealServer) {
		ctx := testkit.Ctx(t)
		slixBare := srv.Account(1).JID().Bare()
		hashes := make(chan seenHash, 64)
		var (
			ann       *avatar.Announcer
			presences <-chan *stanza.Presence
		)
		c := testkit.LoginTarget(t, srv, 0, "go", func(c *xmpp.Client) {
			ann = avatar.NewAnnouncer(c)
			avatar.HandleVCardHash(c, func(_ context.Context, from jid.JID, h avatar.VCardHash) {
				select {
				case hashes <- seenHash{from, h}:
				default:
				}
			})
			presences = watchPresence(c)
			approveSlix(t, slixBare)(c)
		})
		if err := presence.Available(ctx, c, "", "", 0); err != nil {
			t.Fatal(err)
		}
		peer := interop.Start(t, srv, srv.Account(1), "slix", nil)
		peer.MustCall(ctx, "vcard_enable", nil, nil)
		peer.MustCall(ctx, "watch", map[string]any{"events": []string{"vcard_avatar_update"}}, nil)
		befriend(t, ctx, c, presences, peer)

		t.Run("slixmpp_sets", func(t *testing.T) { slixmppSetsVCard(t, peer, c, hashes, slixBare) })
		t.Run("sdk_sets", func(t *testing.T) { sdkSetsVCard(t, peer, c, ann) })
	})
}

// waitHash returns the next XEP-0153 hash from from that match accepts,
// and fails t after testkit.WaitTimeout, listing those it passed over.
func waitHash(t *testing.T, ch <-chan seenHash, from jid.JID, what string, match func(avatar.VCardHash) bool) avatar.VCardHash {
	t.Helper()
	timeout := time.After(testkit.WaitTimeout)
	var other []seenHash
	for {
		select {
		case s := <-ch:
			if s.from.Equal(from) && match(s.h) {
				return s.h
			}
			other = append(other, s)
		case <-timeout:
			t.Fatalf("the SDK saw no %s from %s; it saw %+v", what, from, other)
		}
	}
}

// slixmppSetsVCard: slixmpp sets its vCard's FN and NICKNAME with
// XEP-0054's publish_vcard and its photo with XEP-0153's set_avatar,
// then sends a presence, which its plugin gives the photo's hash; the
// SDK reads the hash there (HandleVCardHash) and the vCard with Get.
func slixmppSetsVCard(t *testing.T, peer *interop.Peer, c *xmpp.Client, hashes <-chan seenHash, slix jid.JID) {
	ctx := testkit.Ctx(t)
	photo := testPNG(t, 8, 8, color.NRGBA{R: 0x10, G: 0x20, B: 0xf0})
	want := avatar.Hash(photo)
	const fn, nick = "Bob the Slix 🐍", "bob"

	peer.MustCall(ctx, "vcard_set", map[string]any{"fn": fn, "nickname": nick}, nil)
	var slixHash string
	peer.MustCall(ctx, "vcard_avatar", map[string]any{"photo": photo, "photo_type": "image/png"}, &slixHash)
	if slixHash != want {
		t.Errorf("slixmpp's XEP-0153 plugin hashed its photo as %q; want %s", slixHash, want)
	}
	peer.MustCall(ctx, "presence", map[string]any{"status": "vCard avatar"}, nil)
	h := waitHash(t, hashes, peer.JID(), "hash of slixmpp's photo", func(h avatar.VCardHash) bool { return h.Known && h.Hash != "" })
	if h.Hash != want {
		t.Errorf("the SDK read slixmpp's vCard hash as %+v; want %s", h, want)
	}

	card, err := vcard.Get(ctx, c, slix)
	if err != nil {
		t.Fatal(err)
	}
	if card.FN != fn || card.Nickname != nick {
		t.Errorf("the SDK read slixmpp's vCard FN %q, NICKNAME %q; want %q, %q", card.FN, card.Nickname, fn, nick)
	}
	if card.Photo == nil || card.Photo.Type != "image/png" || !bytes.Equal(card.Photo.Data, photo) || card.PhotoHash() != want {
		t.Errorf("the SDK read slixmpp's vCard photo as %s; want %d bytes of image/png, SHA-1 %s", showPhoto(card.Photo), len(photo), want)
	}
}

// sdkSetsVCard: the SDK sets its vCard with Set, which slixmpp reads
// with XEP-0054's get_vcard; then it announces the photo's hash with the
// Announcer, which slixmpp's XEP-0153 plugin reads in its presence.
func sdkSetsVCard(t *testing.T, peer *interop.Peer, c *xmpp.Client, ann *avatar.Announcer) {
	ctx := testkit.Ctx(t)
	photo := testPNG(t, 10, 6, color.NRGBA{R: 0xe0, G: 0xd0, B: 0x10})
	card := vcard.Card{FN: "Gö Alice 🦊", Nickname: "alice", Photo: &vcard.Photo{Type: "image/png", Data: photo}}
	if err := vcard.Set(ctx, c, card); err != nil {
		t.Fatal(err)
	}
	want := card.PhotoHash()
	if want != avatar.Hash(photo) {
		t.Errorf("PhotoHash %s, avatar.Hash %s", want, avatar.Hash(photo))
	}

	var got slixVCard
	peer.MustCall(ctx, "vcard_get", map[string]any{"jid": c.JID().Bare().String()}, &got)
	if got.FN != card.FN || !slices.Equal(got.Nicknames, []string{card.Nickname}) {
		t.Errorf("slixmpp read the SDK's vCard FN %q, NICKNAME %q; want %q, %q", got.FN, got.Nicknames, card.FN, card.Nickname)
	}
	if got.PhotoType != "image/png" || !bytes.Equal(got.Photo, photo) || got.PhotoSHA1 != want {
		t.Errorf("slixmpp read the SDK's photo as %s, %d bytes, SHA-1 %s; want image/png, %d bytes, %s",
			got.PhotoType, len(got.Photo), got.PhotoSHA1, len(photo), want)
	}

	if err := ann.Set(want); err != nil {
		t.Fatal(err)
	}
	var seen struct {
		From  string `json:"from"`
		Photo string `json:"photo"`
	}
	peer.MustCall(ctx, "seen_where", map[string]any{"event": "vcard_avatar_update",
		"where": map[string]any{"from": c.JID().String(), "photo": want}}, &seen)
}

// showPhoto describes a vCard photo for a failure.
func showPhoto(p *vcard.Photo) string {
	if p == nil {
		return "no PHOTO"
	}
	return p.Type + ", " + p.URL + ", " + avatar.Hash(p.Data)
}
