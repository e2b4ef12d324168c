# tmux.sh: a terminal for the tests that need one (a login on a pty, job
# control, window size): a tmux server of the test's own, killed at exit.
# Source it after common.sh, where the terminal is first needed.
# screen [PANE]: the screen's text; wait_screen ERE [PANE]: poll until a
# line matches (SCREEN_TRIES tenths of a second; on failure the screen is
# shown).
TMUX_SOCK=$T/tmux.sock
at_exit "tmux -S $TMUX_SOCK kill-server 2>/dev/null"
SCREEN_TRIES=${SCREEN_TRIES:-100}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -J ${1:+-t "$1"}; }
wait_screen() {
	for _ in $(seq "$SCREEN_TRIES"); do
		screen "${2:-}" | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	diag "$(screen "${2:-}")"
	return 1
}
