package testcorpus_test

import (
	"fmt"

	"github.com/xmppkit/xmpp/internal/testcorpus"
)

func ExampleItems() {
	for _, it := range testcorpus.Items() {
		fmt.Println(it.Name, len(it.Stanza) > 0)
	}
	// Output:
	// chat true
	// presence true
	// roster200 true
	// pubsub64k true
}
