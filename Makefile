# sprout — plain GNU make. Targets: all, check, check-package, unit, e2e, fuzz, lint, bench,
# demo, install, install-hooks, uninstall, clean.
#
# Sources are found by directory, so adding a module is adding a file:
#   src/lib/**.c    pure code shared by both programs (parsers, formats, the base helpers)
#   src/sprout/*.c  the host tool `sprout` (dynamic: libkmod, libelf, compressors)
#   src/init/**.c   `sprout-init`, the /init of the image (static: libc, libblkid):
#                   main.c and phase_*.c on top, the machinery in core/ dev/ net/ root/
#
# Layering is enforced by include paths: src/lib compiles with -Isrc/lib only, so a lib
# file that includes a header of sprout or sprout-init fails to build; src/sprout sees
# lib and itself; src/init sees lib and itself. Only the tests see everything.
#   tests/unit/test_*.c   one cmocka program each, linked with every module
#   tests/fuzz/fuzz_*.c   one libFuzzer target each
#   tests/tools/*.c       helper programs the end-to-end tests run (e.g. a hostile DHCP server)

CC      ?= gcc
CLANG   ?= clang
PKG     ?= pkg-config
VERSION := 0.1.0
B       := build

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man

# CFLAGS, CPPFLAGS and LDFLAGS are the builder's (make CFLAGS=..., the environment, or
# Debian's dpkg-buildflags): they come after our hardening defaults, so they can change
# them, and before what the code needs (language, defines, warnings), which they cannot
# remove.
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual
CFLAGS  ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
BASE    := -std=gnu11 -D_GNU_SOURCE -DSPROUT_VERSION='"$(VERSION)"' $(WARN)
# _FORTIFY_SOURCE works only when optimizing, and is left alone when the builder sets it.
OPTIMIZING := $(filter -O1 -O2 -O3 -Os -Og -Oz -Ofast,$(CFLAGS))
FORTIFY := $(if $(OPTIMIZING),$(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2))
HARDEN  := -fstack-protector-strong $(FORTIFY)
LDHARDEN := -Wl,-z,relro -Wl,-z,now
# compile and link lines of the two programs; sprout-init keeps only the code it calls
HOST_CFLAGS := $(HARDEN) -fPIE $(CPPFLAGS) $(CFLAGS) $(BASE)
INIT_CFLAGS := $(HARDEN) -fPIE -ffunction-sections -fdata-sections $(CPPFLAGS) $(CFLAGS) $(BASE)

INIT_DIRS := src/init $(patsubst %/,%,$(wildcard src/init/*/))
LIB_INC   := -Isrc/lib
HOST_INC  := $(LIB_INC) -Isrc/sprout
INIT_INC  := $(LIB_INC) $(addprefix -I,$(INIT_DIRS))
TEST_INC  := $(HOST_INC) $(addprefix -I,$(INIT_DIRS))
# the include path of the layer a source file belongs to
inc = $(if $(filter src/lib/%,$(1)),$(LIB_INC),$(if $(filter src/sprout/%,$(1)),$(HOST_INC),$(INIT_INC)))

HOST_LIBS := $(shell $(PKG) --libs libkmod libelf zlib libzstd liblzma liblz4 2>/dev/null) -lm
# liblzma: sprout-init decodes .ko.xz modules when the kernel cannot (modunxz.h)
INIT_LIBS := $(shell $(PKG) --static --libs blkid liblzma 2>/dev/null) -lm
TEST_LIBS := $(shell $(PKG) --libs cmocka blkid 2>/dev/null) $(HOST_LIBS)

LIB_SRC   := $(wildcard src/lib/*.c src/lib/*/*.c)
HOST_SRC  := $(filter-out src/sprout/main.c,$(wildcard src/sprout/*.c))
INIT_SRC  := $(filter-out src/init/main.c,$(wildcard src/init/*.c src/init/*/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
TOOL_SRC  := $(wildcard tests/tools/*.c)
HEADERS   := $(wildcard src/*/*.h src/*/*/*.h tests/unit/*.h)

obj = $(patsubst src/%.c,$(B)/$(1)/%.o,$(2))

.PHONY: all check unit tools e2e fuzz lint bench demo install uninstall clean deps FORCE
all: $(B)/sprout $(B)/sprout-init

# --- programs -------------------------------------------------------------------------
$(B)/host/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(call inc,$<) -c -o $@ $<

# Where `sprout` looks for sprout-init last (after ../lib/sprout and its own directory);
# main.o is rebuilt when it changes.
$(B)/host/sprout/main.o: HOST_CFLAGS += -DSPROUT_LIBDIR='"$(LIBDIR)/sprout"'
$(B)/host/sprout/main.o: $(B)/libdir.txt
$(B)/libdir.txt: FORCE
	@mkdir -p $(B)
	@echo '$(LIBDIR)/sprout' | cmp -s - $@ || echo '$(LIBDIR)/sprout' > $@

# The build time the clock check trusts as a lower bound (src/lib/buildinfo.c):
# SOURCE_DATE_EPOCH, else the source's commit time, else its newest file; never the
# compiler's date, so builds stay reproducible. Only buildinfo.o sees it.
BUILD_EPOCH := $(or $(SOURCE_DATE_EPOCH),$(shell git log -1 --format=%ct 2>/dev/null),$(shell find src -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1),0)
$(B)/host/lib/buildinfo.o $(B)/init/lib/buildinfo.o: $(B)/epoch.txt
$(B)/host/lib/buildinfo.o: HOST_CFLAGS += -DSPROUT_BUILD_EPOCH=$(BUILD_EPOCH)
$(B)/init/lib/buildinfo.o: INIT_CFLAGS += -DSPROUT_BUILD_EPOCH=$(BUILD_EPOCH)
$(B)/epoch.txt: FORCE
	@mkdir -p $(B)
	@echo '$(BUILD_EPOCH)' | cmp -s - $@ || echo '$(BUILD_EPOCH)' > $@

$(B)/init/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(INIT_CFLAGS) $(call inc,$<) -c -o $@ $<

$(B)/sprout: $(call obj,host,src/sprout/main.c $(HOST_SRC) $(LIB_SRC))
	$(CC) $(HARDEN) $(CFLAGS) $(LDFLAGS) -pie $(LDHARDEN) -o $@ $^ $(HOST_LIBS)

# static-pie: PID 1 parses DHCP replies and disk labels, so its addresses are randomised
# like any program's (glibc's rcrt1.o relocates it before main; about 70 KB more).
$(B)/sprout-init: $(call obj,init,src/init/main.c $(INIT_SRC) $(LIB_SRC))
	$(CC) $(HARDEN) $(CFLAGS) $(LDFLAGS) -static-pie $(LDHARDEN) -s -Wl,--gc-sections -o $@ $^ $(INIT_LIBS) -lpthread

# --- unit tests: plain and under ASan+UBSan -------------------------------------------
UNIT_PLAIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))
UNIT_ASAN  := $(patsubst tests/unit/%.c,$(B)/unit-asan/%,$(UNIT_SRC))
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(B)/t/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(BASE) $(call inc,$<) -c -o $@ $<
$(B)/ta/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(SAN) $(BASE) $(call inc,$<) -c -o $@ $<

$(B)/libt.a: $(call obj,t,$(LIB_SRC) $(HOST_SRC) $(INIT_SRC))
	rm -f $@ && ar rcs $@ $^
$(B)/libta.a: $(call obj,ta,$(LIB_SRC) $(HOST_SRC) $(INIT_SRC))
	rm -f $@ && ar rcs $@ $^

$(B)/unit/%: tests/unit/%.c $(B)/libt.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(BASE) $(TEST_INC) -Wno-missing-prototypes -o $@ $< $(B)/libt.a $(TEST_LIBS)
$(B)/unit-asan/%: tests/unit/%.c $(B)/libta.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(SAN) $(BASE) $(TEST_INC) -Wno-missing-prototypes -o $@ $< $(B)/libta.a $(TEST_LIBS)

unit: $(UNIT_PLAIN) $(UNIT_ASAN)

# --- test tools: programs the end-to-end tests start ------------------------------------
TOOLS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))
$(B)/tools/%: tests/tools/%.c $(B)/libt.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(BASE) $(TEST_INC) -o $@ $< $(B)/libt.a $(TEST_LIBS)
# static: it runs in the guests' busybox roots, which have no libc
$(B)/tools/euid: tests/tools/euid.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(BASE) -static -o $@ $<
tools: $(TOOLS)

# --- fuzzing (clang libFuzzer) ----------------------------------------------------------
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_FL   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ  := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 20

$(B)/fz/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_OBJ) $(BASE) $(call inc,$<) -c -o $@ $<
$(B)/libfz.a: $(call obj,fz,$(LIB_SRC) $(HOST_SRC) $(INIT_SRC))
	rm -f $@ && ar rcs $@ $^
$(B)/fuzz/%: tests/fuzz/%.c $(B)/libfz.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FL) $(BASE) $(TEST_INC) -Wno-missing-prototypes -o $@ $< $(B)/libfz.a $(TEST_LIBS)

fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# --- the whole check ----------------------------------------------------------------------
deps:
	scripts/deps.sh

# make check: the whole suite, as root: packages and test kernel first, then every skip that
# README does not document, and a missing test kernel, fail (tests/run.sh --strict).
check: deps
	$(MAKE) all unit tools $(FUZZ_BIN)
	tests/run.sh --strict

# make check-unit: unit tests (plain, ASan+UBSan), valgrind and the fuzz smoke, for any user:
# no root, no deps.sh, no apt-get, no QEMU. Tests that need what is missing skip, saying so.
.PHONY: check-unit
check-unit: all unit $(FUZZ_BIN)
	tests/run.sh --no-e2e

# make check-package: the Debian package on a debootstrapped Debian 12 (tests/e2e/test_package.sh;
# make check runs it too): build, lintian, install, kernel hooks, two QEMU boots, switch back.
.PHONY: check-package
check-package: deps all
	E2E_ONLY=test_package.sh tests/run.sh --e2e-only --strict

e2e: all unit tools
	tests/run.sh --e2e-only --strict

lint:
	tests/lint.sh

bench: all
	bench/run.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh

# `sprout` finds sprout-init at ../lib/sprout from its own directory, so an installed
# tree may be moved (DESTDIR, or a relocated prefix). Keep the two together.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALLED := $(BINDIR)/sprout $(LIBDIR)/sprout/sprout-init $(MANDIR)/man1/sprout.1 \
	$(MANDIR)/man8/sprout-init.8 $(MANDIR)/man5/sprout-image.5 $(MANDIR)/man5/devices.conf.5 \
	$(BASHCOMPDIR)/sprout
install: all
	install -D -m 0755 $(B)/sprout $(DESTDIR)$(BINDIR)/sprout
	install -D -m 0755 $(B)/sprout-init $(DESTDIR)$(LIBDIR)/sprout/sprout-init
	install -D -m 0644 docs/man/sprout.1 $(DESTDIR)$(MANDIR)/man1/sprout.1
	install -D -m 0644 docs/man/sprout-init.8 $(DESTDIR)$(MANDIR)/man8/sprout-init.8
	install -D -m 0644 docs/man/sprout-image.5 $(DESTDIR)$(MANDIR)/man5/sprout-image.5
	install -D -m 0644 docs/man/devices.conf.5 $(DESTDIR)$(MANDIR)/man5/devices.conf.5
	install -D -m 0644 scripts/completion/sprout.bash $(DESTDIR)$(BASHCOMPDIR)/sprout

# install-hooks: what makes sprout the system's initramfs generator (the Debian package
# installs it; `make install` alone does not): the kernel hooks that build
# /boot/initrd.img-KVER when a kernel is installed and remove it with the kernel, the
# kernel-install(8) plugin, and the example /etc/sprout/sprout.conf (every key commented).
SYSCONFDIR ?= /etc
KERNELINSTALLDIR ?= /usr/lib/kernel/install.d
HOOKS := $(SYSCONFDIR)/kernel/postinst.d/sprout $(SYSCONFDIR)/kernel/postrm.d/sprout \
	$(KERNELINSTALLDIR)/50-sprout.install $(SYSCONFDIR)/sprout/sprout.conf
.PHONY: install-hooks uninstall-hooks
install-hooks:
	install -D -m 0755 dist/kernel/postinst.d/sprout $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/sprout
	install -D -m 0755 dist/kernel/postrm.d/sprout $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/sprout
	install -D -m 0755 dist/kernel/install.d/50-sprout.install $(DESTDIR)$(KERNELINSTALLDIR)/50-sprout.install
	install -D -m 0644 dist/sprout.conf $(DESTDIR)$(SYSCONFDIR)/sprout/sprout.conf
uninstall-hooks:
	rm -f $(addprefix $(DESTDIR),$(HOOKS))

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(LIBDIR)/sprout 2>/dev/null || true

FORCE:

clean:
	rm -rf $(B)
