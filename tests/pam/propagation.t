#!/bin/bash
# Mount propagation as real hosts have it: systemd makes "/" rshared, so
# every tree nsbox copies is in a peer group with the host unless nsbox
# makes it private. A confined login must work, and must add nothing to
# this namespace's mount table, neither while the session is open nor
# after it, whatever the propagation of "/", of the rootfs and of the bind
# sources (shared, slave, private), with nested binds.
# On the code before the fix (clone_tree without MS_PRIVATE), the shared
# cases fail: pivot_root says EINVAL, and the table grows at every login.
. "$(dirname "$0")/../lib/root.sh"
pam_setup

add_user alice 62001
make_box plain
mkdir -p "$T/data/inner" "$T/srcs/shared/sub" "$T/srcs/slave" "$T/srcs/private"
echo data >"$T/data/file"
chmod -R a+rX "$T/data" "$T/srcs"

mounts() { findmnt -rn -o ID,TARGET | wc -l; }

# One session for alice: it must be boxed (hostname), and the namespace's
# mount table must be the same while it is open and after it is closed.
login_leaves_no_mounts() {
	what=$1
	before=$(mounts)
	drive alice -c 'hostname; cat /home/alice/data/file 2>/dev/null; sleep 1' >"$T/out" 2>&1 &
	pid=$!
	wait_until 5 grep -q "^box-" "$T/out"
	during=$(mounts)
	wait $pid
	after=$(mounts)
	like "$what: the login is confined" "$(cat "$T/out")" "^box-alice$"
	is "$what: no mount reaches the host while the session is open" "$during" "$before"
	is "$what: none after it is closed" "$after" "$before"
}

# The rule binds the home and, inside that bind, a second one (a nested
# bind whose target lies in another bind), plus sources that are mount
# points of their own with each kind of propagation.
write_conf <<EOF
rule nested {
	users = {"alice"}
	rootfs = "$T/boxes/plain"
	hostname = "box-%u"
	bind {
		source = "%h"
	}
	bind {
		source = "$T/data"
		target = "%h/data"
		readonly = true
	}
	bind {
		source = "$T/srcs/shared"
		target = "/mnt/shared"
	}
	bind {
		source = "$T/srcs/slave"
		target = "/mnt/slave"
	}
	bind {
		source = "$T/srcs/private"
		target = "/mnt/private"
	}
	# One process opens 20 boxes in a row (below): see faults.t.
	user_namespaces = true
}
EOF
mkdir -p "$T/boxes/plain/mnt/shared" "$T/boxes/plain/mnt/slave" "$T/boxes/plain/mnt/private"
mkdir -p "$T/home/alice/data"
chown alice:alice "$T/home/alice/data"

# The bind sources as mount points: a shared one with a submount, a slave
# of a shared one, a private one.
mount --bind "$T/srcs/shared" "$T/srcs/shared" && mount --make-shared "$T/srcs/shared"
mount -t tmpfs -o size=64k nsbox-test-sub "$T/srcs/shared/sub"
mount --bind "$T/srcs/shared" "$T/srcs/slave" && mount --make-slave "$T/srcs/slave"
mount --bind "$T/srcs/private" "$T/srcs/private" && mount --make-private "$T/srcs/private"
at_exit "umount -R $T/srcs/shared $T/srcs/slave $T/srcs/private 2>/dev/null"

for root in shared private; do
	mount --make-r$root /
	is "/ is $root in this namespace" "$(findmnt -n -o PROPAGATION /)" "$root"
	login_leaves_no_mounts "/ $root, rootfs on /"
	# The rootfs as a mount point of its own, with each propagation.
	for rootfs in shared slave private; do
		mount --bind "$T/boxes/plain" "$T/boxes/plain"
		case $rootfs in
		shared) mount --make-shared "$T/boxes/plain" ;;
		slave) mount --make-shared "$T/boxes/plain" &&
			mount --bind "$T/boxes/plain" "$T/boxes/plain" &&
			mount --make-slave "$T/boxes/plain" ;;
		private) mount --make-private "$T/boxes/plain" ;;
		esac
		login_leaves_no_mounts "/ $root, rootfs a $rootfs mount"
		# Bounded: on a regression, leaked mounts keep it busy.
		for _ in 1 2 3; do
			mountpoint -q "$T/boxes/plain" && umount -l "$T/boxes/plain"
		done
	done
done
mount --make-rshared /

# Many logins in a row: the table must not grow (it doubled per login).
before=$(mounts)
out=$(drive alice -n 20 2>&1)
like "20 logins in one process, / shared: no failure" "$out" "failures=0"
is "20 logins: the mount table is as before" "$(mounts)" "$before"

# A host mount made while a box is up must not appear in the box either.
drive alice -c 'sleep 1.5; cat /mnt/shared/late/marker 2>&1 || echo absent' >"$T/late" 2>&1 &
pid=$!
wait_until 5 test -n "$(box_inits)"
mkdir -p "$T/srcs/shared/late"
mount -t tmpfs -o size=64k nsbox-test-late "$T/srcs/shared/late"
echo host >"$T/srcs/shared/late/marker"
wait $pid
umount "$T/srcs/shared/late"
like "a host mount made after the box started does not reach it" \
	"$(cat "$T/late")" "absent"

done_testing
