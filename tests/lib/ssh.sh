# ssh.sh: a test sshd of our own, in the private namespace pam_setup made.
#
#   ssh_setup               host key, client key, Debian's own pam.d/sshd
#                           with nsbox enabled as README.md says (call
#                           release_setup before pam_setup)
#   sshd_start [SUBSYSTEM]  start /usr/sbin/sshd -D on 127.0.0.1 and a free
#                           high port ($PORT); stopped by its pid at exit
#   sshd_stop
#   ssh_as USER [CMD...]    the OpenSSH client, key auth, no prompts
#   box_with_openssh NAME   make_box NAME plus sftp-server and scp with
#                           the libraries they need

SSHD=/usr/sbin/sshd
SSH_DIR=$T/ssh
SSH_OPTS=(-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)

ssh_setup() {
	[ -x "$SSHD" ] || skip_all "openssh-server is not installed"
	command -v ssh >/dev/null || skip_all "openssh-client is not installed"
	mkdir -p "$SSH_DIR/keys" /run/sshd
	chmod 0755 /run/sshd "$SSH_DIR"
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/host_key" </dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_DIR/id" </dev/null
	# Debian's stock /etc/pam.d/sshd (and login, su-l), edited exactly as
	# README.md tells admins: the release pam_nsbox.so, /etc/nsbox.conf.
	[ -n "${PAM_MODULE_DIR:-}" ] || { echo "Bail out! ssh_setup needs release_setup"; exit 1; }
	stock_pam
	readme_pam_edit
}

# Authorise the test client key for USER.
ssh_authorize() {
	cp "$SSH_DIR/id.pub" "$SSH_DIR/keys/$1"
	chmod 0644 "$SSH_DIR/keys/$1"
}

# A high port no one listens on, below the kernel's ephemeral range: a
# client connection of an earlier test (tests/ssh/load.t makes 100) may
# still hold one of those as its local port, and sshd's bind then fails.
free_port() {
	low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ "${low:-0}" -gt 12000 ] || low=32768
	for _ in $(seq 50); do
		p=$((10000 + RANDOM % (low - 10000)))
		(: </dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
	done
	return 1
}

sshd_start() {
	subsystem=${1:-internal-sftp}
	PORT=$(free_port) || { echo "Bail out! no free port"; exit 1; }
	cat >"$SSH_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $PORT
HostKey $SSH_DIR/host_key
PidFile $SSH_DIR/sshd.pid
UsePAM yes
PubkeyAuthentication yes
AuthorizedKeysFile $SSH_DIR/keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
PrintMotd no
PrintLastLog no
MaxStartups 200
MaxSessions 50
LogLevel VERBOSE
SyslogFacility AUTH
Subsystem sftp $subsystem
EOF
	"${SAN_ENV[@]}" "$SSHD" -D -f "$SSH_DIR/sshd_config" &
	SSHD_PID=$!
	at_exit "sshd_stop"
	for _ in $(seq 100); do
		(: </dev/tcp/127.0.0.1/$PORT) 2>/dev/null && return 0
		kill -0 $SSHD_PID 2>/dev/null || break
		sleep 0.05
	done
	echo "Bail out! sshd did not start on port $PORT"
	exit 1
}

sshd_stop() {
	[ -n "${SSHD_PID:-}" ] || return 0
	kill "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}

ssh_as() {
	user=$1
	shift
	ssh "${SSH_OPTS[@]}" -i "$SSH_DIR/id" -p "$PORT" "$user@127.0.0.1" "$@"
}

# A box with OpenSSH's sftp-server and scp, and what they link to.
box_with_openssh() {
	make_box "$1"
	for bin in /usr/lib/openssh/sftp-server /usr/bin/scp; do
		for f in "$bin" $(ldd "$bin" | grep -o '/[^ ]*'); do
			mkdir -p "$T/boxes/$1$(dirname "$f")"
			cp -L "$f" "$T/boxes/$1$f"
		done
	done
	chown -R 0:0 "$T/boxes/$1"
	chmod -R go-w "$T/boxes/$1"
	chmod 1777 "$T/boxes/$1/tmp"
}
