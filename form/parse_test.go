package form_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// The bot configuration form of XEP-0004 example 2, decoded in full.
func TestParseBotForm(t *testing.T) {
	got := mustParse(t, xepBotForm)
	want := &form.Form{
		Type:         form.TypeForm,
		Title:        "Bot Configuration",
		Instructions: []string{"Fill out this form to configure your new bot!"},
		Fields: []form.Field{
			{Var: "FORM_TYPE", Type: form.Hidden, Values: []string{"jabber:bot"}},
			{Type: form.Fixed, Values: []string{"Section 1: Bot Info"}},
			{Var: "botname", Type: form.TextSingle, Label: "The name of your bot"},
			{Var: "description", Type: form.TextMulti, Label: "Helpful description of your bot"},
			{Var: "public", Type: form.Boolean, Label: "Public bot?", Required: true},
			{Var: "password", Type: form.TextPrivate, Label: "Password for special access"},
			{Type: form.Fixed, Values: []string{"Section 2: Features"}},
			{Var: "features", Type: form.ListMulti, Label: "What features will the bot support?",
				Values:  []string{"news", "search"},
				Options: []form.Option{{"Contests", "contests"}, {"News", "news"}, {"Polls", "polls"}, {"Reminders", "reminders"}, {"Search", "search"}}},
			{Type: form.Fixed, Values: []string{"Section 3: Subscriber List"}},
			{Var: "maxsubs", Type: form.ListSingle, Label: "Maximum number of subscribers",
				Values:  []string{"20"},
				Options: []form.Option{{"10", "10"}, {"20", "20"}, {"30", "30"}, {"50", "50"}, {"100", "100"}, {"None", "none"}}},
			{Type: form.Fixed, Values: []string{"Section 4: Invitations"}},
			{Var: "invitelist", Type: form.JIDMulti, Label: "People to invite", Desc: "Tell all your friends about your new bot!"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", got, want)
	}
	if ft := got.FormType(); ft != "jabber:bot" {
		t.Errorf("FormType = %q", ft)
	}
}

// Every example of the XEPs decodes, and encoding then decoding it gives
// the same Form.
func TestParseExamplesRoundTrip(t *testing.T) {
	for name, s := range map[string]string{
		"0004 bot form": xepBotForm, "0004 bot submit": xepBotSubmit, "0004 bot result": xepBotResult,
		"0004 search form": xepSearchForm, "0004 search submit": xepSearchSubmit, "0004 search result": xepSearchResult,
		"0068 vote": xepVote, "0068 pubsub": xepPubsubAuth, "0068 not hidden": xepNotHiddenFormType,
		"0068 untyped submit": xepMUCRegisterSubmit, "0122": xepValidation, "0158 captcha": captchaForm,
	} {
		t.Run(name, func(t *testing.T) {
			f := mustParse(t, s)
			if g := reparse(t, f); !equalForms(f, g) {
				t.Errorf("round trip changed the form:\n%#v\n%#v", f, g)
			}
		})
	}
}

func TestParseSearchResult(t *testing.T) {
	f := mustParse(t, xepSearchResult)
	if f.Type != form.TypeResult || f.Title != "Joogle Search: verona" || len(f.Fields) != 0 {
		t.Fatalf("Parse = %+v", f)
	}
	wantReported := []form.Field{{Var: "name"}, {Var: "url"}}
	if !reflect.DeepEqual(f.Reported, wantReported) {
		t.Errorf("Reported = %+v", f.Reported)
	}
	if len(f.Items) != 5 {
		t.Fatalf("%d items", len(f.Items))
	}
	want := []form.Field{{Var: "name", Values: []string{"Aeroporti del Garda"}}, {Var: "url", Values: []string{"http://www.aeroportoverona.it/"}}}
	if !reflect.DeepEqual(f.Items[3], want) {
		t.Errorf("Items[3] = %+v", f.Items[3])
	}
}

func TestParseFormType(t *testing.T) {
	for _, tc := range []struct {
		name, form, want string
	}{
		{"hidden in form", xepPubsubAuth, "http://jabber.org/protocol/pubsub#subscribe_authorization"},
		{"untyped in submit", xepMUCRegisterSubmit, "http://jabber.org/protocol/muc#user"},
		{"not hidden in form", xepNotHiddenFormType, ""},
		{"none", xepVote, ""},
		{"untyped in result", `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'><value>urn:x</value></field></x>`, ""},
		{"two values", `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:x</value><value>urn:y</value></field></x>`, ""},
		{"cancel", `<x xmlns='jabber:x:data' type='cancel'><field var='FORM_TYPE' type='hidden'><value>urn:x</value></field></x>`, ""},
	} {
		if got := mustParse(t, tc.form).FormType(); got != tc.want {
			t.Errorf("%s: FormType = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The XEP-0122 element is decoded whole; the XEP-0221 media element is
// kept as it is; a prefixed validate element with the obsolete method
// attribute is understood.
func TestParseValidationAndMedia(t *testing.T) {
	f := mustParse(t, xepValidation)
	want := map[string]form.Validation{
		"evt.date":           {Datatype: "xs:dateTime"},
		"evt.date.basic":     {Datatype: "xs:dateTime", Method: form.MethodBasic},
		"evt.category":       {Datatype: "xs:string", Method: form.MethodOpen},
		"evt.date.range":     {Datatype: "xs:dateTime", Method: form.MethodRange, Min: "2003-10-05T00:00:00-07:00", Max: "2003-10-24T23:59:59-07:00"},
		"ssn":                {Datatype: "xs:string", Method: form.MethodRegex, Regex: "([0-9]{3})-([0-9]{2})-([0-9]{4})"},
		"evt.notify-methods": {Datatype: "xs:string", Method: form.MethodBasic, ListMin: 1, ListMax: 3},
	}
	for v, w := range want {
		fd := f.Field(v)
		if fd == nil || fd.Validation == nil || *fd.Validation != w {
			t.Errorf("field %s: validation %+v, want %+v", v, fd.Validation, w)
		}
	}

	c := mustParse(t, captchaForm)
	ocr := c.Field("ocr")
	if ocr == nil || ocr.Type != "" || !ocr.Required || len(ocr.Extensions) != 1 {
		t.Fatalf("ocr field = %+v", ocr)
	}
	media := ocr.Extensions[0]
	if media.Name != (stanza.Name{Space: "urn:xmpp:media-element", Local: "media"}) || media.Attr("width") != "290" ||
		!strings.HasPrefix(media.ChildText("urn:xmpp:media-element", "uri"), "cid:sha1+") {
		t.Errorf("media = %s", media)
	}
	if v := c.Field("date/start").Validation; v == nil || *v != (form.Validation{Datatype: "xs:date"}) {
		t.Errorf("prefixed validate = %+v", v)
	}
}

// What XEP-0004 leaves open is accepted.
func TestParseLenient(t *testing.T) {
	for name, s := range map[string]string{
		"untyped multi-valued in result": `<x xmlns='jabber:x:data' type='result'><field var='admin-addresses'><value>xmpp:a@b</value><value>mailto:a@b</value></field></x>`,
		"unknown field type":             `<x xmlns='jabber:x:data' type='form'><field var='a' type='x-colour'><value>red</value></field></x>`,
		"fixed with var, twice":          `<x xmlns='jabber:x:data' type='form'><field var='a' type='fixed'/><field var='a' type='fixed'/></x>`,
		"reported after item":            `<x xmlns='jabber:x:data' type='result'><item><field var='a'/></item><reported><field var='a'/></reported></x>`,
		"fields beside items":            `<x xmlns='jabber:x:data' type='result'><title>t</title><field var='a'/><reported><field var='a'/></reported></x>`,
		"empty item":                     `<x xmlns='jabber:x:data' type='result'><reported><field var='a'/></reported><item/></x>`,
		"same var in two items":          `<x xmlns='jabber:x:data' type='result'><reported><field var='a'/></reported><item><field var='a'/></item><item><field var='a'/></item></x>`,
		"foreign element in x":           `<x xmlns='jabber:x:data' type='form'><foo xmlns='urn:example'>bar</foo></x>`,
		"cancel with fields":             `<x xmlns='jabber:x:data' type='cancel'><field var='a'/></x>`,
		"option without label":           `<x xmlns='jabber:x:data' type='form'><field var='a' type='list-single'><option><value>1</value></option><option><value>2</value></option></field></x>`,
		"boolean spellings":              `<x xmlns='jabber:x:data' type='form'><field var='a' type='boolean'><value> true </value></field><field var='b' type='boolean'><value>false</value></field></x>`,
		"empty values":                   `<x xmlns='jabber:x:data' type='submit'><field var='a' type='text-single'><value/></field></x>`,
		"unknown validation method":      `<x xmlns='jabber:x:data' type='form'><field var='a'><validate xmlns='http://jabber.org/protocol/xdata-validate'><fuzzy/></validate></field></x>`,
		"no fields":                      `<x xmlns='jabber:x:data' type='form'/>`,
	} {
		t.Run(name, func(t *testing.T) {
			f := mustParse(t, s)
			if g := reparse(t, f); !equalForms(f, g) {
				t.Errorf("round trip changed the form:\n%#v\n%#v", f, g)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	x := func(inner string) string { return `<x xmlns='jabber:x:data' type='form'>` + inner + `</x>` }
	for _, tc := range []struct {
		name, in string
		also     error
	}{
		{"not a form", `<query xmlns='jabber:x:data' type='form'/>`, nil},
		{"wrong namespace", `<x xmlns='jabber:x:oob' type='form'/>`, nil},
		{"no type", `<x xmlns='jabber:x:data'/>`, nil},
		{"unknown type", `<x xmlns='jabber:x:data' type='error'/>`, nil},
		{"XEP-0068 example 3 as printed", xepBadFormType, nil},
		{"field without var", x(`<field type='text-single'/>`), nil},
		{"untyped field without var", x(`<field/>`), nil},
		{"duplicate var", x(`<field var='a'/><field var='a' type='boolean'/>`), nil},
		{"duplicate var in reported", `<x xmlns='jabber:x:data' type='result'><reported><field var='a'/><field var='a'/></reported></x>`, nil},
		{"duplicate var in item", `<x xmlns='jabber:x:data' type='result'><item><field var='a'/><field var='a'/></item></x>`, nil},
		{"two values in text-single", x(`<field var='a' type='text-single'><value>1</value><value>2</value></field>`), nil},
		{"two values in untyped field of a form", x(`<field var='a'><value>1</value><value>2</value></field>`), nil},
		{"two values in unknown type", `<x xmlns='jabber:x:data' type='result'><field var='a' type='x-y'><value>1</value><value>2</value></field></x>`, nil},
		{"two values in boolean", x(`<field var='a' type='boolean'><value>1</value><value>0</value></field>`), nil},
		{"two values in list-single", x(`<field var='a' type='list-single'><value>1</value><value>0</value></field>`), nil},
		{"bad boolean", x(`<field var='a' type='boolean'><value>yes</value></field>`), form.ErrBadBoolean},
		{"empty boolean", x(`<field var='a' type='boolean'><value/></field>`), form.ErrBadBoolean},
		{"options in text-single", x(`<field var='a' type='text-single'><option><value>1</value></option></field>`), nil},
		{"options in untyped field of a form", x(`<field var='a'><option><value>1</value></option></field>`), nil},
		{"option without value", x(`<field var='a' type='list-single'><option label='x'/></field>`), nil},
		{"option with two values", x(`<field var='a' type='list-single'><option><value>1</value><value>2</value></option></field>`), nil},
		{"option with text", x(`<field var='a' type='list-single'><option><value>1</value>one</option></field>`), nil},
		{"duplicate option", x(`<field var='a' type='list-multi'><option label='x'><value>1</value></option><option label='y'><value>1</value></option></field>`), nil},
		{"reported in a form", x(`<reported><field var='a'/></reported>`), nil},
		{"item in a submit", `<x xmlns='jabber:x:data' type='submit'><item><field var='a'/></item></x>`, nil},
		{"empty reported", `<x xmlns='jabber:x:data' type='result'><reported/></x>`, nil},
		{"two reported", `<x xmlns='jabber:x:data' type='result'><reported><field var='a'/></reported><reported><field var='a'/></reported></x>`, nil},
		{"title in reported", `<x xmlns='jabber:x:data' type='result'><reported><title/></reported></x>`, nil},
		{"unknown element", x(`<fields/>`), nil},
		{"unknown element in field", x(`<field var='a'><label>x</label></field>`), nil},
		{"two titles", x(`<title>a</title><title>b</title>`), nil},
		{"title with elements", x(`<title>a<b/></title>`), nil},
		{"instructions with elements", x(`<instructions><b xmlns='urn:x'/></instructions>`), nil},
		{"value with elements", x(`<field var='a'><value><b/></value></field>`), nil},
		{"two descs", x(`<field var='a'><desc/><desc/></field>`), nil},
		{"two required", x(`<field var='a'><required/><required/></field>`), nil},
		{"required with content", x(`<field var='a'><required>yes</required></field>`), nil},
		{"text in x", x(`hello`), nil},
		{"text in field", x(`<field var='a'>hello</field>`), nil},
		{"text in item", `<x xmlns='jabber:x:data' type='result'><item>hello</item></x>`, nil},
		{"two validates", x(`<field var='a'><validate xmlns='http://jabber.org/protocol/xdata-validate'/><validate xmlns='http://jabber.org/protocol/xdata-validate'/></field>`), nil},
		{"two methods", x(`<field var='a'><validate xmlns='http://jabber.org/protocol/xdata-validate'><basic/><open/></validate></field>`), nil},
		{"range with content", x(`<field var='a'><validate xmlns='http://jabber.org/protocol/xdata-validate'><range>1</range></validate></field>`), nil},
		{"bad list-range", x(`<field var='a' type='list-multi'><validate xmlns='http://jabber.org/protocol/xdata-validate'><list-range min='0'/></validate></field>`), nil},
		{"regex with elements", x(`<field var='a'><validate xmlns='http://jabber.org/protocol/xdata-validate'><regex><b/></regex></validate></field>`), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := stanza.ParseElement(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := form.Parse(e)
			if !errors.Is(err, form.ErrMalformed) || f != nil {
				t.Fatalf("Parse = %+v, %v; want ErrMalformed", f, err)
			}
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Errorf("Parse = %v; want it to wrap %v too", err, tc.also)
			}
		})
	}
	if f, err := form.Parse(nil); !errors.Is(err, form.ErrMalformed) || f != nil {
		t.Errorf("Parse(nil) = %v, %v", f, err)
	}
}

func TestParseAll(t *testing.T) {
	q, err := stanza.ParseElement(`<query xmlns='http://jabber.org/protocol/disco#info'>
	<identity category='server' type='im'/>
	<feature var='jabber:x:data'/>
	<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:a</value></field></x>
	<x xmlns='urn:not:a:form'/>
	<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>urn:b</value></field></x>
	</query>`)
	if err != nil {
		t.Fatal(err)
	}
	forms, err := form.ParseAll(q)
	if err != nil || len(forms) != 2 || forms[0].FormType() != "urn:a" || forms[1].FormType() != "urn:b" {
		t.Fatalf("ParseAll = %v, %v", forms, err)
	}

	q.AddChild(stanza.NewElement(form.NS, "x"))
	forms, err = form.ParseAll(q)
	if !errors.Is(err, form.ErrMalformed) || forms != nil || !strings.Contains(err.Error(), "data form 3") {
		t.Errorf("ParseAll with a bad third form = %v, %v", forms, err)
	}

	if forms, err := form.ParseAll(stanza.NewElement("urn:x", "query")); forms != nil || err != nil {
		t.Errorf("ParseAll without forms = %v, %v", forms, err)
	}
	if forms, err := form.ParseAll(nil); forms != nil || err != nil {
		t.Errorf("ParseAll(nil) = %v, %v", forms, err)
	}
}

// Element writes what the XEP's own examples write: the bot result and the
// search results come out as printed, up to white space and attribute
// order. (The bot form does not: Element puts values before options.)
func TestElementMatchesXEP(t *testing.T) {
	for _, s := range []string{xepBotResult, xepSearchResult, xepBotSubmit, xepSearchForm, xepPubsubAuth} {
		f := mustParse(t, s)
		want, err := stanza.ParseElement(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Element(); !got.Equal(stripSpace(want)) {
			t.Errorf("Element =\n%s\nwant\n%s", got, want)
		}
	}
}

// stripSpace removes white-space-only text nodes, except inside <value/>.
func stripSpace(e *stanza.Element) *stanza.Element {
	if e.Name.Local == "value" {
		return e
	}
	var nodes []stanza.Node
	for _, n := range e.Nodes {
		if n.Elem != nil {
			nodes = append(nodes, stanza.Node{Elem: stripSpace(n.Elem)})
		} else if strings.TrimSpace(n.Text) != "" {
			nodes = append(nodes, n)
		}
	}
	e.Nodes = nodes
	return e
}
