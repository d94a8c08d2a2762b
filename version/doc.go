// Package version implements XEP-0092 Software Version (jabber:iq:version):
// asking an entity which software it runs, and answering such questions
// for our own client.
//
// Get asks a server, a component or a client (by full JID); Serve makes a
// Client answer. Parse and Info.Element decode and encode the <query/>
// payload for those who build IQs themselves.
//
// Covered: the whole of XEP-0092 1.1. The XEP says the operating system
// must be something a user can choose not to disclose; Serve discloses it
// only when Info.OS is set; Serve also advertises jabber:iq:version
// (Client.Advertise) for service discovery. Not covered: the XEP's advice to prefer XEP-0115 Entity Capabilities for contacts whose
// presence we receive, which is the caller's decision.
package version
