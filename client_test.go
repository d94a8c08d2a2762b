package xmpp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/jid"
	"github.com/xmppkit/xmpp/sasl"
	"github.com/xmppkit/xmpp/stanza"
	"github.com/xmppkit/xmpp/stream"
)

func TestDialAndClose(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	if got := c.JID().String(); got != "alice@localhost/res" {
		t.Errorf("bound %s", got)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wait()
	if err := c.Err(); err != ErrClosed {
		t.Errorf("Err after Close = %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := c.Send(context.Background(), stanza.NewMessage(stanza.MessageChat, alice, "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
}

func TestMessagesInOrder(t *testing.T) {
	checkGoroutines(t)
	const n = 200
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.waitReady()
		for i := range n {
			fs.send(fmt.Sprintf("<message from='bob@localhost/x' type='chat'><body>%d</body></message>", i))
		}
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	got := make(chan string, n)
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) { got <- m.Body() })
	close(fs.ready)
	for i := range n {
		select {
		case b := <-got:
			if b != fmt.Sprint(i) {
				t.Fatalf("message %d arrived as %s", i, b)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d did not arrive", i)
		}
	}
}

// TestHandlerMayAwaitResult: a handler that sends a request and waits for
// its result does not deadlock, because results bypass the handler queue.
func TestHandlerMayAwaitResult(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.waitReady()
		fs.send("<message from='bob@localhost/x'><body>ping the server</body></message>")
		e := fs.read()
		iq, err := stanza.ParseIQ(e)
		if err != nil {
			t.Error(err)
			return
		}
		// Another message queued behind the running handler.
		fs.send("<message from='bob@localhost/x'><body>second</body></message>")
		fs.send(iq.Result(nil).Element().String())
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	results := make(chan error, 2)
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) {
		if m.Body() == "ping the server" {
			results <- c.Ping(ctx, jid.JID{})
		} else {
			results <- nil
		}
	})
	close(fs.ready)
	for range 2 {
		select {
		case err := <-results:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("handler deadlocked")
		}
	}
}

func TestUnhandledIQGetsServiceUnavailable(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	var reply, pong *stanza.IQ
	answered := make(chan struct{})
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.send("<iq from='bob@localhost/x' id='q1' type='get'><query xmlns='urn:example:unknown'/></iq>")
		reply, _ = stanza.ParseIQ(fs.read())
		fs.send("<iq from='bob@localhost/x' id='q2' type='get'><ping xmlns='urn:xmpp:ping'/></iq>")
		pong, _ = stanza.ParseIQ(fs.read())
		close(answered)
		fs.readUntilEnd()
	})
	select {
	case <-answered:
	case <-time.After(5 * time.Second):
		t.Error("no answers")
	}
	c.Close()
	wait()
	if reply == nil || reply.Type != stanza.IQError || reply.ID != "q1" || !errors.Is(reply.Error, stanza.ErrServiceUnavailable) {
		t.Errorf("reply to an unhandled get: %+v", reply)
	}
	if reply != nil && reply.To.String() != "bob@localhost/x" {
		t.Errorf("reply addressed to %s", reply.To)
	}
	if pong == nil || pong.Type != stanza.IQResult || pong.ID != "q2" {
		t.Errorf("ping answered with %+v", pong)
	}
}

// TestResultOnlyFromAddressee: an IQ result with the right id from anyone
// but the addressee is dropped.
func TestResultOnlyFromAddressee(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	bob := jid.MustParse("bob@localhost/phone")
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		iq, err := stanza.ParseIQ(fs.read())
		if err != nil {
			t.Error(err)
			return
		}
		spoof := fmt.Sprintf("<iq from='%s' id='%s' type='result'><spoofed xmlns='urn:x'/></iq>", "mallory@localhost/x", iq.ID)
		fs.send(spoof)
		fs.send(fmt.Sprintf("<iq from='bob@localhost' id='%s' type='result'><spoofed xmlns='urn:x'/></iq>", iq.ID))
		fs.send(fmt.Sprintf("<iq id='%s' type='result'><spoofed xmlns='urn:x'/></iq>", iq.ID))
		fs.send(fmt.Sprintf("<iq from='bob@localhost/phone' id='%s' type='result'><real xmlns='urn:x'/></iq>", iq.ID))
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, bob, stanza.NewElement("urn:x", "q")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Payload == nil || res.Payload.Name.Local != "real" {
		t.Errorf("accepted %s", res.Element())
	}
}

func TestRequestErrorIsStanzaError(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		iq, _ := stanza.ParseIQ(fs.read())
		fs.send(iq.ErrorReply(stanza.NewError(stanza.ErrItemNotFound, "no such user")).Element().String())
		fs.readUntilEnd()
	})
	defer wait()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
	var se *stanza.Error
	if !errors.Is(err, stanza.ErrItemNotFound) || !errors.As(err, &se) || se.Text != "no such user" {
		t.Errorf("err = %v", err)
	}
}

func TestRequestHonoursContext(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	defer wait()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Request(ctx, stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v", d)
	}
}

func TestCloseFailsPendingRequests(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	read := make(chan struct{})
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.read()
		close(read)
		fs.readUntilEnd()
	})
	defer wait()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Request(context.Background(), stanza.NewIQ(stanza.IQGet, jid.JID{}, stanza.NewElement("urn:x", "q")))
		errc <- err
	}()
	<-read
	c.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("pending request got %v", err)
	}
}

func TestCloseFromHandler(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) {
		fs.waitReady()
		fs.send("<message from='bob@localhost/x'><body>quit</body></message>")
		fs.readUntilEnd()
	})
	defer wait()
	closed := make(chan struct{})
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) {
		c.Close()
		close(closed)
	})
	close(fs.ready)
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close from a handler blocked")
	}
}

func TestBindRefusesForeignAddress(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{bindAs: "mallory@localhost/res"}
	opts, wait := dialFake(t, fs, nil)
	defer wait()
	_, err := Dial(context.Background(), alice, opts)
	if err == nil || !strings.Contains(err.Error(), "mallory") {
		t.Fatalf("err = %v", err)
	}
}

func TestRefusesServerWithoutTLS(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{noTLS: true}
	opts, wait := dialFake(t, fs, nil)
	defer wait()
	_, err := Dial(context.Background(), alice, opts)
	if !errors.Is(err, stream.ErrTLSRequired) {
		t.Fatalf("err = %v", err)
	}
}

func TestSASLFailureIsTyped(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{saslFailure: "account-disabled"}
	opts, wait := dialFake(t, fs, nil)
	defer wait()
	_, err := Dial(context.Background(), alice, opts)
	var f *sasl.Failure
	if !errors.Is(err, sasl.ErrAccountDisabled) || !errors.As(err, &f) || f.Text != "go away" {
		t.Fatalf("err = %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	opts, wait := dialFake(t, fs, nil)
	defer wait()
	opts.Password = "wrong"
	_, err := Dial(context.Background(), alice, opts)
	if !errors.Is(err, sasl.ErrNotAuthorized) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownMechanisms(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{mechs: []string{"X-UNKNOWN", "CRAM-MD5"}}
	opts, wait := dialFake(t, fs, nil)
	defer wait()
	_, err := Dial(context.Background(), alice, opts)
	if !errors.Is(err, sasl.ErrNoMechanism) {
		t.Fatalf("err = %v", err)
	}
}

// TestBadInput: the connection ends with the right error and the server
// gets the stream error the input calls for.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		closed bool // the server closes the connection after input
		want   error
		sent   stanza.StreamCondition // stream error we must send, if any
	}{
		{"garbage", "<message><!-- hidden --></message>", false, stanza.StreamRestrictedXML, stanza.StreamRestrictedXML},
		{"not well-formed", "<message></presence>", false, stanza.StreamNotWellFormed, stanza.StreamNotWellFormed},
		{"closed mid-stanza", "<message><body>hel", true, io.ErrUnexpectedEOF, ""},
		{"stream error", "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>", false, stanza.StreamConflict, ""},
		{"server closes stream", "</stream:stream>", false, ErrPeerClosed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGoroutines(t)
			fs := &fakeServer{}
			var got *stanza.StreamError
			c, wait := dialTest(t, fs, func(fs *fakeServer) {
				fs.send(tt.input)
				if tt.closed {
					fs.conn.Close()
					return
				}
				for {
					e, err := fs.dec.ReadElement()
					if err != nil {
						return
					}
					if se, err := stanza.ParseStreamError(e); err == nil {
						got = se
					}
				}
			})
			select {
			case <-c.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("client did not end")
			}
			if err := c.Err(); !errors.Is(err, ErrClosed) || !errors.Is(err, tt.want) {
				t.Errorf("Err = %v, want %v", err, tt.want)
			}
			c.Close()
			wait()
			if tt.sent != "" && (got == nil || got.Condition != tt.sent) {
				t.Errorf("server got stream error %v, want %s", got, tt.sent)
			}
		})
	}
}

func TestDeadConnectionDetected(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		// Read everything, answer nothing.
		for {
			if _, err := fs.dec.ReadElement(); err != nil {
				return
			}
		}
	})
	defer wait()
	opts.PingInterval = 100 * time.Millisecond
	opts.PingTimeout = 200 * time.Millisecond
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("dead connection not noticed")
	}
	if !errors.Is(c.Err(), ErrDeadConnection) {
		t.Errorf("Err = %v", c.Err())
	}
}

// TestSendHonoursContextWhenServerStopsReading: a send blocked because the
// server reads nothing returns at its deadline.
func TestSendHonoursContextWhenServerStopsReading(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	stop := make(chan struct{})
	c, wait := dialTest(t, fs, func(fs *fakeServer) { <-stop })
	defer wait()
	defer close(stop)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	big := stanza.NewMessage(stanza.MessageChat, alice, strings.Repeat("x", 1<<20))
	err := c.Send(ctx, big)
	if err == nil {
		t.Fatal("send to a server that reads nothing succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("send returned after %v", d)
	}
	// A write cut short leaves the stream unusable, so the client ends.
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Error("client did not end after an abandoned write")
	}
}

func TestDispatchOverflow(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	release := make(chan struct{})
	var got *stanza.StreamError
	opts, wait := dialFake(t, fs, func(fs *fakeServer) {
		fs.waitReady()
		// Write from another goroutine: net.Pipe has no buffer, and the
		// client stops reading to send its stream error.
		go func() {
			for range 20 {
				if _, err := io.WriteString(fs.conn, "<message from='bob@localhost/x'><body>x</body></message>"); err != nil {
					return
				}
			}
		}()
		for {
			e, err := fs.dec.ReadElement()
			if err != nil {
				return
			}
			if se, err := stanza.ParseStreamError(e); err == nil {
				got = se
			}
		}
	})
	opts.QueueSize = 2
	c, err := Dial(context.Background(), alice, opts)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	c.HandleMessage(func(ctx context.Context, m *stanza.Message) {
		once.Do(func() { <-release })
	})
	close(fs.ready)
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("overflow not detected")
	}
	close(release)
	c.Close()
	wait()
	if !errors.Is(c.Err(), ErrDispatchOverflow) {
		t.Errorf("Err = %v", c.Err())
	}
	if got == nil || got.Condition != stanza.StreamPolicyViolation {
		t.Errorf("server got %v, want policy-violation", got)
	}
}

func TestDuplicateIQHandlerPanics(t *testing.T) {
	checkGoroutines(t)
	fs := &fakeServer{}
	c, wait := dialTest(t, fs, func(fs *fakeServer) { fs.readUntilEnd() })
	defer wait()
	defer c.Close()
	h := func(context.Context, *stanza.IQ) (*stanza.Element, error) { return nil, nil }
	c.HandleIQ(stanza.IQGet, "urn:x", "q", h)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	c.HandleIQ(stanza.IQGet, "urn:x", "q", h)
}
