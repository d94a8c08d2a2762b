package rsm_test

import (
	"fmt"
	"log"

	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// A requester asks for pages of ten; the responder's <set/> says where
// the page lies, and its Last is where the next page starts.
func Example() {
	fmt.Println(rsm.Set{Max: new(10)}.Element())

	e, err := stanza.ParseElement(`<set xmlns='http://jabber.org/protocol/rsm'>
		<first index='0'>stpeter@jabber.org</first>
		<last>peterpan@neverland.lit</last>
		<count>800</count>
	</set>`)
	if err != nil {
		log.Fatal(err)
	}
	page, err := rsm.Parse(e)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("items %d to %d of %d\n", *page.FirstIndex, *page.FirstIndex+9, *page.Count)

	fmt.Println(rsm.Set{Max: new(10), After: page.Last}.Element())
	fmt.Println(rsm.Set{Max: new(10), Before: new("")}.Element()) // the last page
	// Output:
	// <set xmlns='http://jabber.org/protocol/rsm'><max>10</max></set>
	// items 0 to 9 of 800
	// <set xmlns='http://jabber.org/protocol/rsm'><max>10</max><after>peterpan@neverland.lit</after></set>
	// <set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set>
}
