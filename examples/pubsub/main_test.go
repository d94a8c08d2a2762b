package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader, which
// says on wrote that it was written to.
type syncBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemo: on the in-process server the watcher prints the publisher's
// load updates, and the demo ends cleanly when stopped.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	out := &syncBuffer{wrote: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- demo(runCtx, slog.New(slog.DiscardHandler), 20*time.Millisecond, out) }()
	for strings.Count(out.String(), "alice@localhost: load ") < 3 {
		select {
		case err := <-done:
			t.Fatalf("demo ended: %v; printed %q", err, out.String())
		case <-ctx.Done():
			t.Fatalf("printed %q; want three updates from alice", out.String())
		case <-out.wrote:
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("demo: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, "alice@localhost: load ") || len(line) <= len("alice@localhost: load ") {
			t.Errorf("line %q", line)
		}
	}
}
