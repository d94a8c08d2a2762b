package avatar_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/internal/testkit"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/pep/avatar"
	"github.com/xmppkit/xmpp/pubsub"
	"github.com/xmppkit/xmpp/xmpptest"
)

// The metadata of XEP-0084's examples: one PNG at the data node; and
// several versions, three at URLs, with a pointer.
const (
	xepMetadata = `<metadata xmlns='urn:xmpp:avatar:metadata'>
          <info bytes='12345'
                id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'
                height='64'
                type='image/png'
                width='64'/>
        </metadata>`
	xepMultiple = `<metadata xmlns='urn:xmpp:avatar:metadata'>
          <info bytes='23456' height='64' id='357a8123a30844a3aa99861b6349264ba67a5694'
                type='image/gif' url='http://avatars.example.org/happy.gif' width='64'/>
          <info bytes='12345' height='64' id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f'
                type='image/png' width='64'/>
          <info bytes='78912' height='64' id='03a179fe37bd5d6bf9c2e1e592a14ae7814e31da'
                type='image/mng' url='http://avatars.example.org/happy.mng' width='64'/>
          <pointer>
            <x xmlns='http://example.com/virtualworlds'>
              <game>Ancapistan</game>
              <character>Kropotkin</character>
            </x>
          </pointer>
        </metadata>`
)

func TestParseMetadata(t *testing.T) {
	md, err := avatar.ParseMetadata(testkit.MustElement(t, xepMetadata))
	want := avatar.Info{ID: "111f4b3c50d7b0df729d299bc6f8e9ef9066971f", Bytes: 12345, Type: "image/png", Width: 64, Height: 64}
	if err != nil || len(md.Infos) != 1 || md.Infos[0] != want {
		t.Fatalf("ParseMetadata: %+v, %v", md, err)
	}
	back, err := avatar.ParseMetadata(md.Element())
	if err != nil || !reflect.DeepEqual(back, md) {
		t.Errorf("round trip: %+v, %v", back, err)
	}

	md, err = avatar.ParseMetadata(testkit.MustElement(t, xepMultiple))
	if err != nil || len(md.Infos) != 3 || len(md.Pointers) != 1 || md.Pointers[0].Name.Local != "x" {
		t.Fatalf("ParseMetadata (multiple): %+v, %v", md, err)
	}
	if in, ok := md.InPEP(); !ok || in != want {
		t.Errorf("InPEP: %+v, %t", in, ok)
	}
	back, err = avatar.ParseMetadata(md.Element())
	if err != nil || len(back.Infos) != 3 || back.Infos[0] != md.Infos[0] || !back.Pointers[0].Equal(md.Pointers[0]) {
		t.Errorf("round trip (multiple): %+v, %v", back, err)
	}

	for _, s := range []string{`<metadata xmlns='urn:xmpp:avatar:metadata'/>`, `<metadata xmlns='urn:xmpp:avatar:metadata'><stop/></metadata>`} {
		md, err := avatar.ParseMetadata(testkit.MustElement(t, s))
		if _, ok := md.InPEP(); err != nil || len(md.Infos) != 0 || ok {
			t.Errorf("disabled %s: %+v, %v", s, md, err)
		}
	}
	if e := (avatar.Metadata{}).Element(); e.String() != `<metadata xmlns='urn:xmpp:avatar:metadata'/>` {
		t.Errorf("the zero Metadata: %s", e)
	}
}

func TestParseMetadataMalformed(t *testing.T) {
	const id = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f"
	for _, s := range []string{
		`<metadata xmlns='urn:xmpp:avatar:data'/>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='abc' type='image/png'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='` + strings.Repeat("g", 40) + `' type='image/png'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info id='` + id + `' type='image/png'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='-1' id='` + id + `' type='image/png'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='` + id + `'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='` + id + `' type='image/png' width='0'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='` + id + `' type='image/png' height='x'/></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><pointer><x xmlns='y'/></pointer></metadata>`,
		`<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='` + id + `' type='image/png'/><pointer/></metadata>`,
	} {
		if md, err := avatar.ParseMetadata(testkit.MustElement(t, s)); !errors.Is(err, avatar.ErrMalformed) {
			t.Errorf("ParseMetadata(%s) = %+v, %v", s, md, err)
		}
	}
	md, err := avatar.ParseMetadata(testkit.MustElement(t, `<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='1' id='`+strings.ToUpper(id)+`' type='image/png'/></metadata>`))
	if err != nil || md.Infos[0].ID != id {
		t.Errorf("an upper-case id: %+v, %v", md, err)
	}
}

func TestParseData(t *testing.T) {
	img := bytes.Repeat([]byte("avatar"), 50)
	b64 := base64.StdEncoding.EncodeToString(img)
	lines := "\n" + b64[:60] + "\r\n  " + b64[60:] + "\n"
	got, err := avatar.ParseData(testkit.MustElement(t, `<data xmlns='urn:xmpp:avatar:data'>`+lines+`</data>`), 0)
	if err != nil || !bytes.Equal(got, img) {
		t.Fatalf("ParseData: %v", err)
	}
	if got, err := avatar.ParseData(avatar.DataElement(img), len(img)); err != nil || !bytes.Equal(got, img) {
		t.Errorf("ParseData(DataElement) at the limit: %v", err)
	}
	// Over the limit, refused before decoding: not-base64 text too.
	for _, s := range []string{b64, strings.Repeat("*", len(b64))} {
		if _, err := avatar.ParseData(testkit.MustElement(t, `<data xmlns='urn:xmpp:avatar:data'>`+s+`</data>`), len(img)-1); !errors.Is(err, avatar.ErrTooLarge) {
			t.Errorf("over the limit: %v", err)
		}
	}
	huge := base64.StdEncoding.EncodeToString(make([]byte, avatar.MaxBytes+1))
	if _, err := avatar.ParseData(testkit.MustElement(t, `<data xmlns='urn:xmpp:avatar:data'>`+huge+`</data>`), 0); !errors.Is(err, avatar.ErrTooLarge) {
		t.Errorf("over MaxBytes: %v", err)
	}
	for _, s := range []string{
		`<data xmlns='urn:xmpp:avatar:data'>!!!!</data>`,
		`<data xmlns='urn:xmpp:avatar:data'>QQ=Q</data>`,
	} {
		var ce base64.CorruptInputError
		if _, err := avatar.ParseData(testkit.MustElement(t, s), 0); !errors.Is(err, avatar.ErrMalformed) || !errors.As(err, &ce) {
			t.Errorf("ParseData(%s): %v", s, err)
		}
	}
	for _, s := range []string{`<data xmlns='urn:xmpp:avatar:metadata'/>`, `<data xmlns='urn:xmpp:avatar:data'><x/></data>`} {
		if _, err := avatar.ParseData(testkit.MustElement(t, s), 0); !errors.Is(err, avatar.ErrMalformed) {
			t.Errorf("ParseData(%s): %v", s, err)
		}
	}
}

func TestHash(t *testing.T) {
	// RFC 3174's first test vector.
	if h := avatar.Hash([]byte("abc")); h != "a9993e364706816aba3e25717850c26c9cd0d89d" || !avatar.IsHash(h) {
		t.Errorf("Hash: %s", h)
	}
	for _, s := range []string{"", "a9993e36", strings.Repeat("z", 40), "a9993e364706816aba3e25717850c26c9cd0d89d0"} {
		if avatar.IsHash(s) {
			t.Errorf("IsHash(%q)", s)
		}
	}
}

// pepLogin logs account i into srv with a pubsub Client.
func pepLogin(t *testing.T, srv *xmpptest.Server, i int) (*xmpp.Client, *pubsub.Client) {
	t.Helper()
	var ps *pubsub.Client
	c := testkit.Login(t, srv, i, "", func(c *xmpp.Client) { ps = pubsub.New(c, nil) })
	return c, ps
}

// TestFetchChecks: Fetch returns only the image announced: one whose
// SHA-1 is not its id, one larger than its metadata says or than
// MaxBytes, and one that is not there are refused with their errors.
func TestFetchChecks(t *testing.T) {
	srv := xmpptest.StartServer(t, &xmpptest.ServerOptions{PEP: true})
	_, ps := pepLogin(t, srv, 0)
	ctx := testkit.Ctx(t)
	img := []byte("\x89PNG\r\n\x1a\n a small avatar")
	in, err := avatar.Publish(ctx, ps, img, avatar.Info{Width: 16, Height: 16})
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != avatar.Hash(img) || in.Bytes != len(img) || in.Type != "image/png" || in.Width != 16 {
		t.Errorf("Publish: %+v", in)
	}
	if got, err := avatar.Fetch(ctx, ps, jid.JID{}, in); err != nil || !bytes.Equal(got, img) {
		t.Fatalf("Fetch: %q, %v", got, err)
	}
	if md, ok, err := avatar.FetchMetadata(ctx, ps, jid.JID{}); err != nil || !ok || md.Infos[0] != in {
		t.Errorf("FetchMetadata: %+v, %t, %v", md, ok, err)
	}
	small := in
	small.Bytes = len(img) - 1
	if _, err := avatar.Fetch(ctx, ps, jid.JID{}, small); !errors.Is(err, avatar.ErrTooLarge) {
		t.Errorf("data larger than its metadata says: %v", err)
	}
	huge := in
	huge.Bytes = avatar.MaxBytes + 1
	if _, err := avatar.Fetch(ctx, ps, jid.JID{}, huge); !errors.Is(err, avatar.ErrTooLarge) {
		t.Errorf("metadata over MaxBytes: %v", err)
	}
	if _, err := avatar.Fetch(ctx, ps, jid.JID{}, avatar.Info{ID: in.ID, URL: "https://example.org/a.png"}); !errors.Is(err, avatar.ErrNoData) {
		t.Errorf("an Info with a URL: %v", err)
	}

	// Another image stored under the id of the first: a service that
	// substitutes images.
	forged := avatar.Hash([]byte("announced"))
	if _, err := ps.Publish(ctx, jid.JID{}, avatar.NSData, pubsub.Item{ID: forged, Payload: avatar.DataElement(img)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := avatar.Fetch(ctx, ps, jid.JID{}, avatar.Info{ID: forged, Bytes: len(img), Type: "image/png"}); !errors.Is(err, avatar.ErrHashMismatch) {
		t.Errorf("a substituted image: %v", err)
	}
	// The data node keeps one item: the first image is gone.
	if _, err := avatar.Fetch(ctx, ps, jid.JID{}, in); !errors.Is(err, avatar.ErrNoData) {
		t.Errorf("an id not at the data node: %v", err)
	}

	if _, err := avatar.Publish(ctx, ps, make([]byte, avatar.MaxBytes+1), avatar.Info{}); !errors.Is(err, avatar.ErrTooLarge) {
		t.Errorf("Publish over MaxBytes: %v", err)
	}
	if err := avatar.Disable(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if md, ok, err := avatar.FetchMetadata(ctx, ps, jid.JID{}); err != nil || ok {
		t.Errorf("FetchMetadata after Disable: %+v, %t, %v", md, ok, err)
	}
}
