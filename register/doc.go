// Package register implements In-Band Registration (XEP-0077): creating an
// account on a server that allows it, changing its password, and removing
// it.
//
// NewAccount registers before logging in, through xmpp.Options.PreAuth, so
// that Dial returns a Client of the new account. Get, ChangePassword and
// Cancel work on a logged-in Client.
//
// The legacy fields of XEP-0077 are filled in, or, from a server that asks
// with a data form only (section 4), the form's fields of the same names;
// a form sent along with legacy fields is kept undecoded in Query.Form.
// CAPTCHA forms (XEP-0158) are not solved. Registration of accounts by an
// administrator, and registration with other services (gateways), are not
// covered.
package register
