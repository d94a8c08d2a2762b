package form_test

import (
	"testing"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/stanza"
)

// FuzzParse checks that Parse never panics, that what it accepts encodes
// to an element that decodes to the same Form, and that the getters,
// Submit and Validate do not panic on it either.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		xepBotForm, xepBotSubmit, xepBotResult, xepSearchForm, xepSearchSubmit, xepSearchResult,
		xepVote, xepPubsubAuth, xepBadFormType, xepNotHiddenFormType, xepMUCRegisterSubmit,
		xepValidation, captchaForm, validationDef,
		`<x xmlns='jabber:x:data' type='cancel'/>`,
		`<x xmlns='jabber:x:data' type='result'><item><field var='a'/></item><reported><field var='a' type='jid-single'/></reported></x>`,
		`<x xmlns='jabber:x:data' type='form'><field var='a' type='boolean'><value>yes</value></field></x>`,
		`<x xmlns='jabber:x:data' type='submit'><field var='a'><value>&#xD;</value><value> </value></field></x>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := stanza.ParseElement(s)
		if err != nil {
			return
		}
		fm, err := form.Parse(e)
		if err != nil {
			return
		}
		again := reparse(t, fm)
		if !equalForms(fm, again) {
			t.Fatalf("round trip changed the form:\n%#v\n%#v", fm, again)
		}
		if !fm.Element().Equal(again.Element()) {
			t.Fatalf("encodings differ:\n%s\n%s", fm.Element(), again.Element())
		}
		for _, fd := range fm.Fields {
			fm.Bool(fd.Var)
			fm.String(fd.Var)
			fm.Strings(fd.Var)
			fm.JID(fd.Var)
			fm.JIDs(fd.Var)
		}
		fm.FormType()
		sub := fm.Submit()
		form.Validate(fm, sub)
		form.Validate(fm, fm)
		for _, fd := range fm.Fields {
			sub.SetString(fd.Var, "1")
		}
		form.Validate(fm, sub)
	})
}
