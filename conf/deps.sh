#!/bin/sh
# Install the Debian packages named on the command line that are not yet
# installed. Used by `make deps`, `make demo`, `make check` and `make bench`:
# apt-get runs only when something is missing, non-interactively, and never
# starts services it installs (openssh-server must not start a host sshd).
set -eu

missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" != 0 ]; then
	echo "nsbox: missing Debian packages:$missing" >&2
	echo "nsbox: run make as root (or sudo make ...), or as root: apt-get install$missing" >&2
	exit 1
fi

echo "nsbox: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A policy-rc.d that denies service starts is Debian's documented way to keep
# maintainer scripts from starting daemons; it lives only for this install.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	own_policy=1
fi
cleanup() {
	if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi
}
trap cleanup EXIT INT TERM

# Another apt or dpkg at work (unattended-upgrades, a second make) holds
# dpkg's lock: wait up to two minutes for it instead of failing at once.
lock="-o DPkg::Lock::Timeout=120"
# shellcheck disable=SC2086 # word splitting of the option and package list is wanted
if ! apt-get $lock install -y -q --no-install-recommends $missing </dev/null; then
	apt-get $lock update -q </dev/null
	apt-get $lock install -y -q --no-install-recommends $missing </dev/null
fi
