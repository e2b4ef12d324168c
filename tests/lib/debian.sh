# debian.sh: the Debian rootfs that `make debian-rootfs` caches in
# build/debian-rootfs (conf/mkdebian.sh), for root tests. Needs common.sh
# and users.sh sourced, and enter_private_ns done.
#
#   debian_setup            skip the whole test, with the builder's reason,
#                           when the Debian rootfs is not built
#   debian_box NAME [USER ...]
#                           $T/boxes/NAME: the cached rootfs under an
#                           overlay (this namespace only, nothing copied),
#                           root-owned, with each USER's /etc/passwd and
#                           /etc/group lines added to the box's own files
#                           (scp and sftp-server look the user up)

DEBIAN_ROOTFS=$TOP/build/debian-rootfs

debian_setup() {
	if [ ! -f "$DEBIAN_ROOTFS.built" ]; then
		if [ -s "$DEBIAN_ROOTFS.skip" ]; then
			skip_all "no Debian rootfs: $(head -n 1 "$DEBIAN_ROOTFS.skip")"
		fi
		skip_all "no Debian rootfs (make debian-rootfs builds it; needs root, mmdebstrap and the archive)"
	fi
	[ -d "$DEBIAN_ROOTFS/etc" ] || { echo "Bail out! $DEBIAN_ROOTFS.built without $DEBIAN_ROOTFS/etc"; exit 1; }
}

debian_box() {
	name=$1
	shift
	[ "${NSBOX_PRIVATE_NS:-}" = "$$" ] || { echo "Bail out! debian_box outside a private namespace"; exit 1; }
	# The cached tree stays read-only below; what the test changes (the
	# users) goes to a small upper layer in $T, root's like the rest: the
	# merged root takes its owner and mode from upper/.
	mkdir -p "$T/boxes/$name" "$T/debian/$name/upper" "$T/debian/$name/work"
	chmod 0755 "$T/boxes" "$T/debian" "$T/debian/$name" "$T/debian/$name/upper"
	mount -t overlay nsbox-debian \
		-o "lowerdir=$DEBIAN_ROOTFS,upperdir=$T/debian/$name/upper,workdir=$T/debian/$name/work" \
		"$T/boxes/$name" || { echo "Bail out! overlay of $DEBIAN_ROOTFS failed"; exit 1; }
	for u in "$@"; do
		grep "^$u:" /etc/passwd >>"$T/boxes/$name/etc/passwd"
		grep "^$u:" /etc/group >>"$T/boxes/$name/etc/group"
	done
}
