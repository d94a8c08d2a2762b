package form_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
)

func TestGetters(t *testing.T) {
	f := mustParse(t, xepBotSubmit)
	if b, err := f.Bool("public"); b || err != nil {
		t.Errorf("Bool(public) = %v, %v", b, err)
	}
	if s, err := f.String("botname"); s != "The Jabber Google Bot" || err != nil {
		t.Errorf("String(botname) = %q, %v", s, err)
	}
	if s, err := f.String("description"); err != nil || strings.Count(s, "\n") != 3 || !strings.HasPrefix(s, "This bot enables you to send requests to\nGoogle") {
		t.Errorf("String(description) = %q, %v", s, err)
	}
	if ss, err := f.Strings("features"); !slices.Equal(ss, []string{"news", "search"}) || err != nil {
		t.Errorf("Strings(features) = %q, %v", ss, err)
	}
	js, err := f.JIDs("invitelist")
	if err != nil || !slices.Equal(js, []jid.JID{jid.MustParse("juliet@capulet.com"), jid.MustParse("benvolio@montague.net")}) {
		t.Errorf("JIDs(invitelist) = %v, %v", js, err)
	}
	if s, err := f.String("maxsubs"); s != "50" || err != nil {
		t.Errorf("String(maxsubs) = %q, %v", s, err)
	}

	// Strings returns a copy.
	ss, _ := f.Strings("features")
	ss[0] = "changed"
	if f.Field("features").Values[0] != "news" {
		t.Error("Strings shares its slice with the form")
	}

	g := mustParse(t, xepPubsubAuth)
	if j, err := g.JID("pubsub#subscriber_jid"); err != nil || j != jid.MustParse("sub1@foo.com") {
		t.Errorf("JID = %v, %v", j, err)
	}
}

func TestGetterErrors(t *testing.T) {
	f := mustParse(t, `<x xmlns='jabber:x:data' type='result'>
		<field var='b' type='boolean'/>
		<field var='t' type='text-single'><value>x</value></field>
		<field var='lm' type='list-multi'><value>a</value></field>
		<field var='jm' type='jid-multi'><value>a@b</value><value>A@b</value><value/><value>c@d</value></field>
		<field var='js' type='jid-single'><value>not@valid@jid</value></field>
		<field var='je' type='jid-single'><value/></field>
		<field var='h' type='hidden'><value>1</value><value>2</value></field>
		<field var='u'><value>maybe</value></field>
	</x>`)
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"Bool of missing field", func() error { _, err := f.Bool("nope"); return err }, form.ErrNoField},
		{"String of missing field", func() error { _, err := f.String("nope"); return err }, form.ErrNoField},
		{"Strings of missing field", func() error { _, err := f.Strings("nope"); return err }, form.ErrNoField},
		{"JID of missing field", func() error { _, err := f.JID("nope"); return err }, form.ErrNoField},
		{"JIDs of missing field", func() error { _, err := f.JIDs("nope"); return err }, form.ErrNoField},
		{"Bool of text-single", func() error { _, err := f.Bool("t"); return err }, form.ErrWrongType},
		{"String of list-multi", func() error { _, err := f.String("lm"); return err }, form.ErrWrongType},
		{"String of jid-multi", func() error { _, err := f.String("jm"); return err }, form.ErrWrongType},
		{"String of two-valued hidden", func() error { _, err := f.String("h"); return err }, form.ErrWrongType},
		{"JID of text-single", func() error { _, err := f.JID("t"); return err }, form.ErrWrongType},
		{"JID of jid-multi", func() error { _, err := f.JID("jm"); return err }, form.ErrWrongType},
		{"JIDs of boolean", func() error { _, err := f.JIDs("b"); return err }, form.ErrWrongType},
		{"JID of invalid", func() error { _, err := f.JID("js"); return err }, form.ErrBadJID},
		{"JIDs of invalid", func() error { _, err := f.JIDs("js"); return err }, form.ErrBadJID},
		{"Bool of untyped non-boolean", func() error { _, err := f.Bool("u"); return err }, form.ErrBadBoolean},
	} {
		err := tc.call()
		var fe *form.FieldError
		if !errors.Is(err, tc.want) || !errors.As(err, &fe) {
			t.Errorf("%s = %v, want %v in a *FieldError", tc.name, err, tc.want)
		}
	}

	// The reason of an invalid address is the jid package's.
	_, err := f.JID("js")
	var je *jid.Error
	if !errors.As(err, &je) || !errors.Is(err, jid.ErrInvalidDomain) || !strings.Contains(err.Error(), `field "js"`) {
		t.Errorf("JID(js) = %v", err)
	}

	// No value: the XEP's default for booleans, the zero JID, no JIDs.
	if b, err := f.Bool("b"); b || err != nil {
		t.Errorf("Bool(b) = %v, %v", b, err)
	}
	if j, err := f.JID("je"); !j.IsZero() || err != nil {
		t.Errorf("JID(je) = %v, %v", j, err)
	}
	// Duplicates (after preparation) and empty values are dropped.
	if js, err := f.JIDs("jm"); err != nil || len(js) != 2 || js[0].String() != "a@b" || js[1].String() != "c@d" {
		t.Errorf("JIDs(jm) = %v, %v", js, err)
	}
	// An untyped field fits every getter.
	if s, err := f.String("u"); s != "maybe" || err != nil {
		t.Errorf("String(u) = %q, %v", s, err)
	}
}

func TestSubmit(t *testing.T) {
	def := mustParse(t, xepBotForm)
	sub := def.Submit()
	want := &form.Form{Type: form.TypeSubmit, Fields: []form.Field{
		{Var: "FORM_TYPE", Type: form.Hidden, Values: []string{"jabber:bot"}},
		{Var: "features", Type: form.ListMulti, Values: []string{"news", "search"}},
		{Var: "maxsubs", Type: form.ListSingle, Values: []string{"20"}},
	}}
	if !reflect.DeepEqual(sub, want) {
		t.Fatalf("Submit =\n%#v\nwant\n%#v", sub, want)
	}
	if sub.FormType() != "jabber:bot" {
		t.Errorf("FormType = %q", sub.FormType())
	}

	// Fill it in as XEP-0004 example 3 does: the same form comes out.
	steps := []error{
		sub.SetString("botname", "The Jabber Google Bot"),
		sub.SetStrings("description", "This bot enables you to send requests to", "Google and receive the search results right", "in your Jabber client. It' really cool!", "It even supports Google News!"),
		sub.SetBool("public", false),
		sub.SetString("password", "v3r0na"),
		sub.SetString("maxsubs", "50"),
		sub.SetJIDs("invitelist", jid.MustParse("juliet@capulet.com"), jid.MustParse("benvolio@montague.net")),
	}
	if err := errors.Join(steps...); err != nil {
		t.Fatal(err)
	}
	// The fields the setters added have no type, and come last.
	example := mustParse(t, xepBotSubmit)
	for i := range example.Fields {
		if fd := &example.Fields[i]; fd.Var != "FORM_TYPE" && fd.Var != "features" && fd.Var != "maxsubs" {
			fd.Type = ""
		}
	}
	if !sameFields(sub, example) {
		t.Errorf("filled in =\n%s\nwant\n%s", sub.Element(), example.Element())
	}
	if err := form.Validate(def, sub); err != nil {
		t.Errorf("Validate = %v", err)
	}

	// The submission shares nothing with the definition.
	sub.Field("features").Values[0] = "polls"
	if def.Field("features").Values[0] != "news" {
		t.Error("Submit shares values with its form")
	}
}

// sameFields reports whether a and b have the same fields, in any order.
func sameFields(a, b *form.Form) bool {
	if len(a.Fields) != len(b.Fields) {
		return false
	}
	for _, fd := range a.Fields {
		if g := b.Field(fd.Var); g == nil || !reflect.DeepEqual(fd, *g) {
			return false
		}
	}
	return true
}

func TestSetters(t *testing.T) {
	f := mustParse(t, xepBotForm)
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"SetBool on text-single", f.SetBool("botname", true), form.ErrWrongType},
		{"SetJID on boolean", f.SetJID("public", jid.MustParse("a@b")), form.ErrWrongType},
		{"SetJIDs on text-multi", f.SetJIDs("description", jid.MustParse("a@b")), form.ErrWrongType},
		{"SetString bad boolean", f.SetString("public", "yes"), form.ErrBadBoolean},
		{"SetString bad JID", f.SetString("invitelist", "a@b@c"), form.ErrBadJID},
		{"SetStrings two in list-single", f.SetStrings("maxsubs", "10", "20"), form.ErrWrongType},
		{"SetStrings two in text-single", f.SetStrings("botname", "a", "b"), form.ErrWrongType},
		{"SetStrings bad JID", f.SetStrings("invitelist", "a@b", "@"), form.ErrBadJID},
	} {
		var fe *form.FieldError
		if !errors.Is(tc.err, tc.want) || !errors.As(tc.err, &fe) {
			t.Errorf("%s = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// Nothing was changed by the failures.
	if !equalForms(f, mustParse(t, xepBotForm)) {
		t.Errorf("failed setters changed the form: %s", f.Element())
	}

	// Each setter reads back through its getter.
	if err := f.SetBool("public", true); err != nil {
		t.Fatal(err)
	}
	if b, err := f.Bool("public"); !b || err != nil || f.Field("public").Values[0] != "1" {
		t.Errorf("after SetBool(true): %v, %v, %q", b, err, f.Field("public").Values)
	}
	if err := f.SetString("public", "false"); err != nil {
		t.Errorf("SetString(public, false) = %v", err)
	}
	if err := f.SetStrings("features", "polls", "contests"); err != nil {
		t.Fatal(err)
	}
	if ss, _ := f.Strings("features"); !slices.Equal(ss, []string{"polls", "contests"}) {
		t.Errorf("features = %q", ss)
	}
	if err := f.SetString("description", "one\ntwo"); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.String("description"); s != "one\ntwo" || len(f.Field("description").Values) != 2 {
		t.Errorf("description = %q", f.Field("description").Values)
	}
	if err := f.SetJIDs("invitelist", jid.MustParse("a@b"), jid.JID{}, jid.MustParse("c@d")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Field("invitelist").Values, []string{"a@b", "c@d"}) {
		t.Errorf("invitelist = %q", f.Field("invitelist").Values)
	}
	if err := f.SetJID("invitelist", jid.MustParse("e@f")); err != nil {
		t.Fatal(err)
	}
	if err := f.SetJID("invitelist", jid.JID{}); err != nil || f.Field("invitelist").Values != nil {
		t.Errorf("SetJID(zero) = %v, values %q", err, f.Field("invitelist").Values)
	}

	// The result still parses.
	if g := reparse(t, f); !equalForms(f, g) {
		t.Errorf("round trip changed the form")
	}
}

// A setter adds a missing field: untyped in a submission, typed elsewhere.
func TestSettersAddFields(t *testing.T) {
	sub := form.New(form.TypeSubmit, "urn:xmpp:mam:2")
	if err := errors.Join(
		sub.SetJID("with", jid.MustParse("juliet@capulet.lit")),
		sub.SetString("start", "2010-06-07T00:00:00Z"),
		sub.SetBool("flag", true),
		sub.SetStrings("ids", "a", "b"),
		sub.SetJIDs("people", jid.MustParse("a@b"), jid.MustParse("c@d")),
	); err != nil {
		t.Fatal(err)
	}
	if err := sub.SetJID("nobody", jid.JID{}); err != nil || sub.Field("nobody") != nil {
		t.Errorf("SetJID(zero) of a missing field = %v, added %v", err, sub.Field("nobody"))
	}
	want := `<x xmlns='jabber:x:data' type='submit'>` +
		`<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>` +
		`<field var='with'><value>juliet@capulet.lit</value></field>` +
		`<field var='start'><value>2010-06-07T00:00:00Z</value></field>` +
		`<field var='flag'><value>1</value></field>` +
		`<field var='ids'><value>a</value><value>b</value></field>` +
		`<field var='people'><value>a@b</value><value>c@d</value></field></x>`
	if got := sub.Element().String(); got != want {
		t.Errorf("Element =\n%s\nwant\n%s", got, want)
	}

	res := form.New(form.TypeResult, "urn:xmpp:dataforms:softwareinfo")
	if err := errors.Join(
		res.SetString("software", "xmpp"),
		res.SetStrings("os", "Linux", "GNU"),
		res.SetBool("b", false),
		res.SetJID("j", jid.MustParse("a@b")),
		res.SetJIDs("js", jid.MustParse("a@b")),
	); err != nil {
		t.Fatal(err)
	}
	var types []form.FieldType
	for _, fd := range res.Fields {
		types = append(types, fd.Type)
	}
	if want := []form.FieldType{form.Hidden, form.TextSingle, form.TextMulti, form.Boolean, form.JIDSingle, form.JIDMulti}; !slices.Equal(types, want) {
		t.Errorf("types = %v, want %v", types, want)
	}
	if g := reparse(t, res); !equalForms(res, g) || g.FormType() != "urn:xmpp:dataforms:softwareinfo" {
		t.Errorf("round trip changed the form")
	}
}

func TestCopy(t *testing.T) {
	f := mustParse(t, captchaForm)
	c := f.Copy()
	if !equalForms(f, c) {
		t.Fatal("Copy differs")
	}
	c.Field("ocr").Extensions[0].SetAttr("width", "1")
	c.Fields[0].Values[0] = "x"
	if f.Field("ocr").Extensions[0].Attr("width") != "290" || f.Fields[0].Values[0] != "urn:xmpp:captcha" {
		t.Error("Copy shares memory")
	}
	r := mustParse(t, xepSearchResult)
	rc := r.Copy()
	rc.Items[0][0].Values[0] = "x"
	rc.Reported[0].Var = "x"
	if !equalForms(r, mustParse(t, xepSearchResult)) {
		t.Error("Copy shares items")
	}
	if (*form.Form)(nil).Copy() != nil {
		t.Error("Copy of nil")
	}
}
