// Package register implements In-Band Registration (XEP-0077): creating an
// account on a server that allows it, changing its password, and removing
// it.
//
// NewAccount registers before logging in, through xmpp.Options.PreAuth, so
// that Dial returns a Client of the new account. Get, ChangePassword and
// Cancel work on a logged-in Client.
//
// Only the legacy fields of XEP-0077 are filled in; a server that asks for
// a data form alone (XEP-0004) gets ErrFormOnly, and a form sent with the
// fields is kept undecoded in Query.Form. Registration of accounts by an
// administrator, and registration with other services (gateways), are not
// covered.
package register
