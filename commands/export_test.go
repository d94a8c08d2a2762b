package commands

import "time"

// SetClock makes s read the time from now, for tests of the idle timeout.
func SetClock(s *Server, now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}
