package stream

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/stanza"
)

// FuzzWebSocketMessage feeds one WebSocket text message to the framing
// parser. What it accepts must be what stanza.DecodeElement accepts as a
// single element (the differential), and must survive a round trip
// through the encoder; what it refuses must be a *FramingError or a
// *stanza.SyntaxError, so that the peer is sent a stream error.
func FuzzWebSocketMessage(f *testing.F) {
	for _, s := range []string{
		"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='x' version='1.0' xml:lang='en'/>",
		"<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='wss://example.net/'/>",
		"<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
		"<message xmlns='jabber:client' to='a@b'><body>hi &amp; bye</body></message>",
		"<?xml version='1.0'?><presence xmlns='jabber:client'/>",
		" <iq xmlns='jabber:client' type='get' id='1'/>\n",
		"<a xmlns='x'/><b xmlns='x'/>",
		"<a xmlns='x'/>text",
		"text<a xmlns='x'/>",
		"<a xmlns='x'>",
		"<a xmlns='x'></b>",
		"",
		"   ",
		"<!DOCTYPE a><a/>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		ws := &WebSocket{}
		ws.dec = stanza.NewFragmentDecoder(&ws.br, nil)
		e, err := ws.decode(msg)
		want, werr := stanza.DecodeElement(bytes.NewReader(msg), nil)
		if err != nil {
			var fe *FramingError
			var syn *stanza.SyntaxError
			if !errors.As(err, &fe) && !errors.As(err, &syn) {
				t.Fatalf("%q: error %T %v is neither framing nor syntax", msg, err, err)
			}
			if werr == nil {
				t.Fatalf("%q: refused (%v), but DecodeElement reads %s", msg, err, want)
			}
			return
		}
		if e == nil {
			if len(bytes.Trim(msg, " \t\r\n")) != 0 {
				t.Fatalf("%q: nothing read from a message that is not white space", msg)
			}
			return
		}
		if werr != nil {
			t.Fatalf("%q: read %s, but DecodeElement refuses it: %v", msg, e, werr)
		}
		if !e.Equal(want) {
			t.Fatalf("%q: read %s, DecodeElement %s", msg, e, want)
		}
		enc, err := stanza.AppendElement(nil, e)
		if err != nil {
			t.Fatalf("%q: re-encode %s: %v", msg, e, err)
		}
		again, err := ws.decode(enc)
		if err != nil || !again.Equal(e) {
			t.Fatalf("%q: round trip %q: %v %s", msg, enc, err, again)
		}
	})
}
