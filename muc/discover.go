package muc

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"

	"github.com/xmppkit/xmpp"
	"github.com/xmppkit/xmpp/disco"
	"github.com/xmppkit/xmpp/form"
	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/rsm"
	"github.com/xmppkit/xmpp/stanza"
)

// The features of a room (XEP-0045 §6.4, §15.2): how it is set up. Each
// has its opposite (muc_unsecured for muc_passwordprotected, ...); a room
// lists one of each pair it implements.
const (
	FeaturePasswordProtected = "muc_passwordprotected"
	FeatureUnsecured         = "muc_unsecured"
	FeatureMembersOnly       = "muc_membersonly"
	FeatureOpen              = "muc_open"
	FeatureModerated         = "muc_moderated"
	FeatureUnmoderated       = "muc_unmoderated"
	FeaturePersistent        = "muc_persistent"
	FeatureTemporary         = "muc_temporary"
	FeaturePublic            = "muc_public"
	FeatureHidden            = "muc_hidden"
	FeatureNonAnonymous      = "muc_nonanonymous"
	FeatureSemiAnonymous     = "muc_semianonymous"
)

// NodeReservedNick is the disco#info node of a room that names the
// user's reserved nick (XEP-0045 §7.12).
const NodeReservedNick = "x-roomuser-item"

// ListRooms asks the MUC service for one page of its rooms (XEP-0045
// §6.3), as page says (rsm.Set{Max: new(20)} for the first 20, After set
// to the previous page's Set.Last for the next; the zero Set for no
// paging). A service that does not page (Prosody) answers with all its
// public rooms and a nil Set. Items' JIDs are the rooms' bare JIDs,
// their Names the rooms' names (ejabberd adds the number of occupants).
// Errors are those of disco.GetItemsPage.
func ListRooms(ctx context.Context, c *xmpp.Client, service jid.JID, page rsm.Set) (disco.ItemsPage, error) {
	p, err := disco.GetItemsPage(ctx, c, service, "", page)
	if err != nil {
		return disco.ItemsPage{}, fmt.Errorf("muc: list rooms of %s: %w", service, err)
	}
	return p, nil
}

// AllRooms iterates over every room the MUC service lists, asking for
// pages of pageSize rooms (zero or less leaves it to the service) and
// following them to the end, as disco.AllItems does; an error ends the
// iteration, yielded once. Stopping the loop early asks for no further
// page.
func AllRooms(ctx context.Context, c *xmpp.Client, service jid.JID, pageSize int) iter.Seq2[disco.Item, error] {
	return func(yield func(disco.Item, error) bool) {
		for it, err := range disco.AllItems(ctx, c, service, "", pageSize) {
			if err != nil {
				yield(disco.Item{}, fmt.Errorf("muc: list rooms of %s: %w", service, err))
				return
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// RoomInfo is what a room says of itself in disco#info (XEP-0045 §6.4):
// its features and its muc#roominfo form, decoded.
type RoomInfo struct {
	// Name is the room's name: its identity's, or the form's
	// muc#roomconfig_roomname.
	Name        string
	Description string
	Subject     string
	// SubjectMod says that occupants may change the subject
	// (muc#roominfo_subjectmod, muc#roominfo_changesubject or
	// muc#roomconfig_changesubject).
	SubjectMod bool
	// Occupants is the number of occupants, -1 when the room does not
	// say.
	Occupants int
	// Contacts are the addresses of the room's contacts.
	Contacts []jid.JID
	// Lang is the language of the discussion.
	Lang string
	// Logs is the address of the room's public logs.
	Logs string
	// LDAPGroup is the LDAP group of the room's members.
	LDAPGroup string
	// MaxHistoryFetch is the most history messages the room sends, -1
	// when the room does not say.
	MaxHistoryFetch int
	// PubSub is the room's associated pubsub node (an xmpp: URI).
	PubSub string

	// The room's features, as the room lists them (see the Feature
	// constants). A false one may be unknown: the room lists the
	// opposite feature (FeatureUnsecured, ...) when it is off.
	PasswordProtected bool
	MembersOnly       bool
	Moderated         bool
	Persistent        bool
	Public            bool
	NonAnonymous      bool
	SemiAnonymous     bool

	// Info is the room's answer, with every feature and form.
	Info disco.Info
}

// Has reports whether the room lists feature (a Feature constant or a
// protocol namespace, such as urn:xmpp:mam:2).
func (ri RoomInfo) Has(feature string) bool { return ri.Info.HasFeature(feature) }

// GetRoomInfo asks the room for its information (XEP-0045 §6.4), which
// may be done before joining it, and decodes it. A room that does not
// exist answers item-not-found (errors.Is(err, stanza.ErrItemNotFound));
// so does a room that Prosody keeps locked until its owner configures
// it. Errors are those of disco.GetInfo and ParseRoomInfo.
func GetRoomInfo(ctx context.Context, c *xmpp.Client, room jid.JID) (RoomInfo, error) {
	info, err := disco.GetInfo(ctx, c, room, "")
	if err != nil {
		return RoomInfo{}, fmt.Errorf("muc: room info of %s: %w", room, err)
	}
	ri, err := ParseRoomInfo(info)
	if err != nil {
		return RoomInfo{}, fmt.Errorf("muc: room info of %s: %w", room, err)
	}
	return ri, nil
}

// ParseRoomInfo decodes a room's disco#info (see Room.Info and
// disco.GetInfo). The room must have a conference identity; the fields of
// its muc#roominfo form, if it has one, must be what XEP-0045 §15.5.4
// says they are (a number of occupants, JIDs of contacts, booleans),
// else the error wraps ErrMalformed. Fields it does not know are left in
// Info.
func ParseRoomInfo(info disco.Info) (RoomInfo, error) {
	ri := RoomInfo{Occupants: -1, MaxHistoryFetch: -1, Info: info}
	i := slices.IndexFunc(info.Identities, func(id disco.Identity) bool { return id.Category == "conference" })
	if i < 0 {
		return RoomInfo{}, fmt.Errorf("%w: room info without a conference identity", ErrMalformed)
	}
	ri.Name = info.Identities[i].Name
	for _, f := range []struct {
		feature string
		on      *bool
	}{
		{FeaturePasswordProtected, &ri.PasswordProtected}, {FeatureMembersOnly, &ri.MembersOnly},
		{FeatureModerated, &ri.Moderated}, {FeaturePersistent, &ri.Persistent},
		{FeaturePublic, &ri.Public}, {FeatureNonAnonymous, &ri.NonAnonymous},
		{FeatureSemiAnonymous, &ri.SemiAnonymous},
	} {
		*f.on = info.HasFeature(f.feature)
	}
	if f := info.Form(FormRoomInfo); f != nil {
		if err := ri.readForm(f); err != nil {
			return RoomInfo{}, err
		}
	}
	return ri, nil
}

// readForm reads the muc#roominfo form f into ri.
func (ri *RoomInfo) readForm(f *form.Form) error {
	for _, fd := range f.Fields {
		var err error
		switch fd.Var {
		case "muc#roominfo_description":
			ri.Description = first(fd)
		case "muc#roominfo_subject":
			ri.Subject = first(fd)
		case "muc#roominfo_lang":
			ri.Lang = first(fd)
		case "muc#roominfo_logs":
			ri.Logs = first(fd)
		case "muc#roominfo_ldapgroup":
			ri.LDAPGroup = first(fd)
		case "muc#roomconfig_pubsub":
			ri.PubSub = first(fd)
		case "muc#roomconfig_roomname":
			if ri.Name == "" {
				ri.Name = first(fd)
			}
		case "muc#roominfo_occupants":
			ri.Occupants, err = count(fd)
		case "muc#maxhistoryfetch":
			ri.MaxHistoryFetch, err = count(fd)
		case "muc#roominfo_subjectmod", "muc#roominfo_changesubject", "muc#roomconfig_changesubject":
			var on bool
			on, err = boolean(fd)
			ri.SubjectMod = ri.SubjectMod || on
		case "muc#roominfo_contactjid":
			for _, v := range fd.Values {
				j, jerr := jid.Parse(v)
				if jerr != nil {
					return fmt.Errorf("%w: room info contact %.64q: %w", ErrMalformed, v, jerr)
				}
				ri.Contacts = append(ri.Contacts, j)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// first returns the first value of fd, "" if it has none.
func first(fd form.Field) string {
	if len(fd.Values) == 0 {
		return ""
	}
	return fd.Values[0]
}

// count reads a non-negative number from fd; -1 when it has no value.
func count(fd form.Field) (int, error) {
	v := first(fd)
	if v == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: room info %s %.64q is not a count", ErrMalformed, fd.Var, v)
	}
	return n, nil
}

// boolean reads an XML Schema boolean from fd; false when it has no
// value (Prosody sends muc#roomconfig_changesubject so when it is off).
func boolean(fd form.Field) (bool, error) {
	switch v := first(fd); v {
	case "1", "true":
		return true, nil
	case "", "0", "false":
		return false, nil
	default:
		return false, fmt.Errorf("%w: room info %s %.64q is not a boolean", ErrMalformed, fd.Var, v)
	}
}

// ReservedNick asks the room for the nick the user has reserved there
// (XEP-0045 §7.12: by registering, see Register), and returns "" if none.
// A room that does not offer this answers with an error
// (feature-not-implemented, or item-not-found as ejabberd 23.01 does),
// returned as the *stanza.Error.
func ReservedNick(ctx context.Context, c *xmpp.Client, room jid.JID) (string, error) {
	q := stanza.NewElement(disco.NSInfo, "query", stanza.A("node", NodeReservedNick))
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, room, q))
	if err != nil {
		return "", fmt.Errorf("muc: reserved nick in %s: %w", room, err)
	}
	nick, err := parseReservedNick(res.Payload)
	if err != nil {
		return "", fmt.Errorf("muc: reserved nick in %s: %w", room, err)
	}
	return nick, nil
}

// parseReservedNick reads the answer to a reserved nick request: an empty
// disco#info <query/> (XEP-0045 §7.12 wants one when the user has
// none, although XEP-0030 requires an identity), or one with a conference
// identity whose name is the nick.
func parseReservedNick(q *stanza.Element) (string, error) {
	if q == nil || q.Name != (stanza.Name{Space: disco.NSInfo, Local: "query"}) {
		return "", fmt.Errorf("%w: not a disco#info answer", ErrMalformed)
	}
	if q.FirstChild() == nil {
		return "", nil
	}
	info, err := disco.ParseInfo(q)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	for _, id := range info.Identities {
		if id.Category == "conference" {
			return id.Name, nil
		}
	}
	return "", nil
}
