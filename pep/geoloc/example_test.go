package geoloc_test

import (
	"fmt"

	"github.com/xmppkit/xmpp/pep/geoloc"
)

// A location as published: numbers in the XEP's units, absent fields
// left out.
func ExampleLocation_Element() {
	here := geoloc.Location{Lat: new(45.4408), Lon: new(12.3155), Accuracy: new(20.0), Locality: "Venezia"}
	fmt.Println(here.Element())
	// Output:
	// <geoloc xmlns='http://jabber.org/protocol/geoloc'><accuracy>20</accuracy><lat>45.4408</lat><locality>Venezia</locality><lon>12.3155</lon></geoloc>
}
