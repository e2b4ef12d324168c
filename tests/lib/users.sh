# users.sh: throwaway users and a private mount namespace for root tests.
#
#   enter_private_ns "$@"   first thing in a root test: re-run the script in
#                           its own mount namespace (propagation private), so
#                           every bind below vanishes with it
#   private_etc             bind copies of /etc/passwd, group, shadow over the
#                           real ones (inside that namespace only)
#   add_user NAME UID [SHELL]
#                           a user with its own group, home in $T/home/NAME,
#                           login shell SHELL (default /bin/sh), locked password
#   add_group NAME GID [MEMBER,...]
#   private_syslog          a test syslog daemon on /dev/log, writing $T/syslog
#   private_run_and_logs    empty tmpfs over /run and /var/log, so utmp, wtmp,
#                           btmp and lastlog writes by su and sshd stay here

enter_private_ns() {
	if [ "${NSBOX_PRIVATE_NS:-}" != "$$" ]; then
		# The variable carries the pid the script will have after exec,
		# so a nested test script re-enters its own namespace.
		exec env NSBOX_PRIVATE_NS=__self__ unshare -m --propagation private \
			sh -c 'export NSBOX_PRIVATE_NS=$$; exec "$0" "$@"' "$0" "$@"
	fi
	# Look like a real host: systemd makes "/" rshared at boot, so every
	# mount is in a peer group. The namespace starts private (nothing we
	# do reaches the real host), then gets peer groups of its own, so a
	# mount the code under test leaks shows in this namespace's table.
	# NSBOX_TEST_PROPAGATION=private runs a suite the old way.
	case ${NSBOX_TEST_PROPAGATION:-shared} in
	shared) mount --make-rshared / ;;
	private) ;;
	*) echo "Bail out! NSBOX_TEST_PROPAGATION must be shared or private"; exit 1 ;;
	esac
}

private_etc() {
	[ "${NSBOX_PRIVATE_NS:-}" = "$$" ] || { echo "Bail out! private_etc outside a private namespace"; exit 1; }
	mkdir -p "$T/etc"
	for f in passwd group shadow; do
		cp -p "/etc/$f" "$T/etc/$f"
		mount --bind "$T/etc/$f" "/etc/$f"
	done
}

add_group() {
	printf '%s:x:%s:%s\n' "$1" "$2" "${3:-}" >>/etc/group
}

add_user() {
	name=$1
	uid=$2
	mkdir -p "$T/home/$name"
	chown "$uid:$uid" "$T/home/$name"
	chmod 0755 "$T/home/$name"
	printf '%s:x:%s:%s:%s:%s:%s\n' "$name" "$uid" "$uid" "$name" "$T/home/$name" "${3:-/bin/sh}" \
		>>/etc/passwd
	printf '%s:x:%s:\n' "$name" "$uid" >>/etc/group
	printf '%s:!:19000:0:99999:7:::\n' "$name" >>/etc/shadow
}

# /dev/log need not exist on the host, and we may not create it there: put
# a tmpfs over /dev (in this namespace only), bind every host entry back,
# and listen on /dev/log ourselves.
private_syslog() {
	[ "${NSBOX_PRIVATE_NS:-}" = "$$" ] || { echo "Bail out! private_syslog outside a private namespace"; exit 1; }
	mkdir -p "$T/hostdev"
	mount --rbind /dev "$T/hostdev"
	mount --make-rprivate "$T/hostdev"
	mount -t tmpfs -o mode=0755,nosuid,size=64k nsbox-test-dev /dev
	for e in "$T"/hostdev/* "$T"/hostdev/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		name=${e##*/}
		[ "$name" = log ] && continue
		if [ "$name" = ptmx ]; then
			# The host's ptmx node finds its devpts by looking next
			# to itself on the host's /dev; here it must be pts/ptmx.
			ln -s pts/ptmx /dev/ptmx
		elif [ -L "$e" ]; then
			cp -P "$e" "/dev/$name"
		elif [ -d "$e" ]; then
			mkdir "/dev/$name" && mount --rbind "$e" "/dev/$name"
		else
			: >"/dev/$name" && mount --bind "$e" "/dev/$name"
		fi
	done
	umount -l "$T/hostdev"
	: >"$T/syslog"
	"$TOP/build/tools/logsink" /dev/log "$T/syslog" &
	LOGSINK_PID=$!
	at_exit "kill $LOGSINK_PID 2>/dev/null"
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S /dev/log ] && break; sleep 0.05; done
}

private_run_and_logs() {
	[ "${NSBOX_PRIVATE_NS:-}" = "$$" ] || { echo "Bail out! private_run_and_logs outside a private namespace"; exit 1; }
	mount -t tmpfs -o mode=0755,nosuid,nodev nsbox-test-run /run
	mount -t tmpfs -o mode=0755,nosuid,nodev nsbox-test-log /var/log
	: >/run/utmp
	: >/var/log/wtmp
	: >/var/log/btmp
	: >/var/log/lastlog
}
