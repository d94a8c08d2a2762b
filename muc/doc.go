// Package muc implements the occupant, moderator, admin and owner sides
// of Multi-User Chat (XEP-0045), with direct invitations (XEP-0249),
// self-ping (XEP-0410) and occupant ids (XEP-0421).
//
// Rooms, made once per xmpp.Client with New before it connects, joins
// rooms and keeps each Room's state: its occupants with their roles,
// affiliations and (where the room shows them) real JIDs, its subject,
// and this occupant's nick. The rooms' messages reach the handler given
// to HandleMessage, with the sender's nick and whether the message is
// private, from the room's history, or the reflection of one's own;
// what happens in the rooms reaches the handler given to HandleEvent
// (occupants joining, leaving, changing nick, role or affiliation, kicks,
// bans, removals, the subject, the room's destruction).
//
//	rooms := muc.New(c, nil)
//	rooms.HandleMessage(func(ctx context.Context, room *muc.Room, m *muc.Message) {
//		if !m.Own && !m.History && strings.HasPrefix(m.Body(), "!ping") {
//			room.Send(ctx, m.Nick+": pong")
//		}
//	})
//	// after c.Connect:
//	room, err := rooms.Join(ctx, jid.MustParse("lobby@conference.example.org"), "bot", nil)
//
// A join completes when the room has sent its occupants, its history and
// its subject (XEP-0045 §7.2); a refusal is a *JoinError that errors.Is
// matches with the reason (ErrNickInUse, ErrPasswordRequired,
// ErrMembersOnly, ErrBanned, ErrRoomFull, ErrRoomLocked,
// ErrCreateNotAllowed, ErrNickRequired) and with the room's stanza error
// condition. A join that creates the room (Room.Created) makes it an
// instant room, or submits JoinOptions.Config, unless
// JoinOptions.KeepLocked.
//
// While joined, a room claims its address on the Client (xmpp.Route with
// its bare JID as From): its presence and messages go to Rooms, not to
// the Client's default handlers; leaving releases the claim. Rooms also
// claims messages with a muc#user payload (mediated invitations and
// declines, which go to HandleInvite and HandleDecline) and XEP-0249
// direct invitations.
//
// # Finding rooms
//
// AllRooms lists the rooms of a MUC service (XEP-0045 §6.3), following
// its result set pages (XEP-0059) to the end; ListRooms asks for one page
// and leaves the paging to the caller. A service that does not page
// (Prosody 0.12) answers with every public room at once. GetRoomInfo asks
// a room, joined or not, what it is (§6.4): RoomInfo holds its
// muc#roominfo fields (description, subject, number of occupants,
// contacts, language, logs) and its features (password-protected,
// members-only, moderated, persistent, public, non-anonymous...).
//
// # Registration
//
// GetRegistration fetches a room's registration form (§7.10) and Register
// submits it; RegisterNick fills in the usual form, which asks for a nick
// only, and Unregister cancels. A registered user is a member whose nick
// is reserved: others are refused it (ErrNickInUse). ReservedNick asks a
// room which nick the user reserved there (§7.12). A refusal wraps the
// room's stanza error and its meaning (ErrNickInUse,
// ErrRegistrationClosed, ErrRegistrationUnsupported, ErrBanned,
// ErrRoomLocked). ejabberd registers nicks with its MUC service, for all
// its rooms, rather than with each room: the same calls work with the
// service's address.
//
// # Moderation
//
// Moderators kick (Room.Kick), grant and revoke voice and moderator
// status (Room.SetRole), and read the voice and moderator lists
// (Room.Roles); admins and owners ban (Room.Ban), change affiliations one
// by one or as a modified list (Room.SetAffiliation,
// Room.SetAffiliations) and read the member, ban, admin and owner lists
// (Room.Affiliations); owners configure the room (Room.Config,
// Room.Configure) and destroy it (Room.Destroy). A visitor of a
// moderated room asks for voice with Room.RequestVoice; the room forwards
// the request to its moderators, whose handler given to
// Rooms.HandleVoiceRequest gets it as a VoiceRequest, to approve with
// Room.ApproveVoice or to leave unanswered.
//
// # Reconnection
//
// After a stream resumption nothing is needed: the room never saw us go.
// After a new session the server has taken the old session out of every
// room: Rooms joins each again, asking for the history since the last
// live message (less one second), delivers that history (History
// messages), reports the occupants who came and went, and ends with an
// EventRejoined saying since when, and whether the history may have been
// cut by the room's limit (HistoryFull). With Options.Archive, a room
// that keeps an archive (XEP-0313: urn:xmpp:mam:2 among its features) is
// joined again without history, and once it has us back every message it
// archived since the last one seen live (by its stanza-id) is fetched
// from the archive and delivered, in order, as History messages, before
// any live message: not only the last 20 a history holds
// (Event.FromArchive, Event.Recovered). Live messages the room routes to
// the session before the rejoin is done wait for the gap, and a message
// is delivered once however it came. A refused rejoin is an
// EventRejoinFailed, and the Room is out. Every SelfPing interval (15
// minutes by default) each room is asked, with a XEP-0410 self-ping,
// whether it still counts us in; one that forgot us is joined again the
// same way.
//
// # What is checked
//
// Presence and messages from a room not joined are dropped with a log
// line, as are occupant presences without an item, a self-presence for a
// nick not asked for (unless the room says it assigned one, status 210),
// a self-presence naming a real JID other than ours, and malformed
// payloads (ParseUserX, ParseAdminItems, ParseOwnerQuery,
// ParseDirectInvite, ParseRoomInfo, ParseRegistration and
// ParseVoiceRequest return errors wrapping ErrMalformed). Unknown status codes are kept in
// Event.Status and otherwise ignored.
//
// # Not covered
//
// Approving registration requests (XEP-0045 §9.9). A first join takes
// the room's history; to read the room's archive instead, join with
// NoHistory and query the archive with the mam package, addressed to the
// room's JID. Bookmarks of rooms (XEP-0402, XEP-0048), with autojoin,
// are package bookmarks.
package muc
