// Package disco implements XEP-0030 Service Discovery
// (http://jabber.org/protocol/disco#info and #items), the extended
// information of XEP-0128, and XEP-0115 Entity Capabilities
// (http://jabber.org/protocol/caps): asking what an entity is and
// supports, answering for our own client, and caching what contacts
// announce in their presence.
//
// Asking: GetInfo returns an entity's (or node's) identities, features and
// extended information forms; GetItems its items; FindServices walks a
// server's items to find, say, its MUC service. Info.HasFeature and
// Info.HasIdentity answer the usual questions.
//
// Paging: a long list of items (a MUC service's rooms) may be paged with
// result set management (XEP-0059). GetItemsPage asks for one page, as
// an rsm.Set says, and returns it with the entity's description of it
// (first, last, count); AllItems follows the pages to the end. An entity
// that does not page answers with everything and no set.
//
// Answering: Serve makes a Client answer disco#info with its identities,
// every feature it advertises (Client.Advertise, which each extension
// package calls for what it answers) and the forms given to
// Server.AddForm, and lets other packages answer for nodes
// (Server.HandleNode; XEP-0050 ad-hoc commands, for example).
//
// Entity capabilities: Ver computes the verification string of XEP-0115
// section 5; Server.Caps gives the <c/> element to put in our presence and
// makes the Server answer for node#ver; a Cache watches the presence a
// Client receives and resolves a contact to its information, verified
// against the hash it announced, asking once per verification string.
//
// ParseInfo, ParseItems, ParseItemsPage and ParseCaps decode the payloads
// strictly; Info.Element, ItemsElement, ItemsPage.Element and Caps.Element
// encode them.
//
// # Not covered
//
// GetItems does not page: it returns the first page a paging service
// gives (use GetItemsPage or AllItems). Presence is not annotated
// automatically: the application (or a presence helper) adds Server.Caps
// to the presence it sends, and sends it again when its features change.
// The legacy caps format (no hash attribute, the ext attribute) is not
// verified: Cache.Lookup fetches such information without caching it. The
// caps stream feature of servers (XEP-0115 section 6.3) and caps
// optimization are not used. Verified information is cached in memory
// only; a Cache does not persist across runs. The Server answers anyone:
// access control on disco (XEP-0115 section 8.5) is the application's, by
// the node handlers it registers.
package disco
