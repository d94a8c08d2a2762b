// Package form implements XEP-0004 Data Forms (jabber:x:data), with the
// FORM_TYPE convention of XEP-0068 and the simple part of XEP-0122 Data
// Forms Validation: the shared vocabulary of the extensions that ask for,
// submit or report structured data (ad-hoc commands, in-band registration,
// MUC room configuration, MAM queries, extended disco information, search).
//
// A Form is the decoded <x/> element: its Type (form, submit, cancel,
// result), title, instructions and Fields, and for multi-item results the
// Reported header and the Items. Parse decodes one strictly, ParseAll every
// form among the children of a payload, and Form.Element encodes; encoding
// then decoding gives the same Form back.
//
// A form-submitting entity reads a form with the typed getters (Bool,
// String, Strings, JID, JIDs), builds its answer with Submit and fills it
// in with the setters (SetBool, SetString, SetStrings, SetJID, SetJIDs),
// which check the field's type. A form-processing entity checks what it
// receives with Validate, against the form it sent; each problem is a
// *FieldError naming the field and wrapping one of the sentinel errors
// (ErrRequired, ErrNotInOptions, ErrBadJID, ErrBadBoolean, ErrBadValue).
// New starts a form with its FORM_TYPE, which FormType reads back.
//
// The package does no network I/O: it is the vocabulary the protocol
// packages build on, and every extension package may import it.
//
// # Not covered
//
// XEP-0122 is kept whole in Field.Validation, but Validate enforces only
// the datatypes xs:boolean, xs:dateTime, the integer family and XEP-0060's
// pubsub:integer-or-max, the range method for those, the open method and
// the list range; regular expressions and other datatypes are not checked
// (XEP-0122 itself warns that a processor must not trust a form to have
// been validated). The media of XEP-0221 (a CAPTCHA image, say) is kept
// as raw elements in Field.Extensions; elements of other namespaces
// directly inside <x/> are ignored. Whether a submission's hidden fields
// other than FORM_TYPE were changed is not checked, since a using protocol
// may allow it. Advertising the jabber:x:data disco feature, which
// XEP-0004 requires only of entities that accept forms inside messages, is
// the application's business.
package form
