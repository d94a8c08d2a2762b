package xmpptest

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// start starts a server of flavor fl for tb, trying again with new ports
// when another process takes one first.
func start(tb testing.TB, opts *RealServerOptions, fl *flavor) *RealServer {
	tb.Helper()
	progs, err := fl.find()
	requireInstalled(tb, fl.name, err)
	var o RealServerOptions
	if opts != nil {
		o = *opts
	}
	cert, err := newTestCert(testDomain)
	if err != nil {
		tb.Fatalf("xmpptest: start %s: %v", fl.name, err)
	}
	for attempt := 1; ; attempt++ {
		s, err := launch(fl, progs, &o, cert)
		if err == nil {
			tb.Cleanup(func() { s.cleanup(tb) })
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == maxAttempts {
			tb.Fatalf("xmpptest: start %s: %v", fl.name, err)
		}
		tb.Logf("xmpptest: start %s: %v; trying new ports", fl.name, firstLine(err.Error()))
	}
}

// launch makes one attempt to start a server. On failure it stops what it
// started and removes the directory; the error includes the server's logs.
func launch(fl *flavor, progs programs, o *RealServerOptions, cert *testCert) (_ *RealServer, err error) {
	dir, err := os.MkdirTemp("", "xmpptest-"+fl.name+"-")
	if err != nil {
		return nil, err
	}
	s := &RealServer{
		name:     fl.name,
		domain:   testDomain,
		rootCAs:  cert.pool,
		accounts: newAccounts(o.Accounts, testDomain),
		dir:      dir,

		noArchive: o.NoArchive,
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w%s", err, s.logTails())
			s.Stop()
			_ = os.RemoveAll(dir)
		}
	}()
	if err := checkPath(dir); err != nil {
		return nil, err
	}
	if s.caFile, s.keyFile, err = cert.write(filepath.Join(dir, "certs"), testDomain); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	s.addr, s.directAddr, s.wsAddr = ports[0].String(), ports[1].String(), ports[2].String()

	wait := readyTimeout(loadPerCore())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	cmd, err := fl.prepare(ctx, s, progs)
	if err != nil {
		return nil, err
	}
	if err := s.run(cmd); err != nil {
		return nil, err
	}
	if err := s.waitReady(ctx, fl, ports, wait); err != nil {
		return nil, err
	}
	return s, nil
}

// run starts cmd as the server process: in s.dir, with its output in
// console.log, in a process group of its own (a Ctrl-C at the terminal
// goes to the test process, not to the server), and with Pdeathsig, so
// that the kernel kills it if the test process dies before stopping it
// (killed, timed out). Pdeathsig fires when the OS thread that started
// the process ends; Go keeps its threads while the process runs, unless
// a goroutine that locked its thread exits without unlocking it.
func (s *RealServer) run(cmd *exec.Cmd) error {
	console, err := os.OpenFile(filepath.Join(s.dir, "console.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer console.Close() // the child has its own copy
	cmd.Stdout, cmd.Stderr = console, console
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.name, err)
	}
	s.cmd, s.pid, s.done = cmd, cmd.Process.Pid, make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	return nil
}

// readyTimeout returns how long one start may take when the machine's
// runnable work per core, averaged over the last minute, is load:
// baseReadyTimeout up to one per core, stretched in proportion beyond,
// at most maxReadyTimeout. A busy machine (a CI runner running other
// jobs, the tests' own parallel servers) starts a server slower but
// still starts it.
func readyTimeout(load float64) time.Duration {
	d := baseReadyTimeout
	if load > 1 {
		d = time.Duration(float64(d) * load)
	}
	return min(d, maxReadyTimeout)
}

// loadPerCore returns the one-minute load average divided by the number
// of cores, or 0 if /proc/loadavg cannot be read.
func loadPerCore() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var load float64
	if _, err := fmt.Sscan(string(b), &load); err != nil {
		return 0
	}
	return load / float64(runtime.NumCPU())
}

// readyStage is a step of a server's start-up, in the order they pass.
type readyStage int

const (
	stageStarted   readyStage = iota // the process runs
	stageListening                   // it listens on its ports
	stageOwnWork                     // its own start-up work is done (accounts)
	stageAnswered                    // it answers a stream header
)

var stageNames = [...]string{"started", "listening", "accounts ready", "answering"}

// startProgress records when each stage of a start-up passed, so that a
// start that timed out says how far it got.
type startProgress struct {
	begin  time.Time
	passed []time.Duration // by readyStage
}

func (p *startProgress) pass(st readyStage) {
	for readyStage(len(p.passed)) <= st {
		p.passed = append(p.passed, time.Since(p.begin))
	}
}

// String lists the stages passed with their times, e.g. "started +0s,
// listening +11.2s".
func (p *startProgress) String() string {
	var parts []string
	for i, d := range p.passed {
		parts = append(parts, fmt.Sprintf("%s +%.1fs", stageNames[i], d.Seconds()))
	}
	return strings.Join(parts, ", ")
}

// waitReady waits until the server process listens on ports, has done its
// own start-up work, and answers a stream header with stream features. A
// timeout's error says how far the start-up got, and when.
func (s *RealServer) waitReady(ctx context.Context, fl *flavor, ports []netip.AddrPort, wait time.Duration) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	progress := &startProgress{begin: time.Now()}
	progress.pass(stageStarted)
	last := errors.New("not started")
	for {
		select {
		case <-s.done:
			if err := portsTaken(ports); err != nil {
				return err
			}
			return fmt.Errorf("%s exited before it was ready (%v): %v", s.name, progress, s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %v (load %.1f per core now; %v): %v", s.name, wait, loadPerCore(), progress, last)
		case <-tick.C:
		}
		last = s.checkReady(ctx, fl, ports, progress)
		if last == nil || errors.Is(last, errPortTaken) {
			return last
		}
	}
}

// checkReady reports why the server is not ready yet, or nil, and
// records in progress the stages it found passed.
func (s *RealServer) checkReady(ctx context.Context, fl *flavor, ports []netip.AddrPort, progress *startProgress) error {
	missing, err := portState(s.pid, ports)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("server does not listen on %v yet", missing)
	}
	progress.pass(stageListening)
	if fl.ready != nil {
		if err := fl.ready(s); err != nil {
			return err
		}
	}
	progress.pass(stageOwnWork)
	if _, err := probeFeatures(ctx, s.addr, s.domain); err != nil {
		return fmt.Errorf("readiness probe: %w", err)
	}
	progress.pass(stageAnswered)
	return nil
}

// portsTaken reports, after the server has exited, whether another process
// listens on one of ports: then the server probably exited because it
// could not bind it.
func portsTaken(ports []netip.AddrPort) error {
	all, err := tcpListeners()
	if err != nil {
		return nil
	}
	for _, p := range ports {
		for _, l := range all {
			if l.addr.Port() == p.Port() {
				return fmt.Errorf("%w: %s", errPortTaken, p)
			}
		}
	}
	return nil
}

// stop does the work of Stop, once.
func (s *RealServer) stop() {
	if s.cmd == nil {
		return
	}
	helpers := descendants(s.pid)
	// The os.Process signals through a pidfd: a signal never reaches
	// another process that reused the PID after this one was reaped.
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(stopTimeout)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	reap(helpers)
}

// reap waits for the helper processes of a server, which exit when the
// server has, and kills those still running after helperTimeout. Each is
// identified by PID and start time, so no other process is signalled.
func reap(helpers []proc) {
	deadline := time.Now().Add(helperTimeout)
	killed := false
	for {
		helpers = slices.DeleteFunc(helpers, func(p proc) bool { return !p.alive() })
		if len(helpers) == 0 {
			return
		}
		if time.Now().After(deadline) {
			if killed {
				return // stuck in the kernel; nothing more to do
			}
			for _, p := range helpers {
				if p.alive() {
					_ = syscall.Kill(p.pid, syscall.SIGKILL)
				}
			}
			killed = true
			deadline = time.Now().Add(helperTimeout)
		}
		time.Sleep(pollInterval)
	}
}
