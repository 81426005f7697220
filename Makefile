# sprout — plain GNU make. Targets: all, check, unit, e2e, fuzz, lint, bench, demo, install, clean.
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

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual
CFLAGS  ?= -O2 -g
BASE    := -std=gnu11 -D_GNU_SOURCE -DSPROUT_VERSION='"$(VERSION)"' $(WARN)

INIT_DIRS := src/init $(patsubst %/,%,$(wildcard src/init/*/))
LIB_INC   := -Isrc/lib
HOST_INC  := $(LIB_INC) -Isrc/sprout
INIT_INC  := $(LIB_INC) $(addprefix -I,$(INIT_DIRS))
TEST_INC  := $(HOST_INC) $(addprefix -I,$(INIT_DIRS))
# the include path of the layer a source file belongs to
inc = $(if $(filter src/lib/%,$(1)),$(LIB_INC),$(if $(filter src/sprout/%,$(1)),$(HOST_INC),$(INIT_INC)))

HOST_LIBS := $(shell $(PKG) --libs libkmod libelf zlib libzstd liblzma liblz4 2>/dev/null)
INIT_LIBS := $(shell $(PKG) --static --libs blkid 2>/dev/null)
TEST_LIBS := $(shell $(PKG) --libs cmocka blkid 2>/dev/null) $(HOST_LIBS)

LIB_SRC   := $(wildcard src/lib/*.c src/lib/*/*.c)
HOST_SRC  := $(filter-out src/sprout/main.c,$(wildcard src/sprout/*.c))
INIT_SRC  := $(filter-out src/init/main.c,$(wildcard src/init/*.c src/init/*/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
TOOL_SRC  := $(wildcard tests/tools/*.c)
HEADERS   := $(wildcard src/*/*.h src/*/*/*.h tests/unit/*.h)

obj = $(patsubst src/%.c,$(B)/$(1)/%.o,$(2))

.PHONY: all check unit unit-asan tools e2e fuzz fuzz-smoke lint bench demo install clean deps
all: $(B)/sprout $(B)/sprout-init

# --- programs -------------------------------------------------------------------------
$(B)/host/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BASE) $(call inc,$<) -c -o $@ $<

$(B)/init/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(BASE) $(call inc,$<) -DSPROUT_INIT -c -o $@ $<

$(B)/sprout: $(call obj,host,src/sprout/main.c $(HOST_SRC) $(LIB_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/sprout-init: $(call obj,init,src/init/main.c $(INIT_SRC) $(LIB_SRC))
	$(CC) $(CFLAGS) -static -s -Wl,--gc-sections -o $@ $^ $(INIT_LIBS) -lpthread

# --- unit tests: plain and under ASan+UBSan -------------------------------------------
UNIT_PLAIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))
UNIT_ASAN  := $(patsubst tests/unit/%.c,$(B)/unit-asan/%,$(UNIT_SRC))
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(B)/t/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(BASE) $(call inc,$<) -DSPROUT_TEST -c -o $@ $<
$(B)/ta/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g $(SAN) $(BASE) $(call inc,$<) -DSPROUT_TEST -c -o $@ $<

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
tools: $(TOOLS)

# --- fuzzing (clang libFuzzer) ----------------------------------------------------------
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_FL   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ  := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 20

$(B)/fz/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_OBJ) $(BASE) $(call inc,$<) -DSPROUT_TEST -c -o $@ $<
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

e2e: all unit tools
	tests/run.sh --e2e-only --strict

lint:
	tests/lint.sh

bench: all
	bench/run.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh

PREFIX ?= /usr/local
install: all
	install -D -m 0755 $(B)/sprout $(DESTDIR)$(PREFIX)/bin/sprout
	install -D -m 0755 $(B)/sprout-init $(DESTDIR)$(PREFIX)/lib/sprout/sprout-init
	install -D -m 0644 docs/man/sprout.1 $(DESTDIR)$(PREFIX)/share/man/man1/sprout.1
	install -D -m 0644 docs/man/sprout-init.8 $(DESTDIR)$(PREFIX)/share/man/man8/sprout-init.8
	install -D -m 0644 docs/man/sprout-image.5 $(DESTDIR)$(PREFIX)/share/man/man5/sprout-image.5

clean:
	rm -rf $(B)
