package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := demo(ctx, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"started an in-process XMPP server for localhost",
		"alice connected as alice@localhost/",
		"bob <- presence from alice@localhost/",
		`bob <- chat from alice@localhost/`,
		`"Hi Bob!"`,
		"answered by bob's client",
		"alice -> server: ping, answered",
		"closed both clients and the server",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}
