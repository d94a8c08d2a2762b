//go:build race

package stanza

// raceEnabled reports whether the tests run with the race detector, under
// which allocation counts are not meaningful.
const raceEnabled = true
