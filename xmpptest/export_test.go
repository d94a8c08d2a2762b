package xmpptest

import (
	"time"

	"github.com/xmppkit/xmpp/stanza"
)

// LoseBOSHResponses makes srv lose the BOSH responses whose <body/> (with
// the payloads it carries) lose matches: each is kept for the request to
// be sent again, and its HTTP connection is closed unanswered, as when a
// response is lost on the way.
func LoseBOSHResponses(srv *Server, lose func(body *stanza.Element) bool) {
	srv.boshLose.Store(&lose)
}

// SetBOSHInactivity sets how long srv's BOSH sessions may go without a
// request. It must be called before the first BOSH session starts.
func SetBOSHInactivity(srv *Server, d time.Duration) {
	srv.boshIdle = d
}
