package form_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/stanza"
)

// A service defines a form, a client fills it in, and the service checks
// the submission before acting on it.
func Example() {
	// The form-processing entity's definition.
	def := form.New(form.TypeForm, "urn:example:bot")
	def.Title = "Bot Configuration"
	def.Fields = append(def.Fields,
		form.Field{Var: "botname", Type: form.TextSingle, Label: "The name of your bot", Required: true},
		form.Field{Var: "public", Type: form.Boolean, Label: "Public bot?"},
		form.Field{Var: "maxsubs", Type: form.ListSingle, Label: "Maximum number of subscribers",
			Values:  []string{"20"},
			Options: []form.Option{{Label: "10", Value: "10"}, {Label: "20", Value: "20"}, {Label: "None", Value: "none"}}},
		form.Field{Var: "invitelist", Type: form.JIDMulti, Label: "People to invite"},
	)

	// The form-submitting entity fills in a submission. It starts with the
	// fields that have a value (FORM_TYPE, the default of maxsubs); the
	// setters add the others, without a type, as XEP-0004 allows.
	sub := def.Submit()
	err := errors.Join(
		sub.SetString("botname", "Joogle"),
		sub.SetBool("public", true),
		sub.SetJIDs("invitelist", jid.MustParse("juliet@capulet.lit"), jid.MustParse("benvolio@montague.lit")),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.Element())

	// The form-processing entity validates what it receives.
	fmt.Println("valid:", form.Validate(def, sub) == nil)

	// A submission that breaks the rules says which field and why.
	bad := def.Submit()
	if err := bad.SetString("maxsubs", "1000"); err != nil {
		log.Fatal(err)
	}
	err = form.Validate(def, bad)
	fmt.Println(errors.Is(err, form.ErrRequired), errors.Is(err, form.ErrNotInOptions))
	fmt.Println(err)
	// Output:
	// <x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:example:bot</value></field><field var='maxsubs' type='list-single'><value>20</value></field><field var='botname'><value>Joogle</value></field><field var='public'><value>1</value></field><field var='invitelist'><value>juliet@capulet.lit</value><value>benvolio@montague.lit</value></field></x>
	// valid: true
	// true true
	// form: field "botname": required field missing
	// form: field "maxsubs": value not among the options: "1000"
}

// Reading a form received from the network, here a search result with
// several items.
func ExampleParse() {
	e, err := stanza.ParseElement(`<x xmlns='jabber:x:data' type='result'>
		<field var='FORM_TYPE' type='hidden'><value>jabber:iq:search</value></field>
		<reported><field var='jid' type='jid-single' label='JID'/><field var='nick' label='Nickname'/></reported>
		<item><field var='jid'><value>juliet@capulet.lit</value></field><field var='nick'><value>Jule</value></field></item>
		<item><field var='jid'><value>romeo@montague.lit</value></field><field var='nick'><value>Romeo</value></field></item>
	</x>`)
	if err != nil {
		log.Fatal(err)
	}
	f, err := form.Parse(e)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.FormType())
	for _, item := range f.Items {
		for i, col := range f.Reported {
			if i > 0 {
				fmt.Print(", ")
			}
			if fd := form.Lookup(item, col.Var); fd != nil {
				fmt.Printf("%s: %s", col.Label, fd.Values)
			}
		}
		fmt.Println()
	}
	// Output:
	// jabber:iq:search
	// JID: [juliet@capulet.lit], Nickname: [Jule]
	// JID: [romeo@montague.lit], Nickname: [Romeo]
}
