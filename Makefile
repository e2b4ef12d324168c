# nsbox — build, install, demo, check, bench.
#   make                      build helper/nsbox, helper/nsbox-full, helper/nsbox-pam-helper,
#                             pam_module/pam_nsbox.so
#   make demo                 as root: install missing deps, build, show a confined login
#   make check                as root: install missing deps, build, run every test
#                             (from a user account: sudo make demo, sudo make check)
#   make install PREFIX=/usr DESTDIR=/tmp/stage
#   make clean                keeps the downloaded caches under build/; make distclean does not

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
# run time (only the test build of the module takes helper=). It is the
# static PAM helper, which hands what needs a name service to nsbox beside
# it (helper/pammain.c).
HELPER_PATH ?= $(LIBEXECDIR)/nsbox-pam-helper

CC       ?= cc
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARNINGS := -Wall -Wextra -Wformat=2 -Werror=format-security -Werror=missing-prototypes \
            -Werror=shadow -Werror=implicit-function-declaration -Wshadow -Wmissing-prototypes
# cc_has FLAG: FLAG when $(CC) takes it, else nothing (a compiler too old
# for it, or a target without it: -fcf-protection is x86's).
cc_has    = $(shell $(CC) -Werror $(1) -x c -c -o /dev/null /dev/null 2>/dev/null && echo $(1))
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fno-strict-aliasing \
            $(call cc_has,-fstack-clash-protection) $(call cc_has,-fcf-protection)
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
# The programs go where the README and the tests look for them; a build in
# a build dir of its own (make B=build/clang CC=clang, as make check does)
# keeps them there, so a second build never overwrites the first.
ifeq ($(B),build)
NSBOX_BIN := helper/nsbox
PAM_SO    := pam_module/pam_nsbox.so
else
NSBOX_BIN := $(B)/nsbox
PAM_SO    := $(B)/pam_nsbox.so
endif
# nsbox-init, what box init executes once its box is built, lies beside
# the helper that looks for it there (helper/boxinit.c): beside each build
# of the helper, the test build's included.
INIT_BIN      := $(dir $(NSBOX_BIN))nsbox-init
TEST_INIT_BIN := $(B)/tests/nsbox-init
# nsbox is static and has no name service; nsbox-full beside it, the
# same code dynamically linked, serves what needs one (helper/front.h).
FULL_BIN := $(dir $(NSBOX_BIN))nsbox-full
# The static PAM helper, beside the full helper it hands requests to.
PAM_HELPER_BIN      := $(dir $(NSBOX_BIN))nsbox-pam-helper
TEST_PAM_HELPER_BIN := $(B)/tests/nsbox-pam-test
# make V=1 shows the full compiler command lines.
ifneq ($(V),1)
Q = @
E = @printf '  %-6s %s\n'
else
E = @true
endif
# helper/initprog.c is nsbox-init's main(), not the helper's; pammain.c
# and nonss.c make the static PAM helper (see below).
INIT_PROG_SRC := helper/initprog.c
PAM_HELPER_SRCS := helper/pammain.c helper/nonss.c
HELPER_SRCS := $(filter-out $(INIT_PROG_SRC) $(PAM_HELPER_SRCS),$(wildcard helper/*.c))
HELPER_OBJS := $(patsubst helper/%.c,$(B)/helper/%.o,$(HELPER_SRCS))
HELPER_LIB_OBJS := $(filter-out $(B)/helper/main.o,$(HELPER_OBJS))
# The test build of the helper honours the fault tests' pause requests.
TEST_HELPER_OBJS := $(patsubst helper/%.c,$(B)/test-helper/%.o,$(HELPER_SRCS))
HELPER_HDRS := $(wildcard helper/*.h)
MODULE_SRCS := $(wildcard pam_module/*.c)
MODULE_OBJS := $(patsubst pam_module/%.c,$(B)/module/%.o,$(MODULE_SRCS))
TEST_MODULE_OBJS := $(patsubst pam_module/%.c,$(B)/test-module/%.o,$(MODULE_SRCS))

# Header dependencies: every compile writes the headers it read to a .d
# file that make reads back, so a changed header rebuilds what includes it.
# The file is hidden beside its target (build/tests/.test_path.d): run.sh
# takes every build/tests/test_* for a unit test.
DEPFLAGS = -MMD -MP -MF $(@D)/.$(@F).d
# Their rules must not become the default goal: a plain make is make all.
.DEFAULT_GOAL := all
-include $(wildcard $(B)/*/.*.d)

# Code the module and the helper share (the policy index, the matcher, the
# user -> groups lookup, and the header-only protocol, syscall wrappers and
# helpers): linked into the helper, compiled into the module, which
# includes nothing from helper/.
COMMON_SRCS := $(wildcard common/*.c)
COMMON_HDRS := $(wildcard common/*.h)
COMMON_OBJS := $(patsubst common/%.c,$(B)/common/%.o,$(COMMON_SRCS))
MODULE_OBJS += $(patsubst common/%.c,$(B)/module/common-%.o,$(COMMON_SRCS))
TEST_MODULE_OBJS += $(patsubst common/%.c,$(B)/test-module/common-%.o,$(COMMON_SRCS))
# What decides whether a policy index (common/policyindex.h) means what the
# module takes it to mean: the config parser, the matcher, the index code,
# the module's and the helper's use of them, and libconfuse's version. An
# index carries the package version and a hash of these; the module uses
# only an index with its own, so a module and a helper of another build
# never share one (they go to the helper).
MATCH_SRCS := common/match.c common/match.h common/policyindex.c common/policyindex.h \
              common/userlookup.c common/userlookup.h \
              helper/config.c helper/config.h helper/rule.h helper/configkeys.c helper/configkeys.h \
              helper/configshape.c helper/configshape.h \
              helper/policy.c helper/policy.h \
              helper/values.c helper/values.h helper/pamface.c pam_module/pam_nsbox.c
CONFUSE_VERSION := $(shell pkg-config --modversion libconfuse 2>/dev/null)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

ROOTFS := $(B)/rootfs

# Debian packages each target needs; conf/deps.sh installs what is missing.
DEPS_BUILD := gcc make pkg-config libc6-dev libpam0g-dev libconfuse-dev busybox-static
DEPS_DEMO  := $(DEPS_BUILD) util-linux procps pamtester libpam-modules
DEPS_CLANG := clang libclang-rt-14-dev
DEPS_CHECK := $(DEPS_DEMO) $(DEPS_CLANG) perl openssh-server openssh-client tmux \
              git debhelper dpkg-dev lintian mmdebstrap
DEPS_BENCH := $(DEPS_CHECK) hyperfine bubblewrap firejail gnuplot-nox

.PHONY: FORCE all clean distclean install uninstall deps deps-demo deps-check deps-bench rootfs \
	check demo debian-rootfs units unit-bins unit-tests clang-build sanitized-units bench \
	bench-tools fuzz deps-fuzz deps-clang
.DELETE_ON_ERROR:

all: $(NSBOX_BIN) $(FULL_BIN) $(PAM_SO) $(INIT_BIN) $(PAM_HELPER_BIN)

# The full helper lies beside the static one (pamface.c: hand_off); the
# module runs it directly when the policy index says a rule names a group.
MODULE_CFLAGS = $(NSBOX_CFLAGS) -I$(B) -fPIC -fvisibility=hidden \
                -DNSBOX_HELPER_PATH='"$(HELPER_PATH)"' \
                -DNSBOX_FULL_HELPER_PATH='"$(dir $(HELPER_PATH))nsbox-full"'
MODULE_LDFLAGS = -shared -Wl,--version-script=pam_module/pam_nsbox.map -Wl,-z,defs \
                 $(NSBOX_LDFLAGS) $(PAM_LIBS)

# Rebuild the module when the helper path it carries changes (make install
# PREFIX=/usr after a plain make must not ship /usr/local's path), and
# everything when the compiler or its flags change (make check SANITIZE=1,
# make CC=clang).
$(B)/helper-path: FORCE
	@mkdir -p $(B)
	@echo '$(HELPER_PATH)' | cmp -s - $@ 2>/dev/null || echo '$(HELPER_PATH)' >$@
$(B)/flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(NSBOX_CFLAGS) $(NSBOX_LDFLAGS)' | cmp -s - $@ 2>/dev/null || \
		echo '$(CC) $(NSBOX_CFLAGS) $(NSBOX_LDFLAGS)' >$@
# NSBOX_BUILD_ID (see MATCH_SRCS), rewritten only when it changes.
$(B)/build-id.h: FORCE
	@mkdir -p $(B)
	@id='$(VERSION)-'"$$({ cat $(MATCH_SRCS); echo 'libconfuse $(CONFUSE_VERSION)'; } | \
		sha256sum | cut -c1-16)"; \
		echo "#define NSBOX_BUILD_ID \"$$id\"" | cmp -s - $@ 2>/dev/null || \
		echo "#define NSBOX_BUILD_ID \"$$id\"" >$@
FORCE:

$(B)/module/%.o: pam_module/%.c $(B)/helper-path $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(MODULE_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(B)/module/common-%.o: common/%.c $(B)/build-id.h $(B)/helper-path $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (module)"
	$(Q)$(CC) $(MODULE_CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(PAM_SO): $(MODULE_OBJS) pam_module/pam_nsbox.map
	@mkdir -p $(@D)
	$(E) LD $@
	$(Q)$(CC) $(MODULE_CFLAGS) -o $@ $(MODULE_OBJS) $(MODULE_LDFLAGS)

# The test build of the module also takes helper=PATH (the installed one
# runs only $(HELPER_PATH)); everything else is the same source.
$(B)/test-module/%.o: pam_module/%.c $(B)/helper-path $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (test build)"
	$(Q)$(CC) $(MODULE_CFLAGS) -DNSBOX_TEST_BUILD $(DEPFLAGS) -c -o $@ $<
$(B)/test-module/common-%.o: common/%.c $(B)/build-id.h $(B)/helper-path $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (module test build)"
	$(Q)$(CC) $(MODULE_CFLAGS) -DNSBOX_TEST_BUILD $(DEPFLAGS) -c -o $@ $<
$(B)/tests/pam_nsbox_test.so: $(TEST_MODULE_OBJS) pam_module/pam_nsbox.map
	@mkdir -p $(@D)
	$(E) LD $@
	$(Q)$(CC) $(MODULE_CFLAGS) -o $@ $(TEST_MODULE_OBJS) $(MODULE_LDFLAGS)

$(B)/helper/%.o: helper/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -c -o $@ $<

$(B)/common/%.o: common/%.c $(B)/build-id.h $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -I$(B) -fPIE -c -o $@ $<

$(FULL_BIN): $(HELPER_OBJS) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(E) LD $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -pie -o $@ $^ $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(HELPER_LIB_OBJS) $(COMMON_OBJS) $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -Ihelper -pie -o $@ $< $(HELPER_LIB_OBJS) \
		$(COMMON_OBJS) $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

# nsbox-init: initprog.c and the serving loop (serve.c, which the helper
# links too), static so that a live box maps one small file and no shared
# library: glibc, which every architecture has (a static glibc poll loop
# is a few hundred KB of RSS, the dynamic helper's image over 1 MB), but
# no stdio, no malloc, no libconfuse. Static-pie where the toolchain links
# it (ASLR for its text too). No sanitizer: they do not link statically.
# Execute-only (0711): see helper/initprog.c.
INIT_PROG_SRCS := $(INIT_PROG_SRC) helper/serve.c
INIT_CFLAGS = $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(NSBOX_CFLAGS))
INIT_STATIC := $(shell echo 'int main(void){return 0;}' | \
		 $(CC) -static-pie -x c -o /dev/null - 2>/dev/null && echo -static-pie || echo -static)
INIT_LDFLAGS = $(INIT_STATIC) -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS)
$(B)/init/%.o: helper/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (nsbox-init)"
	$(Q)$(CC) $(INIT_CFLAGS) $(DEPFLAGS) -fPIE -c -o $@ $<
INIT_OBJS := $(patsubst helper/%.c,$(B)/init/%.o,$(INIT_PROG_SRCS))
$(INIT_BIN) $(TEST_INIT_BIN): $(INIT_OBJS)
	@mkdir -p $(@D)
	$(E) LD $@
	$(Q)$(CC) $(INIT_CFLAGS) -o $@ $^ $(INIT_LDFLAGS)
	$(Q)chmod 0711 $@

# nsbox-pam-helper: the PAM face alone (helper/pammain.c), what the module
# executes at every login, and nsbox (main.c built with NSBOX_STATIC_FRONT),
# what users run: static so that a login or an nsbox run pays for no dynamic
# loader, and without a name service (helper/nonss.c): glibc marks each
# NSS function with a link-time warning for static programs, and
# --fatal-warnings makes one an error; glibc's own internal lookups
# (wordexp's or glob's ~user) carry no warning, so the linked program must
# also hold no symbol of glibc's NSS code. Linked from an archive of the
# helper's objects, so only what each calls comes in. With SANITIZE=1 (no
# static sanitizer runtime) linked dynamically, the same code and the same
# stand-ins.
ifeq ($(SANITIZE),1)
STATIC_LDFLAGS = -pie $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)
STATIC_CHECK = true
else
STATIC_LDFLAGS = $(INIT_STATIC) -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--fatal-warnings \
                     $(LDFLAGS) $(CONFUSE_LIBS)
STATIC_CHECK = ! nm $@ | grep -qi nss || \
	{ echo "$@: glibc's name service is linked in (see helper/nonss.c)" >&2; rm -f $@; false; }
endif
$(B)/helper/libnsbox.a: $(HELPER_LIB_OBJS) $(COMMON_OBJS)
$(B)/test-helper/libnsbox.a: $(filter-out $(B)/test-helper/main.o,$(TEST_HELPER_OBJS)) $(COMMON_OBJS)
$(B)/helper/libnsbox.a $(B)/test-helper/libnsbox.a:
	$(E) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^
$(PAM_HELPER_BIN): $(B)/helper/pammain.o $(B)/helper/nonss.o $(B)/helper/libnsbox.a
$(TEST_PAM_HELPER_BIN): $(B)/test-helper/pammain.o $(B)/test-helper/nonss.o \
		$(B)/test-helper/libnsbox.a
$(B)/helper/front-main.o: helper/main.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (static nsbox)"
	$(Q)$(CC) $(NSBOX_CFLAGS) -DNSBOX_STATIC_FRONT $(DEPFLAGS) -fPIE -c -o $@ $<
$(NSBOX_BIN): $(B)/helper/front-main.o $(B)/helper/nonss.o $(B)/helper/libnsbox.a
$(PAM_HELPER_BIN) $(TEST_PAM_HELPER_BIN) $(NSBOX_BIN):
	@mkdir -p $(@D)
	$(E) LD $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -o $@ $^ $(STATIC_LDFLAGS)
	$(Q)$(STATIC_CHECK)

TOOL_SRCS := $(filter-out tests/tools/evil.c tests/tools/caseless.c tests/tools/hidegroups.c tests/tools/hideuser.c,$(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRCS))

$(B)/tools/%: tests/tools/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -pie -o $@ $< $(NSBOX_LDFLAGS) $(PAM_LIBS) \
		-lpthread -ldl

# The fuzz target: replayed over the corpus by make check (gcc), fuzzed by
# make fuzz (clang's libFuzzer, ASan, UBSan) for FUZZ_TIME seconds.
FUZZ_TIME ?= 600
FUZZ_SRCS := tests/fuzz/fuzz_config.c helper/config.c helper/configkeys.c helper/configshape.c \
             helper/policy.c helper/mountlist.c \
             helper/values.c helper/path.c helper/log.c helper/box.c $(COMMON_SRCS)
$(B)/tests/fuzz_config.o: tests/fuzz/fuzz_config.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -Ihelper -c -o $@ $<
$(B)/tests/test_fuzz_replay: tests/fuzz/replay.c $(B)/tests/fuzz_config.o $(HELPER_LIB_OBJS) \
		$(COMMON_OBJS) $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -Ihelper -pie -o $@ $< $(B)/tests/fuzz_config.o \
		$(HELPER_LIB_OBJS) $(COMMON_OBJS) $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/fuzz/fuzz_config: $(FUZZ_SRCS) $(HELPER_HDRS) $(COMMON_HDRS) $(B)/build-id.h
	@mkdir -p $(@D)
	$(E) CLANG $@
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -DNSBOX_VERSION='"$(VERSION)"' -g -O1 -Ihelper -I$(B) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $(FUZZ_SRCS) \
		$(CONFUSE_LIBS)

deps-clang deps-fuzz:
	@sh conf/deps.sh $(DEPS_BUILD) $(DEPS_CLANG)

fuzz: deps-clang
	$(MAKE) $(B)/fuzz/fuzz_config
	mkdir -p $(B)/fuzz/corpus
	$(B)/fuzz/fuzz_config -max_total_time=$(FUZZ_TIME) -timeout=10 -max_len=65536 \
		$(B)/fuzz/corpus tests/fuzz/corpus

# Escape attempts run inside boxes whose rootfs has no libc: static.
$(B)/tools/attack: tests/escape/attack.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(filter-out -fsanitize=%,$(NSBOX_CFLAGS)) $(DEPFLAGS) -static -o $@ $<

$(B)/tools/ttythief: tests/escape/ttythief.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(filter-out -fsanitize=%,$(NSBOX_CFLAGS)) $(DEPFLAGS) -static -o $@ $<

$(B)/test-helper/%.o: helper/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC "$< (test build)"
	$(Q)$(CC) $(NSBOX_CFLAGS) -DNSBOX_TEST_BUILD $(DEPFLAGS) -fPIE -c -o $@ $<
$(B)/tests/nsbox-test: $(TEST_HELPER_OBJS) $(COMMON_OBJS)
	$(E) LD $@
	$(Q)$(CC) $(NSBOX_CFLAGS) -pie -o $@ $^ $(NSBOX_LDFLAGS) $(CONFUSE_LIBS)

$(B)/tools/%.so: tests/tools/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $@
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIC -shared -o $@ $< -ldl

units: $(UNIT_BINS) $(TOOL_BINS) $(B)/tools/attack $(B)/tools/ttythief $(B)/tools/evil.so $(B)/tools/caseless.so \
	$(B)/tools/hidegroups.so $(B)/tools/hideuser.so \
	$(B)/tests/pam_nsbox_test.so \
	$(B)/tests/nsbox-test $(TEST_INIT_BIN) $(TEST_PAM_HELPER_BIN) \
	$(B)/tests/test_fuzz_replay

# The unit tests alone: no root, no network, no test rootfs (the Debian
# package build runs these).
UNIT_TESTS := $(UNIT_BINS) $(B)/tests/test_fuzz_replay
unit-bins: $(UNIT_TESTS)
unit-tests: $(UNIT_TESTS)
	@for t in $^; do echo "# $$t"; ./$$t || exit 1; done

# make check's second and third builds, each in a build dir of its own so
# that the gcc build the tests use stays as it is: every program built by
# clang, whose warnings are errors too; and the unit tests built by clang
# with ASan and UBSan (SANITIZE=1), which tests/run.sh runs beside the gcc
# ones, so that a sanitizer's report fails the run.
clang-build: deps-clang
	$(MAKE) B=$(B)/clang CC=clang SANITIZE= all units
sanitized-units: deps-clang
	$(MAKE) B=$(B)/clang-san CC=clang SANITIZE=1 unit-bins

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
	$(MAKE) clang-build sanitized-units
	@# Never fatal: the tests that need it skip, naming the reason.
	-$(MAKE) debian-rootfs
	@if [ "$(SANITIZE)" = 1 ]; then echo "$$(gcc -print-file-name=libasan.so)" >$(B)/sanitize; \
		else rm -f $(B)/sanitize; fi
	sh tests/run.sh

BENCH_BINS := $(B)/bench/interleave $(B)/bench/boxes $(B)/bench/floors $(B)/bench/noop
# The cheapest program start there is: static, no libc start-up to speak of.
$(B)/bench/noop: bench/noop.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) -static -o $@ $<
# floors times the policy index and the user lookup with the module's code.
$(B)/bench/floors: $(COMMON_OBJS)
$(B)/bench/%: bench/%.c $(B)/flags
	@mkdir -p $(@D)
	$(E) CC $<
	$(Q)$(CC) $(NSBOX_CFLAGS) $(DEPFLAGS) -fPIE -pie -o $@ $< $(filter %.o,$^) $(NSBOX_LDFLAGS)

bench-tools: $(BENCH_BINS)

# make bench [BENCH_QUICK=1] [BENCH_SCALE="100 1000"]: nsbox against its peers.
bench: deps-bench
	$(MAKE) all units rootfs bench-tools
	-$(MAKE) debian-rootfs
	BENCH_QUICK=$(BENCH_QUICK) bash bench/run.sh $(if $(BENCH_SCALE),--scale "$(BENCH_SCALE)")

demo: deps-demo
	$(MAKE) all units rootfs
	bash tests/demo.sh

install: all
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(PAMDIR) \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(PAMCONFIGDIR)
	install -m 0755 $(NSBOX_BIN) $(DESTDIR)$(LIBEXECDIR)/nsbox
	install -m 0755 $(FULL_BIN) $(DESTDIR)$(LIBEXECDIR)/nsbox-full
	install -m 0755 $(PAM_HELPER_BIN) $(DESTDIR)$(LIBEXECDIR)/nsbox-pam-helper
	install -m 0711 $(INIT_BIN) $(DESTDIR)$(LIBEXECDIR)/nsbox-init
	ln -sf $(LIBEXECDIR)/nsbox $(DESTDIR)$(BINDIR)/nsbox
	install -m 0644 $(PAM_SO) $(DESTDIR)$(PAMDIR)/pam_nsbox.so
	@# A cache of the old build's: the new module would not use it anyway.
	rm -rf $(DESTDIR)/run/nsbox/index
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
	rm -f $(DESTDIR)$(BINDIR)/nsbox $(DESTDIR)$(LIBEXECDIR)/nsbox $(DESTDIR)$(LIBEXECDIR)/nsbox-init \
		$(DESTDIR)$(LIBEXECDIR)/nsbox-pam-helper $(DESTDIR)$(LIBEXECDIR)/nsbox-full \
		$(DESTDIR)$(PAMDIR)/pam_nsbox.so $(DESTDIR)$(PAMCONFIGDIR)/nsbox \
		$(DESTDIR)$(PAMCONFIGDIR)/nsbox-leave $(DESTDIR)$(SYSCONFDIR)/apparmor.d/nsbox \
		$(DESTDIR)$(MANDIR)/man1/nsbox.1 $(DESTDIR)$(MANDIR)/man5/nsbox.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/pam_nsbox.8 $(DESTDIR)$(EXAMPLEDIR)/nsbox.conf
	-rmdir $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(EXAMPLEDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "$(DESTDIR)$(SYSCONFDIR)/nsbox.conf is left in place (remove it by hand)."

# clean keeps what took minutes or hours to make and is not built from this
# tree's code: the Debian rootfs with its stamp and package cache (make
# debian-rootfs), the package test's chroot tarball (tests/debian) and the
# corpus make fuzz grew. distclean removes them too.
CACHES := $(B)/debian-rootfs% $(B)/pkgtest-% $(B)/fuzz
clean:
	rm -rf $(filter-out $(CACHES),$(wildcard $(B)/*)) $(B)/fuzz/fuzz_config \
		helper/nsbox helper/nsbox-full helper/nsbox-init helper/nsbox-pam-helper \
		pam_module/pam_nsbox.so

distclean: clean
	rm -rf $(B)
