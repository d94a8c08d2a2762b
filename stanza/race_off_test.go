//go:build !race

package stanza

const raceEnabled = false
