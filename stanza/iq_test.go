package stanza_test

import (
	"testing"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

const (
	iqQuery = `<query xmlns='jabber:iq:roster'/>`
	iqErr   = `<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`
)

func TestParseIQ(t *testing.T) {
	for _, tc := range []struct {
		name, xml string
		typ       stanza.IQType
		payload   string // local name of the payload, "" for none
		errCond   stanza.Condition
	}{
		{"get", `<iq xmlns='jabber:client' type='get' id='1'>` + iqQuery + `</iq>`, stanza.IQGet, "query", ""},
		{"set with whitespace", "<iq xmlns='jabber:client' type='set' id='1'>\n  " + iqQuery + "\n</iq>", stanza.IQSet, "query", ""},
		{"empty result", `<iq xmlns='jabber:client' type='result' id='1'/>`, stanza.IQResult, "", ""},
		{"result with payload", `<iq xmlns='jabber:client' type='result' id='1'>` + iqQuery + `</iq>`, stanza.IQResult, "query", ""},
		{"error", `<iq xmlns='jabber:client' type='error' id='1'>` + iqErr + `</iq>`, stanza.IQError, "", stanza.ErrServiceUnavailable},
		{"error echoing the request", `<iq xmlns='jabber:client' type='error' id='1'>` + iqQuery + iqErr + `</iq>`,
			stanza.IQError, "query", stanza.ErrServiceUnavailable},
		{"error after the error child", `<iq xmlns='jabber:client' type='error' id='1'>` + iqErr + iqQuery + `</iq>`,
			stanza.IQError, "query", stanza.ErrServiceUnavailable},
		{"server namespace", `<iq xmlns='jabber:server' type='error' id='1'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
			stanza.IQError, "", stanza.ErrGone},
		{"payload in stanza namespace", `<iq xmlns='jabber:client' type='get' id='1'><bind/></iq>`, stanza.IQGet, "bind", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iq, err := stanza.ParseIQ(elemFromXML(t, tc.xml))
			if err != nil {
				t.Fatal(err)
			}
			if iq.Type != tc.typ || iq.ID != "1" {
				t.Errorf("type %q id %q, want %q 1", iq.Type, iq.ID, tc.typ)
			}
			switch {
			case tc.payload == "" && iq.Payload != nil:
				t.Errorf("Payload = %v, want nil", iq.Payload)
			case tc.payload != "" && (iq.Payload == nil || iq.Payload.Name.Local != tc.payload):
				t.Errorf("Payload = %v, want %s", iq.Payload, tc.payload)
			}
			switch {
			case tc.errCond == "" && iq.Error != nil:
				t.Errorf("Error = %v, want nil", iq.Error)
			case tc.errCond != "" && (iq.Error == nil || iq.Error.Condition != tc.errCond):
				t.Errorf("Error = %v, want %s", iq.Error, tc.errCond)
			}
		})
	}
}

func TestParseIQErrors(t *testing.T) {
	const ns = `xmlns='jabber:client'`
	for _, tc := range []struct{ name, xml, want string }{
		{"missing type", `<iq ` + ns + ` id='1'>` + iqQuery + `</iq>`, `stanza: iq: missing type`},
		{"empty type", `<iq ` + ns + ` id='1' type=''>` + iqQuery + `</iq>`, `stanza: iq: missing type`},
		{"unknown type", `<iq ` + ns + ` id='1' type='GET'>` + iqQuery + `</iq>`, `stanza: iq: unknown type "GET"`},
		{"missing id", `<iq ` + ns + ` type='get'>` + iqQuery + `</iq>`, `stanza: iq: missing id`},
		{"empty id", `<iq ` + ns + ` type='result' id=''/>`, `stanza: iq: missing id`},
		{"get without payload", `<iq ` + ns + ` type='get' id='1'/>`, `stanza: iq: get must have exactly one payload, has 0`},
		{"get with text only", `<iq ` + ns + ` type='get' id='1'>text</iq>`, `stanza: iq: get must have exactly one payload, has 0`},
		{"get with two payloads", `<iq ` + ns + ` type='get' id='1'>` + iqQuery + iqQuery + `</iq>`,
			`stanza: iq: get must have exactly one payload, has 2`},
		{"set without payload", `<iq ` + ns + ` type='set' id='1'/>`, `stanza: iq: set must have exactly one payload, has 0`},
		{"result with two payloads", `<iq ` + ns + ` type='result' id='1'>` + iqQuery + iqQuery + `</iq>`,
			`stanza: iq: result must have at most one payload, has 2`},
		{"error without error child", `<iq ` + ns + ` type='error' id='1'>` + iqQuery + `</iq>`,
			`stanza: iq: type error without an error child`},
		{"error with two payloads", `<iq ` + ns + ` type='error' id='1'>` + iqQuery + iqQuery + iqErr + `</iq>`,
			`stanza: iq: error must have at most one payload besides the error, has 2`},
		{"two error children", `<iq ` + ns + ` type='error' id='1'>` + iqErr + iqErr + `</iq>`,
			`stanza: iq: more than one error child`},
		{"error child in result", `<iq ` + ns + ` type='result' id='1'>` + iqErr + `</iq>`,
			`stanza: iq: error child in a stanza not of type error`},
		{"error child in get", `<iq ` + ns + ` type='get' id='1'>` + iqErr + `</iq>`,
			`stanza: iq: error child in a stanza not of type error`},
		{"bad error", `<iq ` + ns + ` type='error' id='1'><error type='later'/></iq>`,
			`stanza: iq: error: unknown type "later"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iq, err := stanza.ParseIQ(elemFromXML(t, tc.xml))
			decodeErr(t, err, tc.want, stanza.ErrBadRequest)
			if iq != nil {
				t.Errorf("iq = %+v, want nil", iq)
			}
		})
	}
}

func TestIQResult(t *testing.T) {
	romeo, server := jid.MustParse("romeo@example.net/orchard"), jid.MustParse("example.net")
	req := stanza.NewIQ(stanza.IQGet, server, stanza.NewElement("jabber:iq:version", "query"))
	req.From = romeo
	if req.ID == "" || req.To != server || req.Type != stanza.IQGet {
		t.Fatalf("NewIQ = %+v", req)
	}
	answer := stanza.NewElement("jabber:iq:version", "query").AddChild(stanza.NewElement("jabber:iq:version", "name").AddText("x"))
	res := req.Result(answer)
	if res.To != romeo || res.From != server || res.ID != req.ID || res.Type != stanza.IQResult || res.Payload != answer || res.Error != nil {
		t.Errorf("Result = %+v", res)
	}
	back, err := stanza.ParseIQ(res.Element())
	if err != nil || !sameStanza(back, res) {
		t.Errorf("result round trip = %+v, %v", back, err)
	}
	if empty := req.Result(nil); empty.Payload != nil || len(empty.Element().Nodes) != 0 {
		t.Errorf("empty result has content: %+v", empty.Element())
	}
}
