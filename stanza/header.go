package stanza

import (
	"fmt"
	"strings"

	"github.com/xmppkit/xmpp/jid"
)

// Header holds the attributes that message, presence and IQ stanzas have in
// common (RFC 6120 section 8.1): the addresses, the id and the language. It
// is embedded in Message, Presence and IQ; the type attribute is not part
// of it because each kind of stanza has its own set of types.
type Header struct {
	// To is the intended recipient. The zero JID means the attribute is
	// absent: the stanza is for the sender's own account or server.
	To jid.JID
	// From is the sender. Servers stamp it on stanzas they deliver; a
	// client leaves it zero on stanzas it sends.
	From jid.JID
	// ID identifies the stanza, so that a reply or an error can be
	// matched to it. It is required for IQ stanzas.
	ID string
	// Lang is the stanza's xml:lang attribute: the default language of
	// human-readable text in it, such as bodies and statuses. Empty means
	// the attribute is absent.
	Lang string
}

// StanzaHeader returns h. Through embedding it gives access to the common
// attributes of any Stanza.
func (h *Header) StanzaHeader() *Header { return h }

// reply returns the header of a reply to the stanza with header h: the
// addresses swapped and the same id.
func (h *Header) reply() Header {
	return Header{To: h.From, From: h.To, ID: h.ID}
}

// decode reads the common attributes of e into h and returns the value of
// the type attribute ("" when absent). kind names the stanza in errors.
// Attributes other than the common ones are ignored. It does not allocate
// unless it fails.
func (h *Header) decode(kind string, e *Element) (typ string, err error) {
	for i := range e.Attrs {
		a := &e.Attrs[i]
		switch a.Name {
		case Name{Local: "to"}:
			h.To, err = parseAddr(kind, "to", a.Value)
		case Name{Local: "from"}:
			h.From, err = parseAddr(kind, "from", a.Value)
		case Name{Local: "id"}:
			h.ID = a.Value
		case Name{Local: "type"}:
			typ = a.Value
		case Name{Space: NSXML, Local: "lang"}:
			h.Lang = a.Value
		}
		if err != nil {
			return "", err
		}
	}
	return typ, nil
}

// element returns an element named {NSClient}local carrying h's attributes
// and, when not empty, the type typ.
func (h *Header) element(local, typ string) *Element {
	e := &Element{Name: Name{Space: NSClient, Local: local}, Attrs: make([]Attr, 0, 5)}
	if !h.To.IsZero() {
		e.Attrs = append(e.Attrs, A("to", h.To.String()))
	}
	if !h.From.IsZero() {
		e.Attrs = append(e.Attrs, A("from", h.From.String()))
	}
	if h.ID != "" {
		e.Attrs = append(e.Attrs, A("id", h.ID))
	}
	if typ != "" {
		e.Attrs = append(e.Attrs, A("type", typ))
	}
	if h.Lang != "" {
		e.Attrs = append(e.Attrs, Attr{Name: Name{Space: NSXML, Local: "lang"}, Value: h.Lang})
	}
	return e
}

// parseAddr parses the value of the address attribute attr ("to", "from",
// "by") of a kind element.
func parseAddr(kind, attr, v string) (jid.JID, error) {
	j, err := jid.Parse(v)
	if err != nil {
		return jid.JID{}, &DecodeError{
			Kind:      kind,
			Reason:    fmt.Sprintf("bad %s address %q", attr, v),
			Condition: ErrJIDMalformed,
			Err:       err,
		}
	}
	return j, nil
}

// Text is a piece of human-readable text in a language: a message body or
// subject, or a presence status. A stanza may carry one per language.
type Text struct {
	// Lang is the element's own xml:lang. Empty means the text is in the
	// stanza's language (Header.Lang).
	Lang string
	// Value is the text itself.
	Value string
}

// textOf returns the text and language of the element c. It does not
// allocate when c holds at most one text node.
func textOf(c *Element) Text {
	return Text{Lang: c.Lang(), Value: c.Text()}
}

// effectiveLang returns the language of a text whose own xml:lang is own
// inside a stanza whose xml:lang is stanza. An empty own xml:lang is taken
// as absent, so that encoding (which omits it) does not change the meaning.
func effectiveLang(own, stanza string) string {
	if own != "" {
		return own
	}
	return stanza
}

// lookupText returns the value of the text in ts whose effective language
// is lang, compared without regard to case as language tags are.
func lookupText(ts []Text, stanzaLang, lang string) (string, bool) {
	for _, t := range ts {
		if strings.EqualFold(effectiveLang(t.Lang, stanzaLang), lang) {
			return t.Value, true
		}
	}
	return "", false
}

// defaultText returns the text of ts in the stanza's language, else the
// first text, else "".
func defaultText(ts []Text, stanzaLang string) string {
	if v, ok := lookupText(ts, stanzaLang, stanzaLang); ok {
		return v
	}
	if len(ts) > 0 {
		return ts[0].Value
	}
	return ""
}

// checkLangs reports an error when two texts of ts have the same effective
// language; RFC 6121 forbids that for bodies, subjects and statuses.
func checkLangs(kind, local string, ts []Text, stanzaLang string) error {
	for i := 1; i < len(ts); i++ {
		li := effectiveLang(ts[i].Lang, stanzaLang)
		for j := range i {
			if strings.EqualFold(li, effectiveLang(ts[j].Lang, stanzaLang)) {
				return badStanza(kind, "more than one %s with xml:lang %q", local, li)
			}
		}
	}
	return nil
}

// addTexts appends one element {NSClient}local per text to e.
func addTexts(e *Element, local string, ts []Text) {
	for _, t := range ts {
		c := NewElement(NSClient, local)
		if t.Lang != "" {
			c.SetAttrNS(NSXML, "lang", t.Lang)
		}
		e.AddChild(c.AddText(t.Value))
	}
}
