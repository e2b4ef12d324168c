# root.sh: how every root test starts. Source it first, with the test's
# own arguments still in "$@":
#
#   . "$(dirname "$0")/../lib/root.sh"
#
# Without root the whole test is skipped; with it, the test re-runs itself
# in a private mount namespace (users.sh) and gets common.sh and pam.sh.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/users.sh"
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP $(basename "$(dirname "$0")") tests need root"; exit 0; }
enter_private_ns "$@"
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/pam.sh"
