package disco_test

import (
	"crypto"
	"errors"
	"testing"

	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
)

// simpleInfo is the entity of XEP-0115 section 5.2.
func simpleInfo() disco.Info {
	return disco.Info{
		Identities: []disco.Identity{{Category: "client", Type: "pc", Name: "Exodus 0.9.1"}},
		Features: []string{
			"http://jabber.org/protocol/disco#info",
			"http://jabber.org/protocol/disco#items",
			"http://jabber.org/protocol/muc",
			"http://jabber.org/protocol/caps",
		},
	}
}

// complexXML is the disco#info result of XEP-0115 section 5.3.
const complexXML = `<query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
  <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
  <feature var='http://jabber.org/protocol/caps'/>
  <feature var='http://jabber.org/protocol/disco#info'/>
  <feature var='http://jabber.org/protocol/disco#items'/>
  <feature var='http://jabber.org/protocol/muc'/>
  <x xmlns='jabber:x:data' type='result'>
    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
    <field var='ip_version' type='text-multi'><value>ipv4</value><value>ipv6</value></field>
    <field var='os'><value>Mac</value></field>
    <field var='os_version'><value>10.5.1</value></field>
    <field var='software'><value>Psi</value></field>
    <field var='software_version'><value>0.11</value></field>
  </x>
</query>`

// TestVerVectors checks the two examples of XEP-0115 section 5.
func TestVerVectors(t *testing.T) {
	if v, err := disco.Ver(simpleInfo(), crypto.SHA1); err != nil || v != "QgayPKawpkPSDYmwT/WM94uAlu0=" {
		t.Errorf("simple: Ver = %q, %v; want QgayPKawpkPSDYmwT/WM94uAlu0=", v, err)
	}
	info, err := disco.ParseInfo(mustParse(t, complexXML))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := disco.Ver(info, crypto.SHA1); err != nil || v != "q07IKJEyjvHSyhy//CH0CxmKi8w=" {
		t.Errorf("complex: Ver = %q, %v; want q07IKJEyjvHSyhy//CH0CxmKi8w=", v, err)
	}
	// The order of identities, features, forms, fields and values does
	// not matter.
	info.Identities[0], info.Identities[1] = info.Identities[1], info.Identities[0]
	info.Features[0], info.Features[3] = info.Features[3], info.Features[0]
	f := info.Forms[0]
	f.Fields[0], f.Fields[5] = f.Fields[5], f.Fields[0]
	f.Field("ip_version").Values = []string{"ipv6", "ipv4"}
	info.Forms = append([]*form.Form{form.New(form.TypeResult, "urn:example:z")}, info.Forms...)
	info.Forms[0].Fields = append(info.Forms[0].Fields, form.Field{Var: "a", Values: []string{"b"}})
	want, _ := disco.Ver(info, crypto.SHA1)
	info.Forms[0], info.Forms[1] = info.Forms[1], info.Forms[0]
	if v, err := disco.Ver(info, crypto.SHA1); err != nil || v != want {
		t.Errorf("reordered: Ver = %q, %v; want %q", v, err, want)
	}
}

func TestVerOtherHashes(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512} {
		v, err := disco.Ver(simpleInfo(), h)
		if err != nil || seen[v] {
			t.Errorf("Ver(%v) = %q, %v", h, v, err)
		}
		seen[v] = true
		name, ok := disco.HashName(h)
		if back, ok2 := disco.HashByName(name); !ok || !ok2 || back != h {
			t.Errorf("HashName(%v) = %q, %v; HashByName gives %v, %v", h, name, ok, back, ok2)
		}
	}
	for _, h := range []crypto.Hash{crypto.MD5, 0, crypto.SHA3_256} {
		if _, err := disco.Ver(simpleInfo(), h); !errors.Is(err, disco.ErrUnsupportedHash) {
			t.Errorf("Ver(%v) = %v, want ErrUnsupportedHash", h, err)
		}
	}
}

// TestVerRefuses checks the information section 5.4 calls ill-formed, and
// the '<' ambiguity.
func TestVerRefuses(t *testing.T) {
	withForms := func(fs ...*form.Form) disco.Info {
		info := simpleInfo()
		info.Forms = fs
		return info
	}
	ft := func(values ...string) *form.Form {
		f := form.New(form.TypeResult, "")
		f.Fields = []form.Field{{Var: form.VarFormType, Type: form.Hidden, Values: values}}
		return f
	}
	for name, info := range map[string]disco.Info{
		"repeated identity": {Identities: []disco.Identity{{Category: "client", Type: "pc"}, {Category: "client", Type: "pc"}}},
		"repeated feature":  {Identities: []disco.Identity{{Category: "client", Type: "pc"}}, Features: []string{"a", "b", "a"}},
		"no category":       {Identities: []disco.Identity{{Type: "pc"}}},
		"form type twice":   withForms(form.New(form.TypeResult, "urn:x"), form.New(form.TypeResult, "urn:x")),
		"form type values":  withForms(ft("urn:x", "urn:y")),
		"< in feature":      {Identities: []disco.Identity{{Category: "client", Type: "pc"}}, Features: []string{"a<b"}},
		"< in name":         {Identities: []disco.Identity{{Category: "client", Type: "pc", Name: "I <3 XMPP"}}},
		"< in value":        withForms(&form.Form{Type: form.TypeResult, Fields: []form.Field{{Var: form.VarFormType, Type: form.Hidden, Values: []string{"urn:x"}}, {Var: "v", Values: []string{"<"}}}}),
	} {
		if v, err := disco.Ver(info, crypto.SHA1); !errors.Is(err, disco.ErrNotHashable) {
			t.Errorf("%s: Ver = %q, %v; want ErrNotHashable", name, v, err)
		}
	}
	// Forms without a hidden FORM_TYPE are left out, as section 5.4 says;
	// a FORM_TYPE repeating one value is accepted.
	want, _ := disco.Ver(simpleInfo(), crypto.SHA1)
	notHidden := &form.Form{Type: form.TypeResult, Fields: []form.Field{{Var: form.VarFormType, Values: []string{"urn:x"}}, {Var: "a", Values: []string{"b"}}}}
	noType := &form.Form{Type: form.TypeResult, Fields: []form.Field{{Var: "a", Values: []string{"b"}}}}
	if v, err := disco.Ver(withForms(notHidden, noType), crypto.SHA1); err != nil || v != want {
		t.Errorf("ignored forms: Ver = %q, %v; want %q", v, err, want)
	}
	if _, err := disco.Ver(withForms(ft("urn:x", "urn:x")), crypto.SHA1); err != nil {
		t.Errorf("FORM_TYPE with one value twice: %v", err)
	}
}
