package jid_test

import (
	"errors"
	"fmt"

	"github.com/xmppkit/xmpp/jid"
)

func Example() {
	j, err := jid.Parse("Juliet@Example.COM/Balcony")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(j)
	fmt.Println(j.Localpart(), j.Domainpart(), j.Resourcepart())
	fmt.Println(j.Bare(), j.IsFull())
	fmt.Println(j.Bare() == jid.MustParse("juliet@example.com"))
	// Output:
	// juliet@example.com/Balcony
	// juliet example.com Balcony
	// juliet@example.com true
	// true
}

func ExampleParse() {
	for _, s := range []string{
		"user@xn--xample-9ua.com./phone",
		"[2001:DB8::0:1]",
		"d'artagnan@musketeers.lit",
	} {
		j, err := jid.Parse(s)
		var e *jid.Error
		switch {
		case errors.Is(err, jid.ErrForbiddenChar) && errors.As(err, &e):
			fmt.Printf("%s: forbidden character in the %s\n", s, e.Part)
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(j)
		}
	}
	// Output:
	// user@éxample.com/phone
	// [2001:db8::1]
	// d'artagnan@musketeers.lit: forbidden character in the localpart
}

func ExampleEscapeLocal() {
	local := jid.EscapeLocal("d'artagnan")
	j, err := jid.New(local, "musketeers.lit", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(j)
	fmt.Println(jid.UnescapeLocal(j.Localpart()))
	// Output:
	// d\27artagnan@musketeers.lit
	// d'artagnan
}
