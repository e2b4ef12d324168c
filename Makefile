# nsbox — build, install, demo, check, bench.
#   make                      build helper/nsbox and pam_module/pam_nsbox.so
#   make demo                 as root: install missing deps, build, show a confined login
#   make check                as root: install missing deps, build, run every test
#                             (from a user account: sudo make demo, sudo make check)
#   make install PREFIX=/usr DESTDIR=/tmp/stage

VERSION     := 0.1
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBEXECDIR  ?= $(PREFIX)/libexec/nsbox
SYSCONFDIR  ?= /etc
MANDIR      ?= $(PREFIX)/share/man
# The documented example config goes here; /etc/nsbox.conf gets an inert one.
DOCDIR      ?= $(PREFIX)/share/doc/nsbox
EXAMPLEDIR  ?= $(DOCDIR)/examples
# pam-auth-update reads profiles from here only, whatever PREFIX is.
PAMCONFIGDIR ?= /usr/share/pam-configs
MULTIARCH   := $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch 2>/dev/null)
PAMDIR      ?= $(if $(MULTIARCH),/lib/$(MULTIARCH)/security,/lib/security)
# The module runs the helper from this fixed path; it is not configurable at
# run time (only the test build of the module takes helper=).
HELPER_PATH ?= $(LIBEXECDIR)/nsbox

CC       ?= cc
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARNINGS := -Wall -Wextra -Wformat=2 -Werror=format-security -Werror=missing-prototypes \
            -Werror=shadow -Werror=implicit-function-declaration -Wshadow -Wmissing-prototypes
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fno-strict-aliasing
ifeq ($(SANITIZE),1)
HARDEN   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SANFLAGS := -fsanitize=address,undefined
endif
NSBOX_CFLAGS  = $(CPPFLAGS) -std=gnu11 -D_GNU_SOURCE -DNSBOX_VERSION='"$(VERSION)"' \
                -DNSBOX_MULTIARCH='"$(or $(MULTIARCH),x86_64-linux-gnu)"' $(WARNINGS) $(WERROR) \
                $(HARDEN) $(CFLAGS)
NSBOX_LDFLAGS = -Wl,-z,relro,-z,now -Wl,--as-needed $(SANFLAGS) $(LDFLAGS)

CONFUSE_LIBS := $(shell pkg-config --libs libconfuse 2>/dev/null || echo -lconfuse)
PAM_LIBS     := -lpam

B := build
# make V=1 shows the full compiler command lines.
ifneq ($(V),1)
Q = @
E = @printf '  %-6s %s\n'
else
E = @true
endif
HELPER_SRCS := $(wildcard helper/*.c)
HELPER_OBJS := $(patsubst helper/%.c,$(B)/helper/%.o,$(HELPER_SRCS))
HELPER_LIB_OBJS := $(filter-out $(B)/helper/main.o,$(HELPER_OBJS))
HELPER_HDRS := $(wildcard helper/*.h)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

ROOTFS := $(B)/rootfs

# Debian packages each target needs; conf/deps.sh installs what is missing.
DEPS_BUILD := gcc make pkg-config libc6-dev libpam0g-dev libconfuse-dev busybox-static
DEPS_DEMO  := $(DEPS_BUILD) util-linux procps pamtester libpam-modules
DEPS_CHECK := $(DEPS_DEMO) perl openssh-server openssh-client tmux \
              git debhelper dpkg-dev lintian mmdebstrap
DEPS_BENCH := $(DEPS_CHECK) hyperfine bubblewrap firejail gnuplot-nox

.PHONY: FORCE all clean install uninstall deps deps-demo deps-check deps-bench rootfs check demo \
	debian-rootfs units unit-tests bench bench-tools fuzz deps-fuzz
.DELETE_ON_ERROR:

all: helper/nsbox pam_module/pam_nsbox.so

MODULE_DEPS := pam_module/pam_nsbox.c pam_module/relay.c pam_module/relay.h \
               pam_module/pam_nsbox.map helper/util.h helper/protocol.h \
               helper/syscalls.h helper/ttyfilter.h helper/testpause.h helper/procstate.h \
               helper/landlock.h helper/registry.h
MODULE_CFLAGS = $(NSBOX_CFLAGS) -fPIC -fvisibility=hidden -shared \
                -DNSBOX_HELPER_PATH='"$(HELPER_PATH)"'
MODULE_LDFLAGS = -Wl,--version-script=pam_module/pam_nsbox.map -Wl,-z,defs $(NSBOX_LDFLAGS) \
                 $(PAM_LIBS)

# Rebuild the module when the helper path it carries changes (make install
# PREFIX=/usr after a plain make must not ship /usr/local's path), and
# everything when the compiler flags change (make check SANITIZE=1).
$(B)/helper-path: FORCE
	@mkdir -p $(B)
	@echo '$(HELPER_PATH)' | cmp -s - $@ 2>/dev/null || echo '$(HELPER_PATH)' >$@
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(NSBOX_CFLAGS) $(NSBOX_LDFLAGS)' | cmp -s - $@ 2>/dev/null || \
		echo '$(NSBOX_CFLAGS) $(NSBOX_LDFLAGS)' >$@
FORCE:

pam_module/pam_nsbox.so: $(MODULE_DEPS) $(B)/helper-path $(B)/flags
	$(E) CC $@
	$(Q)$(CC) $(MODULE_CFLAGS) -o $@ $(filter %.c,$^) $(MODULE_LDFLAGS)

# The test build of the module also takes helper=PATH (the installed one
# runs only $(HELPER_PATH)); everything else is the same source.
$(B)/tests/pam_nsbox_test.so: $(MODULE_DEPS) $(B)/helper-path $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $@
	$(Q)$(CC) $(MODULE_CFLAGS) -DNSBOX_TEST_BUILD -o $@ $(filter %.c,$^) $(MODULE_LDFLAGS)

$(B)/helper/%.o: helper/%.c $(HELPER_HDRS) $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIE -c -o $@ $<

helper/nsbox: $(HELPER_OBJS)
	$(E) LD $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -pie -o $@ $^ $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/tests/test_%: tests/unit/test_%.c tests/unit/tap.h $(HELPER_LIB_OBJS) $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIE -Ihelper -pie -o $@ $< $(HELPER_LIB_OBJS) $(NSBOX_LDFLAGS) \
		$(CONFUSE_LIBS)

TOOL_SRCS := $(filter-out tests/tools/evil.c tests/tools/caseless.c,$(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRCS))

$(B)/tools/%: tests/tools/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIE -pie -o $@ $< $(NSBOX_LDFLAGS) $(PAM_LIBS) -lpthread -ldl

# The fuzz target: replayed over the corpus by make check (gcc), fuzzed by
# make fuzz (clang's libFuzzer, ASan, UBSan) for FUZZ_TIME seconds.
FUZZ_TIME ?= 600
FUZZ_SRCS := tests/fuzz/fuzz_config.c helper/config.c helper/policy.c helper/path.c \
             helper/log.c helper/box.c
$(B)/tests/test_fuzz_replay: tests/fuzz/replay.c tests/fuzz/fuzz_config.c $(HELPER_LIB_OBJS)
	@mkdir -p $(@D)
	$(E) CC $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIE -Ihelper -pie -o $@ tests/fuzz/replay.c \
		tests/fuzz/fuzz_config.c $(HELPER_LIB_OBJS) $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/fuzz/fuzz_config: $(FUZZ_SRCS) $(HELPER_HDRS)
	@mkdir -p $(@D)
	$(E) CLANG $@
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -DNSBOX_VERSION='"$(VERSION)"' -g -O1 -Ihelper \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $(FUZZ_SRCS) \
		$(CONFUSE_LIBS)

deps-fuzz:
	@sh conf/deps.sh $(DEPS_BUILD) clang libclang-rt-14-dev

fuzz: deps-fuzz
	$(MAKE) $(B)/fuzz/fuzz_config
	mkdir -p $(B)/fuzz/corpus
	$(B)/fuzz/fuzz_config -max_total_time=$(FUZZ_TIME) -timeout=10 -max_len=65536 \
		$(B)/fuzz/corpus tests/fuzz/corpus

# Escape attempts run inside boxes whose rootfs has no libc: static.
$(B)/tools/attack: tests/escape/attack.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(filter-out -fsanitize=%,$(NSBOX_CFLAGS)) -static -o $@ $<

$(B)/tools/ttythief: tests/escape/ttythief.c
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(filter-out -fsanitize=%,$(NSBOX_CFLAGS)) -static -o $@ $<

# The test build of the helper honours the fault tests' pause requests.
TEST_HELPER_OBJS := $(patsubst helper/%.c,$(B)/test-helper/%.o,$(HELPER_SRCS))
$(B)/test-helper/%.o: helper/%.c $(HELPER_HDRS) $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $< "(test build)"
	$(Q)$(CC) $(NSBOX_CFLAGS) -DNSBOX_TEST_BUILD -fPIE -c -o $@ $<
$(B)/tests/nsbox-test: $(TEST_HELPER_OBJS)
	$(E) LD $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -pie -o $@ $^ $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/tools/%.so: tests/tools/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIC -shared -o $@ $< -ldl

units: $(UNIT_BINS) $(TOOL_BINS) $(B)/tools/attack $(B)/tools/ttythief $(B)/tools/evil.so $(B)/tools/caseless.so \
	$(B)/tests/pam_nsbox_test.so \
	$(B)/tests/nsbox-test \
	$(B)/tests/test_fuzz_replay

# The unit tests alone: no root, no network, no test rootfs (the Debian
# package build runs these).
unit-tests: $(UNIT_BINS) $(B)/tests/test_fuzz_replay
	@for t in $^; do echo "# $$t"; ./$$t || exit 1; done

deps:
	@sh conf/deps.sh $(DEPS_BUILD)

deps-demo:
	@sh conf/deps.sh $(DEPS_DEMO)

deps-check:
	@sh conf/deps.sh $(DEPS_CHECK)

deps-bench:
	@sh conf/deps.sh $(DEPS_BENCH)

# The built-in demo rootfs: busybox-static, root-owned when built as root.
rootfs: $(ROOTFS)/.built
$(ROOTFS)/.built: conf/mkrootfs.sh
	sh conf/mkrootfs.sh $(ROOTFS) nsbox-demo:64000:64000

# A Debian bookworm minbase for the tests that log in to a real
# distribution (tests/lib/debian.sh), made by mmdebstrap from apt's sources
# as root and kept until conf/mkdebian.sh changes. Without it (no archive,
# no root) those tests SKIP with the reason left in debian-rootfs.skip.
DEBIAN_ROOTFS := $(B)/debian-rootfs
debian-rootfs: $(DEBIAN_ROOTFS).built
$(DEBIAN_ROOTFS).built: conf/mkdebian.sh
	sh conf/mkdebian.sh $(DEBIAN_ROOTFS)

# SANITIZE=1: programs that load the module but are not ours (pamtester,
# su, sshd) get the ASan runtime preloaded; see tests/lib/common.sh.
check: deps-check
	$(MAKE) all units rootfs
	@# Never fatal: the tests that need it skip, naming the reason.
	-$(MAKE) debian-rootfs
	@if [ "$(SANITIZE)" = 1 ]; then echo "$$(gcc -print-file-name=libasan.so)" >$(B)/sanitize; \
		else rm -f $(B)/sanitize; fi
	sh tests/run.sh

BENCH_BINS := $(B)/bench/interleave $(B)/bench/boxes
$(B)/bench/%: bench/%.c helper/protocol.h helper/syscalls.h
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) -fPIE -pie -o $@ $< $(NSBOX_LDFLAGS)

bench-tools: $(BENCH_BINS)

# make bench [BENCH_QUICK=1] [BENCH_SCALE="100 1000"]: nsbox against its peers.
bench: deps-bench
	$(MAKE) all units rootfs bench-tools
	BENCH_QUICK=$(BENCH_QUICK) bash bench/run.sh $(if $(BENCH_SCALE),--scale "$(BENCH_SCALE)")

demo: deps-demo
	$(MAKE) all units rootfs
	bash tests/demo.sh

install: all
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(PAMDIR) \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(PAMCONFIGDIR)
	install -m 0755 helper/nsbox $(DESTDIR)$(LIBEXECDIR)/nsbox
	ln -sf $(LIBEXECDIR)/nsbox $(DESTDIR)$(BINDIR)/nsbox
	install -m 0644 pam_module/pam_nsbox.so $(DESTDIR)$(PAMDIR)/pam_nsbox.so
	install -m 0644 conf/pam-configs/nsbox conf/pam-configs/nsbox-leave $(DESTDIR)$(PAMCONFIGDIR)/
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/apparmor.d
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|' conf/apparmor/nsbox >$(DESTDIR)$(SYSCONFDIR)/apparmor.d/nsbox
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/apparmor.d/nsbox
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/nsbox.1 $(DESTDIR)$(MANDIR)/man1/nsbox.1
	install -m 0644 man/nsbox.conf.5 $(DESTDIR)$(MANDIR)/man5/nsbox.conf.5
	install -m 0644 man/pam_nsbox.8 $(DESTDIR)$(MANDIR)/man8/pam_nsbox.8
	install -d -m 0755 $(DESTDIR)$(EXAMPLEDIR)
	install -m 0644 conf/nsbox.conf $(DESTDIR)$(EXAMPLEDIR)/nsbox.conf
	@# The live config confines nobody until the admin adds a rule, and an
	@# admin's config is never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/nsbox.conf ] || { \
		sed 's|@EXAMPLEDIR@|$(EXAMPLEDIR)|' conf/nsbox.conf.inert \
			>$(DESTDIR)$(SYSCONFDIR)/nsbox.conf.tmp && \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/nsbox.conf.tmp && \
		mv $(DESTDIR)$(SYSCONFDIR)/nsbox.conf.tmp $(DESTDIR)$(SYSCONFDIR)/nsbox.conf; }

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsbox $(DESTDIR)$(LIBEXECDIR)/nsbox \
		$(DESTDIR)$(PAMDIR)/pam_nsbox.so $(DESTDIR)$(PAMCONFIGDIR)/nsbox \
		$(DESTDIR)$(PAMCONFIGDIR)/nsbox-leave $(DESTDIR)$(SYSCONFDIR)/apparmor.d/nsbox \
		$(DESTDIR)$(MANDIR)/man1/nsbox.1 $(DESTDIR)$(MANDIR)/man5/nsbox.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/pam_nsbox.8 $(DESTDIR)$(EXAMPLEDIR)/nsbox.conf
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(EXAMPLEDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "$(DESTDIR)$(SYSCONFDIR)/nsbox.conf is left in place (remove it by hand)."

clean:
	rm -rf $(B) helper/nsbox pam_module/pam_nsbox.so
