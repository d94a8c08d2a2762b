package xmpp

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xmppkit/xmpp/xmpptest"
)

// The measurements of docs/performance.md. They start real servers and take
// a while, so they run only with XMPP_MEASURE=1:
//
//	XMPP_MEASURE=1 go test -run Measure -v .

func skipUnlessMeasuring(t *testing.T) {
	if os.Getenv("XMPP_MEASURE") != "1" {
		t.Skip("set XMPP_MEASURE=1 to run measurements")
	}
}

// TestMeasureLogin reports the time from dial to bound (TCP, STARTTLS,
// SCRAM, bind), over 50 logins to each server.
func TestMeasureLogin(t *testing.T) {
	skipUnlessMeasuring(t)
	for _, rs := range servers {
		t.Run(rs.name, func(t *testing.T) {
			srv := rs.start(t)
			var times []time.Duration
			for i := range 51 {
				start := time.Now()
				c, err := login(t, srv, 0, nil)
				d := time.Since(start)
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				if i > 0 { // the first login warms the server's caches
					times = append(times, d)
				}
			}
			slices.Sort(times)
			t.Logf("%s: login (dial to bound) over %d: min %v, median %v, p90 %v, max %v",
				rs.name, len(times), times[0], times[len(times)/2], times[len(times)*9/10], times[len(times)-1])
		})
	}
}

// TestMeasureIdleClients connects many clients to one ejabberd and reports
// the heap and goroutines each idle Client costs.
func TestMeasureIdleClients(t *testing.T) {
	skipUnlessMeasuring(t)
	n := 1000
	if s := os.Getenv("XMPP_MEASURE_CLIENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	srv := realServer(xmpptest.StartEjabberd(t, nil))
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	h0, g0 := heap(), runtime.NumGoroutine()
	clients := make([]*Client, 0, n)
	start := time.Now()
	for i := range n {
		c, err := login(t, srv, i%4, &Options{Resource: "idle" + strconv.Itoa(i)})
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		clients = append(clients, c)
	}
	elapsed := time.Since(start)
	h1, g1 := heap(), runtime.NumGoroutine()
	if p := os.Getenv("XMPP_MEASURE_HEAPPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	t.Logf("%d idle clients to ejabberd (connected in %v): %.1f KiB heap and %.2f goroutines per client",
		n, elapsed, float64(h1-h0)/float64(n)/1024, float64(g1-g0)/float64(n))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, c := range clients {
		if ctx.Err() != nil {
			break
		}
		c.Close()
	}
}
