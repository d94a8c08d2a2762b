package xmpptest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file finds out, from /proc (Linux), which process listens on which
// TCP port and which processes belong to a process group. It reads no
// other process's memory and needs no tool such as ss or lsof.

// tcpListen is the state number of a listening socket in /proc/net/tcp.
const tcpListen = 0x0A

// listener is a listening TCP socket: its local address and its inode.
type listener struct {
	addr  netip.AddrPort
	inode uint64
}

// tcpListeners returns every listening TCP socket (IPv4 and IPv6) of the
// network namespace.
func tcpListeners() ([]listener, error) {
	var all []listener
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		ls, err := readTCPTable(f)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && f == "/proc/net/tcp6" {
				continue // IPv6 disabled
			}
			return nil, err
		}
		all = append(all, ls...)
	}
	return all, nil
}

// readTCPTable parses the listening sockets of one /proc/net/tcp* file.
func readTCPTable(name string) ([]listener, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var ls []listener
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Scan() // header line
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		st, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil || st != tcpListen {
			continue
		}
		addr, err := parseProcAddr(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: bad inode %q", name, f[9])
		}
		ls = append(ls, listener{addr: addr, inode: inode})
	}
	return ls, sc.Err()
}

// parseProcAddr parses an address of /proc/net/tcp*: the IP address in hex
// as 32-bit words in host byte order, a colon, and the port in hex.
func parseProcAddr(s string) (netip.AddrPort, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	raw, err := hex.DecodeString(ipHex)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port in %q", s)
	}
	ip := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(ip[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), nil
}

// socketInodes returns the inodes of the sockets that process pid has open.
func socketInodes(pid int) (map[uint64]bool, error) {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	inodes := make(map[uint64]bool)
	for _, e := range ents {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		rest, ok := strings.CutPrefix(target, "socket:[")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64); err == nil {
			inodes[n] = true
		}
	}
	return inodes, nil
}

// processListeners returns the addresses on which process pid listens.
func processListeners(pid int) ([]netip.AddrPort, error) {
	mine, err := socketInodes(pid)
	if err != nil {
		return nil, err
	}
	all, err := tcpListeners()
	if err != nil {
		return nil, err
	}
	var addrs []netip.AddrPort
	for _, l := range all {
		if mine[l.inode] {
			addrs = append(addrs, l.addr)
		}
	}
	return addrs, nil
}

// portState tells whether process pid listens on each of the addresses
// want. It returns the addresses pid does not listen on yet, and an error
// wrapping errPortTaken if another socket listens on one of them.
func portState(pid int, want []netip.AddrPort) (missing []netip.AddrPort, err error) {
	mine, err := socketInodes(pid)
	if err != nil {
		return nil, err
	}
	all, err := tcpListeners()
	if err != nil {
		return nil, err
	}
	for _, w := range want {
		ours := false
		for _, l := range all {
			if l.addr.Port() != w.Port() || !(l.addr.Addr() == w.Addr() || l.addr.Addr().IsUnspecified()) {
				continue
			}
			if !mine[l.inode] {
				return nil, fmt.Errorf("%w: %s (socket inode %d)", errPortTaken, w, l.inode)
			}
			ours = true
		}
		if !ours {
			missing = append(missing, w)
		}
	}
	return missing, nil
}

// errPortTaken reports that another process listens on a port chosen for
// the server: the port was taken between choosing and binding it.
var errPortTaken = errors.New("port taken by another process")

// freePorts returns n distinct free TCP ports on 127.0.0.1, found by
// binding port 0. The listeners are closed before it returns, so another
// process may take a port before the server binds it; portState detects
// that.
func freePorts(n int) ([]netip.AddrPort, error) {
	ports := make([]netip.AddrPort, 0, n)
	for range n {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).AddrPort())
	}
	return ports, nil
}

// proc identifies a process: its PID and its start time, so that a PID
// reused by an unrelated process is not taken for it.
type proc struct {
	pid   int
	start uint64 // clock ticks after boot
}

// alive reports whether p is still running (a zombie counts as exited).
func (p proc) alive() bool {
	st, err := readStat(p.pid)
	return err == nil && st.start == p.start && st.state != 'Z'
}

// descendants returns the live descendants of process pid. An Erlang node,
// for one, runs its port programs under erl_child_setup, in sessions of
// their own, so that process groups do not find them.
func descendants(pid int) []proc {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := make(map[int]int)
	stats := make(map[int]procStat)
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(p); err == nil && st.state != 'Z' {
			parent[p] = st.ppid
			stats[p] = st
		}
	}
	var out []proc
	for p := range parent {
		for a := parent[p]; a > 1; a = parent[a] {
			if a == pid {
				out = append(out, proc{pid: p, start: stats[p].start})
				break
			}
		}
	}
	return out
}

// procStat holds the fields of /proc/PID/stat this package uses.
type procStat struct {
	state byte
	ppid  int
	start uint64
}

// readStat reads /proc/PID/stat.
func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	// pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
	// majflt cmajflt utime stime cutime cstime priority nice num_threads
	// itrealvalue starttime ...; comm may contain spaces and ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("bad stat of %d", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("bad stat of %d", pid)
	}
	ppid, err1 := strconv.Atoi(f[1])
	start, err2 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil {
		return procStat{}, fmt.Errorf("bad stat of %d", pid)
	}
	return procStat{state: f[0][0], ppid: ppid, start: start}, nil
}
