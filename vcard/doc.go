// Package vcard implements the two vCard protocols of XMPP: vcard-temp
// (XEP-0054), the profile a server stores for each account and hands out
// on request, and vCard4 over PEP (XEP-0292, the RFC 6351 XML format),
// the profile an account publishes to its contacts.
//
// # vcard-temp
//
// A Card holds the fields clients commonly show (FN, N, NICKNAME, PHOTO,
// BDAY, URL, EMAIL, TEL, ADR, ORG, TITLE, ROLE, NOTE, DESC, JABBERID);
// every other element, and any element whose content the typed fields
// cannot hold exactly (a second FN, an unknown flag in a TEL, an
// attribute), is kept whole in Card.Extra, so that a read-modify-write
// loses nothing of what another client stored:
//
//	card, err := vcard.Get(ctx, c, jid.JID{}) // the account's own
//	card.Nickname = "Ishmael"
//	err = vcard.Set(ctx, c, card)
//
// Get of another account asks its server, which answers for it
// (XEP-0054). SetPhoto replaces the photo alone, and Photo.Hash is
// the hash that XEP-0153 puts in presence (see package pep/avatar for
// the presence element itself).
//
// # Limits
//
// A PHOTO's BINVAL is counted before it is decoded: one that would
// decode to more than MaxPhotoBytes is refused with an error matching
// ErrPhotoTooLarge, and Set refuses to send one. Base64 that does not
// decode is an error matching ErrMalformed that wraps
// base64.CorruptInputError. White space inside BINVAL is ignored, as
// XEP-0153 says.
//
// # vCard4 over PEP
//
// A Card4 holds fn, nickname, photo (a URI), bday, email, tel, url and
// note of RFC 6351, each email, tel and url with its type and pref
// parameters; everything else is kept in Card4.Extra. Publish4
// publishes it to the account's PEP node urn:xmpp:vcard4 (item id
// "current"), Fetch4 reads a contact's, and Handle4 receives contacts'
// updates (it advertises urn:xmpp:vcard4+notify; events are accepted only
// from the publisher's bare JID, see package pubsub).
//
// # Servers
//
// Measured by the integration tests:
//
//   - Prosody 0.12 (mod_vcard_legacy and mod_vcard4) stores vcard-temp as
//     a vCard4 and keeps it in sync with the vCard4 and avatar (XEP-0084)
//     PEP nodes. What it gives back is converted: elements Card does not
//     type are dropped, and so are some flags (a TEL's VOICE, an EMAIL's
//     PREF). Its vCard4 puts parameters after the value and writes empty
//     types; Parse4 reads that.
//   - ejabberd 23.01 (mod_vcard) stores vcard-temp as it was sent, except
//     that it reorders elements and flags (untyped elements included). It
//     has PEP but no vCard4 module: a Card4 published there is an
//     ordinary PEP item, which works between clients but is not synced
//     with vcard-temp (Fetch4 of an account that published none is
//     item-not-found).
//
// Both answer Get for a contact, and publish and notify vCard4 between
// contacts.
package vcard
