package stream

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

var boshSeeds = []string{
	`<body xmlns='http://jabber.org/protocol/httpbind' sid='s1' wait='60' hold='1' requests='2' polling='2' inactivity='30' maxpause='120' ack='5' ver='1.11' from='localhost' authid='a1' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'>` +
		`<stream:features xmlns:stream='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` +
		`<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features></body>`,
	`<body xmlns='http://jabber.org/protocol/httpbind'><message from='a@b' id='1'><body>hi &amp; bye</body></message><presence xmlns='jabber:client'/></body>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='100000' hold='1000' requests='70000' inactivity='99999'/>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' sid='x' wait='0'/>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='host-unknown'/>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='see-other-uri'><uri>https://other.example/bosh</uri></body>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='remote-stream-error' xmlns:stream='http://etherx.jabber.org/streams'>` +
		`<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced</text></stream:error></body>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='remote-stream-error'><stream:error xmlns:stream='http://etherx.jabber.org/streams'/></body>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' type='error'/>`,
	`<body xmlns='http://jabber.org/protocol/httpbind' ack='3' report='2' time='10'/>`,
	`<body xmlns='jabber:client'/>`,
	`<html><body>502 Bad Gateway</body></html>`,
	`<body xmlns='http://jabber.org/protocol/httpbind'><message>`,
	`<body xmlns='http://jabber.org/protocol/httpbind'/><body xmlns='http://jabber.org/protocol/httpbind'/>`,
	`<?xml version='1.0'?><body xmlns='http://jabber.org/protocol/httpbind'/>`,
	"",
	"garbage",
	`<!DOCTYPE body><body/>`,
}

// FuzzBOSHBody feeds one HTTP response body to the parser. What it
// accepts is exactly what stanza.DecodeElement reads as a
// {httpbind}body; what the rest of the transport makes of an accepted
// body (session parameters, the terminate condition, the payloads as the
// reader gets them) stays within its bounds and never panics.
func FuzzBOSHBody(f *testing.F) {
	for _, s := range boshSeeds {
		f.Add([]byte(s))
	}
	lim := &stanza.Limits{MaxElementBytes: 64 << 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBOSHBody(data, lim)
		want, werr := stanza.DecodeElement(bytes.NewReader(data), lim)
		if err != nil {
			var syn *stanza.SyntaxError
			if !errors.Is(err, ErrBOSHProtocol) && !errors.As(err, &syn) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%q: error %T %v", data, err, err)
			}
			if werr == nil && want.Name == (stanza.Name{Space: NSBOSH, Local: "body"}) {
				t.Fatalf("%q: refused (%v), but DecodeElement reads %s", data, err, want)
			}
			return
		}
		if b.Name != (stanza.Name{Space: NSBOSH, Local: "body"}) {
			t.Fatalf("%q: parsed as %s", data, b.Name)
		}
		if werr != nil || !b.Equal(want) {
			t.Fatalf("%q: parsed %s, DecodeElement %v %v", data, b, want, werr)
		}
		checkSessionParams(t, b)
		checkTerminate(t, b)
		checkDelivery(t, b, len(data))
	})
}

// checkSessionParams: sessionParams refuses with ErrBOSHProtocol, or
// returns parameters within the transport's bounds.
func checkSessionParams(t *testing.T, b *stanza.Element) {
	p, err := sessionParams(b)
	if err != nil {
		if !errors.Is(err, ErrBOSHProtocol) {
			t.Fatalf("%s: sessionParams: %v is not ErrBOSHProtocol", b, err)
		}
		return
	}
	switch {
	case p.SID == "" || len(p.SID) > 1024:
		t.Fatalf("%s: sid %q", b, p.SID)
	case p.Wait <= 0 || p.Wait > maxBOSHWait || p.Polling < 0 || p.Polling > maxBOSHWait:
		t.Fatalf("%s: wait %v, polling %v", b, p.Wait, p.Polling)
	case p.Inactivity < 0 || p.Inactivity > time.Hour || p.MaxPause < 0 || p.MaxPause > time.Hour:
		t.Fatalf("%s: inactivity %v, maxpause %v", b, p.Inactivity, p.MaxPause)
	case p.Requests < 1 || p.Requests > maxBOSHRequests || p.Hold < 0 || p.Hold > p.Requests || p.Hold >= maxBOSHRequests:
		t.Fatalf("%s: requests %d, hold %d", b, p.Requests, p.Hold)
	}
	if _, err := boshWrapper([]string{"rid", "1", "sid", p.SID}); err != nil {
		t.Fatalf("%s: accepted sid %q cannot be sent back: %v", b, p.SID, err)
	}
}

// checkTerminate: every terminate body ends the stream with an error of
// a kind the Client acts on.
func checkTerminate(t *testing.T, b *stanza.Element) {
	err := terminateError(b)
	var be *BOSHError
	var so *SeeOtherURIError
	var se *stanza.StreamError
	switch {
	case err == io.EOF:
		if b.Attr("condition") != "" {
			t.Fatalf("%s: condition ended as io.EOF", b)
		}
	case errors.As(err, &be):
		if be.Condition == "" || be.Condition != b.Attr("condition") {
			t.Fatalf("%s: %+v", b, be)
		}
	case errors.As(err, &so):
		if so.URI == "" {
			t.Fatalf("%s: see-other-uri without a URI", b)
		}
	case errors.As(err, &se):
		if b.Attr("condition") != "remote-stream-error" {
			t.Fatalf("%s: stream error %v", b, se)
		}
	default:
		t.Fatalf("%s: terminate error %T %v", b, err, err)
	}
}

// checkDelivery: the reader gets what deliverLocked queued, with nothing
// left in the wrapper's namespace, no <starttls/> in features, and the
// bytes of the body shared among the elements without going over.
func checkDelivery(t *testing.T, b *stanza.Element, n int) {
	tr := &BOSH{cancel: func() {}, done: make(chan struct{}), ready: make(chan struct{}, 1), wake: make(chan struct{}, 1)}
	tr.deliverLocked(b.Copy(), n)
	if tr.inBytes > n {
		t.Fatalf("%s: %d bytes queued from %d", b, tr.inBytes, n)
	}
	var inNS func(e *stanza.Element) bool
	inNS = func(e *stanza.Element) bool {
		if e.Name.Space == NSBOSH {
			return true
		}
		for c := range e.Children() {
			if inNS(c) {
				return true
			}
		}
		return false
	}
	for _, in := range tr.in {
		if inNS(in.e) {
			t.Fatalf("%s: delivered %s", b, in.e)
		}
		if in.e.Name == (stanza.Name{Space: stanza.NSStream, Local: "features"}) && in.e.Child(NSTLS, "starttls") != nil {
			t.Fatalf("%s: <starttls/> delivered in %s", b, in.e)
		}
	}
	if b.Attr("type") == "terminate" && tr.readErr == nil {
		t.Fatalf("%s: terminate did not end the input", b)
	}
}
