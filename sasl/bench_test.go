package sasl

import (
	"errors"
	"strconv"
	"testing"
)

// BenchmarkMaxIterations measures the client's work on a server-first
// message at DefaultMaxIterations, the figure DefaultMaxIterations
// documents: go test -run='^$' -bench=MaxIterations ./sasl
func BenchmarkMaxIterations(b *testing.B) {
	msg := []byte("r=CLIENTNONCEsrv,s=QSXCR+Q6sek8bf92,i=" + strconv.Itoa(DefaultMaxIterations))
	for _, mech := range []string{SCRAMSHA1, SCRAMSHA256, SCRAMSHA512} {
		b.Run(mech, func(b *testing.B) {
			for b.Loop() {
				s := testSession(b, mech, scramParams{}, 0, 0)
				if _, err := s.Next(msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRefuseHugeIterations measures the refusal of a server-first
// message asking for 2^31-1 iterations.
func BenchmarkRefuseHugeIterations(b *testing.B) {
	msg := []byte("r=CLIENTNONCEsrv,s=QSXCR+Q6sek8bf92,i=2147483647")
	for b.Loop() {
		s := testSession(b, SCRAMSHA512, scramParams{}, 0, 0)
		if _, err := s.Next(msg); !errors.Is(err, ErrInvalidChallenge) {
			b.Fatal(err)
		}
	}
}
