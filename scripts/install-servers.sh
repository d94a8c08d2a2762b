#!/usr/bin/env bash
# Installs what the integration tests need, where it is missing: the XMPP
# servers that the xmpptest launchers start (Debian packages prosody and
# ejabberd, with erlang-p1-sqlite3 for ejabberd's message archive) and
# slixmpp for the interop tests (python3-slixmpp).
#
# Idempotent: when everything is installed it says so and exits 0. Otherwise,
# as root on a system with apt-get, it runs apt-get update and apt-get install
# for the missing packages, without starting their system services (the
# tests run their own private servers), checks the result and exits 0, or
# exits 1 with a message if installation failed.
#
# When it cannot install (not root, or no apt-get) it exits 1 if
# XMPP_INTEGRATION=1 (as in CI, where a missing server is a failure), and
# otherwise warns and exits 0: the integration tests will then be skipped,
# each saying how to install the server.
set -euo pipefail

PACKAGES_HINT="apt-get install prosody ejabberd erlang-p1-sqlite3 python3-slixmpp"

say() { printf 'install-servers: %s\n' "$*"; }
fail() { printf 'install-servers: error: %s\n' "$*" >&2; exit 1; }

# ejabberd_found reports whether erl and ejabberd's application are
# installed where the xmpptest launcher looks for them.
ejabberd_found() {
	command -v erl >/dev/null 2>&1 || return 1
	compgen -G '/usr/lib/*/ejabberd-*/ebin/ejabberd.app' >/dev/null ||
		compgen -G '/usr/lib/erlang/lib/ejabberd-*/ebin/ejabberd.app' >/dev/null ||
		compgen -G '/usr/local/lib/erlang/lib/ejabberd-*/ebin/ejabberd.app' >/dev/null
}

# missing_packages prints the packages whose programs are not installed.
missing_packages() {
	if ! command -v prosody >/dev/null 2>&1 || ! command -v prosodyctl >/dev/null 2>&1; then
		echo prosody
	fi
	ejabberd_found || echo ejabberd
	# ejabberd's message archive is kept in SQLite (see xmpptest/ejabberd.go).
	compgen -G '/usr/lib/erlang/lib/p1_sqlite3-*/ebin' >/dev/null ||
		compgen -G '/usr/local/lib/erlang/lib/p1_sqlite3-*/ebin' >/dev/null ||
		echo erlang-p1-sqlite3
	# Debian's slixmpp is importable only by the system Python.
	/usr/bin/python3 -c 'import slixmpp' >/dev/null 2>&1 || echo python3-slixmpp
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -eq 0 ]; then
	say "prosody, ejabberd (with erlang-p1-sqlite3) and python3-slixmpp are already installed; nothing to do"
	exit 0
fi
say "missing: ${missing[*]}"

cannot_install() {
	if [ "${XMPP_INTEGRATION:-}" = 1 ]; then
		fail "$1; install them with: $PACKAGES_HINT (XMPP_INTEGRATION=1 requires them)"
	fi
	say "warning: $1; integration tests will be skipped (install with: $PACKAGES_HINT)"
	exit 0
}
[ "$(id -u)" -eq 0 ] || cannot_install "not running as root, cannot install ${missing[*]}"
command -v apt-get >/dev/null 2>&1 || cannot_install "apt-get not found, cannot install ${missing[*]}"

# Keep the packages' system services from starting: on a machine with an
# init system they would listen on 5222 and 5269 on all interfaces. A
# policy-rc.d that refuses every action does that (Debian policy); one that
# is already there is left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\n# Temporary, from install-servers.sh: start no service.\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	say "temporarily created $policy so that no system service starts"
fi

export DEBIAN_FRONTEND=noninteractive
say "running apt-get update"
apt-get update -q || fail "apt-get update failed"
say "running apt-get install -y ${missing[*]}"
apt-get install -y -q "${missing[@]}" || fail "apt-get install ${missing[*]} failed"

mapfile -t still < <(missing_packages)
if [ "${#still[@]}" -gt 0 ]; then
	fail "still missing after apt-get install: ${still[*]}"
fi
say "installed ${missing[*]}"
