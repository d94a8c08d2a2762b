// Package avatar implements XEP-0084 User Avatar over PEP (XEP-0163),
// and the presence side of XEP-0153 vCard-Based Avatars.
//
// # User Avatar (XEP-0084)
//
// An avatar lives in two PEP nodes of its owner: the image, base64, at
// urn:xmpp:avatar:data, as the item whose id is the hex SHA-1 of the
// image; and a description of it at urn:xmpp:avatar:metadata (id, size,
// content type, dimensions), which is what contacts are notified of:
//
//	in, err := avatar.Publish(ctx, ps, png, avatar.Info{Type: "image/png", Width: 64, Height: 64})
//	avatar.Handle(ps, func(ctx context.Context, u pep.Update[avatar.Metadata]) {
//		in, ok := u.Value.InPEP()
//		if u.Retracted || !ok || cached(in.ID) {
//			return
//		}
//		img, err := avatar.Fetch(ctx, ps, u.From, in) // SHA-1 checked
//		...
//	})
//
// Handle asks for the metadata node's notifications only (+notify), as
// XEP-0084 says, and the receiver fetches the data it has not cached
// (Fetch). Disable publishes empty metadata, which receivers take as
// "no avatar". Only events from the publisher's bare JID are accepted
// (package pubsub).
//
// # Limits and checks
//
// Publish refuses more than MaxBytes of image; Fetch refuses, before
// decoding anything, metadata that announces more than MaxBytes and data
// that would decode to more than MaxBytes or than its metadata's bytes
// (ErrTooLarge), and returns the image only when its SHA-1 is the id it
// was asked by (ErrHashMismatch otherwise): a service cannot substitute
// another image for the one announced.
//
// # vCard-Based Avatars (XEP-0153)
//
// The older protocol keeps the avatar in the vcard-temp vCard's PHOTO
// (package vcard) and puts the photo's SHA-1 in every presence, in
// <x xmlns='vcard-temp:x:update'><photo>hash</photo></x>. NewAnnouncer
// adds that element to the Client's available presence (through
// xmpp.Client.AddPresencePayload) and Announcer.Set changes it, sending
// the presence again; HandleVCardHash observes the element in contacts'
// presence, GetVCardHash reads it from one presence, and VCardHash's
// Element builds it for a presence sent by hand. This package does not
// import package vcard (extensions stay beside each other): the hash to
// announce is vcard.Card.PhotoHash, or Hash of the image.
//
// # Servers
//
// Measured by the integration tests: Prosody 0.12 (mod_pep, with
// mod_vcard_legacy) and ejabberd 23.01 (mod_pubsub's PEP) both store
// avatars, notify contacts of the metadata, serve the data by id, and
// pass the XEP-0153 element on in presence. Prosody also makes a PEP
// avatar the vCard's PHOTO (and a vCard's PHOTO a PEP avatar, see package
// vcard), and it rewrites the element of a presence it relays: an <x/>
// without <photo/> reaches contacts as an empty <photo/>, "no avatar",
// until the client announces a hash. ejabberd keeps the vCard and the
// PEP avatar apart.
//
// # Not covered
//
// Fetching avatars from URLs (the caller's HTTP client decides that),
// the multi-resource rules of XEP-0153 (a client compares the
// hashes its other resources announce: HandleVCardHash gives them,
// Announcer.Reset and Set apply the outcome), and image decoding: Width
// and Height are the caller's to give.
package avatar
