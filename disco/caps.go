package disco

import (
	"cmp"
	"crypto"
	_ "crypto/sha1" // SHA-1, mandatory for XEP-0115
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// HashName returns the name of h in the IANA Hash Function Textual Names
// registry, as the caps hash attribute carries it ("sha-1" for
// crypto.SHA1), and whether Ver supports h. MD5 is left out on purpose.
func HashName(h crypto.Hash) (string, bool) {
	switch h {
	case crypto.SHA1:
		return "sha-1", true
	case crypto.SHA224:
		return "sha-224", true
	case crypto.SHA256:
		return "sha-256", true
	case crypto.SHA384:
		return "sha-384", true
	case crypto.SHA512:
		return "sha-512", true
	}
	return "", false
}

// HashByName returns the hash function named name in a caps hash
// attribute and whether Ver supports it.
func HashByName(name string) (crypto.Hash, bool) {
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		if n, _ := HashName(h); n == name {
			return h, true
		}
	}
	return 0, false
}

// Caps is the entity capabilities annotation of a presence (XEP-0115
// section 4): <c xmlns='http://jabber.org/protocol/caps'/>.
type Caps struct {
	// Hash names the hash function of Ver, as the IANA registry does
	// ("sha-1"). It is empty in the legacy format (before XEP-0115 1.4),
	// whose Ver is not a hash.
	Hash string
	// Node identifies the software, normally a URL of its project.
	Node string
	// Ver is the verification string: the hash of the entity's
	// information (see the function Ver).
	Ver string
}

// ParseCaps decodes a <c xmlns='http://jabber.org/protocol/caps'/>
// element. An error wrapping ErrMalformed is returned when e is nil or
// another element, or when node or ver is missing. A missing hash is
// accepted (the legacy format); the deprecated ext attribute is ignored.
func ParseCaps(e *stanza.Element) (Caps, error) {
	if e == nil || e.Name != (stanza.Name{Space: NSCaps, Local: "c"}) {
		return Caps{}, fmt.Errorf("%w: not a caps element", ErrMalformed)
	}
	c := Caps{Hash: e.Attr("hash"), Node: e.Attr("node"), Ver: e.Attr("ver")}
	if c.Node == "" || c.Ver == "" {
		return Caps{}, fmt.Errorf("%w: caps without node or ver", ErrMalformed)
	}
	return c, nil
}

// Element encodes c as a <c/> element.
func (c Caps) Element() *stanza.Element {
	e := stanza.NewElement(NSCaps, "c")
	if c.Hash != "" {
		e.SetAttr("hash", c.Hash)
	}
	return e.SetAttr("node", c.Node).SetAttr("ver", c.Ver)
}

// Ver returns the XEP-0115 verification string of info for the hash
// function h (crypto.SHA1 is the one every implementation has; SHA-224,
// SHA-256, SHA-384 and SHA-512 are supported too, others give
// ErrUnsupportedHash). It follows the generation method of XEP-0115
// section 5.1: identities sorted by category, type, language and name,
// each as category/type/lang/name; then the features, sorted; then the
// extended information forms sorted by FORM_TYPE, each as its FORM_TYPE
// followed by its other fields sorted by var, each field as its var
// followed by its values sorted; every item followed by '<'; all sorting
// by octets; the hash base64-encoded. Node is not hashed.
//
// As section 5.4 prescribes for a processing entity, a form without a
// FORM_TYPE field or whose FORM_TYPE field is not of type hidden is left
// out, and information is refused with an error wrapping ErrNotHashable
// when it repeats an identity (same category, type, language and name) or
// a feature, when two forms have the same FORM_TYPE, or when a FORM_TYPE
// field has several different values. Ver also refuses identities without
// category or type and, beyond the XEP, any hashed string that contains
// '<': the delimiter would make two different sets of information (a
// feature "a<b" and the features "a" and "b") give the same string, which
// is the known preimage attack on XEP-0115 (section 8.3); no sensible
// entity needs '<' there.
func Ver(info Info, h crypto.Hash) (string, error) {
	if _, ok := HashName(h); !ok || !h.Available() {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedHash, h)
	}
	s, err := verString(info)
	if err != nil {
		return "", err
	}
	hh := h.New()
	hh.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(hh.Sum(nil)), nil
}

// verString returns the string S of XEP-0115 section 5.1.
func verString(info Info) (string, error) {
	var b strings.Builder
	ids := slices.Clone(info.Identities)
	slices.SortFunc(ids, func(a, b Identity) int {
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Type, b.Type),
			cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Name, b.Name))
	})
	for i, id := range ids {
		if id.Category == "" || id.Type == "" {
			return "", fmt.Errorf("%w: identity without category or type", ErrNotHashable)
		}
		if i > 0 && id == ids[i-1] {
			return "", fmt.Errorf("%w: identity %s/%s repeated", ErrNotHashable, id.Category, id.Type)
		}
		if err := append1(&b, id.Category+"/"+id.Type+"/"+id.Lang+"/"+id.Name, id.Category, id.Type, id.Lang, id.Name); err != nil {
			return "", err
		}
	}
	features := slices.Clone(info.Features)
	slices.Sort(features)
	for i, f := range features {
		if i > 0 && f == features[i-1] {
			return "", fmt.Errorf("%w: feature %.64q repeated", ErrNotHashable, f)
		}
		if err := append1(&b, f, f); err != nil {
			return "", err
		}
	}
	forms, err := hashedForms(info.Forms)
	if err != nil {
		return "", err
	}
	for _, f := range forms {
		if err := appendForm(&b, f.typ, f.f); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// typedForm is an extended information form with its FORM_TYPE.
type typedForm struct {
	typ string
	f   *form.Form
}

// hashedForms returns the forms Ver hashes, sorted by FORM_TYPE.
func hashedForms(forms []*form.Form) ([]typedForm, error) {
	var out []typedForm
	for _, f := range forms {
		if f == nil {
			continue
		}
		fd := f.Field(form.VarFormType)
		if fd == nil || fd.Type != form.Hidden || len(fd.Values) == 0 {
			continue
		}
		for _, v := range fd.Values[1:] {
			if v != fd.Values[0] {
				return nil, fmt.Errorf("%w: FORM_TYPE with several values", ErrNotHashable)
			}
		}
		out = append(out, typedForm{fd.Values[0], f})
	}
	slices.SortFunc(out, func(a, b typedForm) int { return cmp.Compare(a.typ, b.typ) })
	for i := 1; i < len(out); i++ {
		if out[i].typ == out[i-1].typ {
			return nil, fmt.Errorf("%w: two forms of FORM_TYPE %.64q", ErrNotHashable, out[i].typ)
		}
	}
	return out, nil
}

// appendForm appends the FORM_TYPE and the fields of f to b.
func appendForm(b *strings.Builder, typ string, f *form.Form) error {
	if err := append1(b, typ, typ); err != nil {
		return err
	}
	fields := slices.Clone(f.Fields)
	slices.SortStableFunc(fields, func(a, b form.Field) int { return cmp.Compare(a.Var, b.Var) })
	for _, fd := range fields {
		if fd.Var == form.VarFormType {
			continue
		}
		if err := append1(b, fd.Var, fd.Var); err != nil {
			return err
		}
		values := slices.Clone(fd.Values)
		slices.Sort(values)
		for _, v := range values {
			if err := append1(b, v, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// append1 appends s and '<' to b, after checking that none of parts (the
// strings s is made of) contains '<'.
func append1(b *strings.Builder, s string, parts ...string) error {
	for _, p := range parts {
		if strings.Contains(p, "<") {
			return fmt.Errorf("%w: %.64q contains '<'", ErrNotHashable, p)
		}
	}
	b.WriteString(s)
	b.WriteByte('<')
	return nil
}

// capsHash is the hash function of the verification strings the Server
// announces: SHA-1, the one every implementation supports.
const capsHash = crypto.SHA1

// Caps returns the entity capabilities element (XEP-0115) for the Client's
// current information, <c xmlns='http://jabber.org/protocol/caps'
// hash='sha-1' node='node' ver='...'/>, to put in outgoing presence (for
// example as a payload of presence.Available). node identifies the
// software, normally a URL of its project. Caps advertises the caps
// feature, and from then on the Server answers disco#info about
// node#ver, for the current ver, as XEP-0115 requires.
//
// Serve already annotates the Client's presence with the caps of its
// DefaultCapsNode (or ServeOptions.CapsNode) and keeps them current; Caps
// is for an application that builds its presence by hand, or announces
// another node (with ServeOptions.NoCaps). Caps fails when node is empty or when the information cannot be hashed
// (see Ver).
func (s *Server) Caps(node string) (*stanza.Element, error) {
	if node == "" {
		return nil, errors.New("disco: caps: empty node")
	}
	s.c.Advertise(NSCaps)
	s.mu.Lock()
	if !slices.Contains(s.capsNodes, node) {
		s.capsNodes = append(s.capsNodes, node)
	}
	s.mu.Unlock()
	ver, err := Ver(s.Info(), capsHash)
	if err != nil {
		return nil, fmt.Errorf("disco: caps: %w", err)
	}
	name, _ := HashName(capsHash)
	return Caps{Hash: name, Node: node, Ver: ver}.Element(), nil
}
