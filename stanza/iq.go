package stanza

import (
	"github.com/xmppkit/xmpp/jid"
)

// IQType is the type attribute of an IQ stanza (RFC 6120 section 8.2.3).
// It is required, and ParseIQ rejects values not listed here.
type IQType string

// IQ types.
const (
	// IQGet asks for information; the payload says what.
	IQGet IQType = "get"
	// IQSet provides data or asks for a change; the payload says what.
	IQSet IQType = "set"
	// IQResult answers a get or set successfully, with a payload or none.
	IQResult IQType = "result"
	// IQError answers a get or set with an error.
	IQError IQType = "error"
)

// IQ is an info/query stanza (RFC 6120 section 8.2.3): a request of type
// get or set that is answered by exactly one result or error with the same
// id.
//
// ParseIQ returns an IQ whose strings and payload element are shared with
// the decoded element.
type IQ struct {
	Header
	// Type is the IQ type.
	Type IQType
	// Payload is the one child element of a get or set, the child of a
	// result (nil if it has none), or the original request payload that
	// an error may echo (usually nil).
	Payload *Element
	// Error is the error of an IQ of type error, and nil otherwise.
	Error *Error
}

// NewIQ returns an IQ request of type typ (normally IQGet or IQSet) to the
// address to (zero for the account's own server) carrying payload, with a
// fresh id from NewID.
func NewIQ(typ IQType, to jid.JID, payload *Element) *IQ {
	return &IQ{Header: Header{To: to, ID: NewID()}, Type: typ, Payload: payload}
}

// Result returns the result reply to iq carrying payload (nil for an empty
// result): addressed to iq.From, from iq.To, with the same id.
func (iq *IQ) Result(payload *Element) *IQ {
	return &IQ{Header: iq.reply(), Type: IQResult, Payload: payload}
}

// ErrorReply returns the error reply to iq (see the function ErrorReply):
// addresses swapped, same id, type error, err as its error. The request's
// payload is not included; RFC 6120 section 8.3.1 allows it, and callers
// who want it can set Payload.
func (iq *IQ) ErrorReply(err *Error) *IQ {
	return &IQ{Header: iq.reply(), Type: IQError, Error: err}
}

// Element encodes iq as an iq element in NSClient with the payload, then
// the error, as children. The result shares the payload with iq.
func (iq *IQ) Element() *Element {
	e := iq.element("iq", string(iq.Type))
	if iq.Payload != nil {
		e.AddChild(iq.Payload)
	}
	if iq.Error != nil {
		e.AddChild(iq.Error.Element())
	}
	return e
}

// ParseIQ decodes an IQ stanza in NSClient or NSServer. It fails with a
// *DecodeError when an address is not a valid JID, the id is missing or
// empty, the type is missing or not a defined one, a get or set does not
// have exactly one child element, a result has more than one, an error has
// no <error/> child or more than one other child, an <error/> child is in
// an IQ not of type error, or the error is bad (see ParseError). Character
// data directly inside the iq element is ignored.
func ParseIQ(e *Element) (*IQ, error) {
	const kind = "iq"
	if err := checkName(e, kind); err != nil {
		return nil, err
	}
	iq := &IQ{}
	typ, err := iq.Header.decode(kind, e)
	if err != nil {
		return nil, err
	}
	iq.Type = IQType(typ)
	switch iq.Type {
	case IQGet, IQSet, IQResult, IQError:
	case "":
		return nil, badStanza(kind, "missing type")
	default:
		return nil, badStanza(kind, "unknown type %q", typ)
	}
	if iq.ID == "" {
		return nil, badStanza(kind, "missing id")
	}

	isError := iq.Type == IQError
	payloads := 0
	for i := range e.Nodes {
		c := e.Nodes[i].Elem
		if c == nil {
			continue
		}
		if err := checkChildNS(kind, e.Name.Space, c, iqChild); err != nil {
			return nil, err
		}
		if iqChild(e.Name.Space, c) != "" {
			if iq.Error, err = decodeErrorChild(kind, isError, iq.Error, c); err != nil {
				return nil, err
			}
			continue
		}
		payloads++
		if iq.Payload == nil {
			iq.Payload = c
		}
	}
	if err := iq.checkPayloads(payloads); err != nil {
		return nil, err
	}
	if err := requireErrorChild(kind, isError, iq.Error); err != nil {
		return nil, err
	}
	return iq, nil
}

// iqChild returns "error" if c is the <error/> child of an IQ in namespace
// ns, and "" for a payload.
func iqChild(ns string, c *Element) string {
	if c.Name.Space == ns && c.Name.Local == "error" {
		return "error"
	}
	return ""
}

// checkPayloads checks the number n of payload elements against the type
// (RFC 6120 section 8.2.3).
func (iq *IQ) checkPayloads(n int) error {
	switch {
	case (iq.Type == IQGet || iq.Type == IQSet) && n != 1:
		return badStanza("iq", "%s must have exactly one payload, has %d", iq.Type, n)
	case iq.Type == IQResult && n > 1:
		return badStanza("iq", "result must have at most one payload, has %d", n)
	case iq.Type == IQError && n > 1:
		return badStanza("iq", "error must have at most one payload besides the error, has %d", n)
	}
	return nil
}
