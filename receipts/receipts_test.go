package receipts_test

import (
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/receipts"
	"github.com/xmppkit/xmpp/stanza"
)

func TestRequest(t *testing.T) {
	m := &stanza.Message{Header: stanza.Header{To: jid.MustParse("bob@localhost")}, Type: stanza.MessageChat}
	if receipts.Requested(m) {
		t.Fatal("Requested before Request")
	}
	receipts.Request(m)
	id := m.ID
	receipts.Request(m)
	if id == "" || m.ID != id || !receipts.Requested(m) || len(m.Payloads) != 1 {
		t.Fatalf("after Request twice: %s", m.Element())
	}
	if got := m.Payloads[0].String(); got != `<request xmlns='urn:xmpp:receipts'/>` {
		t.Errorf("payload %s", got)
	}
	m = stanza.NewMessage(stanza.MessageChat, jid.MustParse("bob@localhost"), "hi")
	id = m.ID
	receipts.Request(m)
	if m.ID != id {
		t.Errorf("Request changed the id %q to %q", id, m.ID)
	}
}

// TestReceived reads the receipt of XEP-0184 example 4 and refuses
// malformed ones.
func TestReceived(t *testing.T) {
	m := mustMessage(t, `<message xmlns='jabber:client'
    from='kingrichard@royalty.england.lit/throne'
    id='bi29sg183b4v'
    to='northumberland@shakespeare.lit/westminster'>
  <received xmlns='urn:xmpp:receipts' id='richard2-4.1.247'/>
</message>`)
	if id, ok := receipts.Received(m); !ok || id != "richard2-4.1.247" {
		t.Errorf("Received = %q, %v", id, ok)
	}
	if receipts.Requested(m) {
		t.Error("a receipt is not a request")
	}
	for _, s := range []string{
		`<received xmlns='urn:xmpp:receipts'/>`,
		`<received xmlns='urn:xmpp:receipts' id=''/>`,
		`<received xmlns='urn:xmpp:receipts' id='x'><y/></received>`,
		`<received xmlns='urn:xmpp:receipt' id='x'/>`,
		`<request xmlns='urn:xmpp:receipts' id='x'/>`,
	} {
		e := mustElement(t, s)
		if id, err := receipts.ParseReceived(e); !errors.Is(err, receipts.ErrMalformed) {
			t.Errorf("ParseReceived(%s) = %q, %v", s, id, err)
		}
		m := &stanza.Message{Payloads: []*stanza.Element{e}}
		if id, ok := receipts.Received(m); ok {
			t.Errorf("Received(%s) = %q", s, id)
		}
	}
	if _, err := receipts.ParseReceived(nil); !errors.Is(err, receipts.ErrMalformed) {
		t.Errorf("ParseReceived(nil) = %v", err)
	}
	// The first valid receipt counts.
	m = &stanza.Message{Payloads: []*stanza.Element{
		mustElement(t, `<received xmlns='urn:xmpp:receipts'/>`), receipts.ReceivedElement("a"), receipts.ReceivedElement("b")}}
	if id, ok := receipts.Received(m); !ok || id != "a" {
		t.Errorf("Received = %q, %v", id, ok)
	}
}

func TestAck(t *testing.T) {
	m := mustMessage(t, `<message xmlns='jabber:client' from='northumberland@shakespeare.lit/westminster' id='richard2-4.1.247'
    to='kingrichard@royalty.england.lit/throne' type='chat'>
  <body>My lord, dispatch; read o'er these articles.</body>
  <request xmlns='urn:xmpp:receipts'/>
</message>`)
	ack := receipts.Ack(m)
	if ack.To != m.From || ack.Type != stanza.MessageChat || ack.ID == "" || ack.ID == m.ID || len(ack.Payloads) != 1 || len(ack.Bodies) != 0 {
		t.Fatalf("Ack = %s", ack.Element())
	}
	if id, ok := receipts.Received(ack); !ok || id != m.ID {
		t.Errorf("Ack acknowledges %q, %v", id, ok)
	}
}
