package mam_test

import (
	"context"
	"fmt"
	"log"
	"slices"
	"time"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/mam"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/xmpptest"
)

// scriptArchive makes srv answer MAM queries from archive, as a real
// server would: one result message per archived message of the page,
// then the <fin/>. The in-process server keeps no archive itself.
func scriptArchive(srv *xmpptest.Server, archive []mam.Result) {
	srv.HandleIQ(stanza.IQSet, mam.NS, "query", func(ctx context.Context, iq *stanza.IQ) (*stanza.Element, error) {
		set, err := rsm.Parse(iq.Payload.Child(rsm.NS, "set"))
		if err != nil {
			return nil, stanza.NewError(stanza.ErrBadRequest, "")
		}
		first := 0
		if set.After != "" {
			first = 1 + slices.IndexFunc(archive, func(r mam.Result) bool { return r.ID == set.After })
		}
		page := archive[first:min(first+*set.Max, len(archive))]
		for _, r := range page {
			r.QueryID = iq.Payload.Attr("queryid")
			m := &stanza.Message{Header: stanza.Header{To: iq.From}, Payloads: []*stanza.Element{r.Element()}}
			if err := srv.Inject(iq.From, m.Element()); err != nil {
				return nil, err
			}
		}
		fin := mam.Fin{Complete: first+len(page) == len(archive), RSM: rsm.Set{Count: new(len(archive))}}
		if len(page) > 0 {
			fin.RSM.First, fin.RSM.Last = page[0].ID, page[len(page)-1].ID
		}
		return fin.Element(), nil
	})
}

// Alice reads her conversation with bob from her server's archive, two
// messages per page.
func Example() {
	srv, err := xmpptest.NewServer(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	alice, bob := jid.MustParse("alice@localhost/phone"), jid.MustParse("bob@localhost/home")
	var archive []mam.Result
	for i, body := range []string{"hi alice", "hi bob", "lunch?", "sure"} {
		m := stanza.NewMessage(stanza.MessageChat, alice, body)
		m.From = bob
		if i%2 == 1 {
			m.From, m.To = alice, bob
		}
		stamp := time.Date(2024, 3, 1, 12, i, 0, 0, time.UTC)
		archive = append(archive, mam.Result{ID: fmt.Sprint("a", i), Message: m, Stamp: stamp})
	}
	scriptArchive(srv, archive)

	ctx := context.Background()
	acct := srv.Account(0) // alice
	c, err := xmpp.Dial(ctx, acct.JID(), &xmpp.Options{
		Password: acct.Password, Resource: "phone", Addr: srv.Addr(), TLSConfig: srv.TLSConfig(), Dial: srv.DialPipe,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	archives := mam.New(c, nil)
	page, err := archives.Fetch(ctx, jid.JID{}, mam.Query{With: bob.Bare(), Max: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("first page: %d of %d, last %s, complete %t\n", len(page.Results), *page.RSM.Count, page.RSM.Last, page.Complete)

	for r, err := range archives.All(ctx, jid.JID{}, mam.Query{With: bob.Bare(), Max: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %s %s: %s\n", r.ID, r.Stamp.Format(time.TimeOnly), r.Message.From.Localpart(), r.Message.Body())
	}
	// Output:
	// first page: 2 of 4, last a1, complete false
	// a0 12:00:00 bob: hi alice
	// a1 12:01:00 alice: hi bob
	// a2 12:02:00 bob: lunch?
	// a3 12:03:00 alice: sure
}
