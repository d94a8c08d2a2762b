package register_test

import (
	"fmt"
	"log"

	"github.com/xmppkit/xmpp/register"
	"github.com/xmppkit/xmpp/stanza"
)

// The fields a server asks for, read from its answer (XEP-0077 example
// 2); register.NewAccount fills them in from the values it is given.
func ExampleParse() {
	e, err := stanza.ParseElement(`<query xmlns='jabber:iq:register'>
	  <instructions>Choose a username and password.</instructions>
	  <username/><password/><email/></query>`)
	if err != nil {
		log.Fatal(err)
	}
	q, err := register.Parse(e)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(q.Instructions)
	for _, f := range q.Fields {
		fmt.Println("asks for", f.Name)
	}
	// Output:
	// Choose a username and password.
	// asks for username
	// asks for password
	// asks for email
}
