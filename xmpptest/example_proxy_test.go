//go:build linux

// This example runs on Linux only: there a reset connection still hands
// its reader the bytes that arrived before the reset, and the proxy can
// see that a peer received the last bytes before a cut.

package xmpptest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/xmppkit/xmpp/xmpptest"
)

// A proxy sits between a client and its server and breaks the connection
// on command, here in the middle of a reply from the server, so that a
// test can check what the client does then: in a real test, the client is
// an XMPP client that should reconnect, and the server a real or
// in-process XMPP server. Here an echo server stands in for the server.
func ExampleProxy() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var echoes sync.WaitGroup
	echoes.Go(func() { serveEcho(ln, &echoes) })
	defer echoes.Wait()
	defer ln.Close()

	// In a test: p := xmpptest.StartProxy(t, ln.Addr().String()).
	p, err := xmpptest.NewProxy(ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer p.Close()

	// The client connects to the proxy instead of the server.
	conn, err := net.Dial("tcp", p.Addr())
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "<presence/>")
	reply := make([]byte, len("<presence/>"))
	if _, err := io.ReadFull(conn, reply); err != nil {
		panic(err)
	}
	fmt.Printf("echo: %s\n", reply)

	// Cut the connection once 5 more bytes came from the server.
	p.CutAfter(xmpptest.ServerToClient, 5)
	fmt.Fprint(conn, "<message/>")
	got, err := io.ReadAll(conn)
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		fmt.Printf("received %q, then the connection was reset\n", got)
	case err == nil:
		fmt.Printf("received %q, then end of file\n", got)
	default:
		fmt.Printf("received %q, then %v\n", got, err)
	}

	// The client reconnects; Wait returns once the proxy accepted it.
	again, err := net.Dial("tcp", p.Addr())
	if err != nil {
		panic(err)
	}
	defer again.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Wait(ctx, 2); err != nil {
		panic(err)
	}
	fmt.Println("connections accepted:", p.Accepted())

	// Output:
	// echo: <presence/>
	// received "<mess", then the connection was reset
	// connections accepted: 2
}

// serveEcho serves ln until it is closed, echoing on each connection.
func serveEcho(ln net.Listener, wg *sync.WaitGroup) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Go(func() {
			defer conn.Close()
			_, _ = io.Copy(conn, conn)
		})
	}
}
