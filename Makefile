# nhigate — see README.md.  `make` builds, `make check` tests, `make demo` shows.
PREFIX ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
BUILD ?= build
VERSION = 0.1.0

PKGS = libgit2 yaml-0.1 jansson libpcre2-8 libcrypto
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wvla -Wwrite-strings -Werror
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Recursively expanded on purpose: pkg-config runs after `deps` installed it.
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEP_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lz -lpthread -lm
ALL_CPPFLAGS = -Iinclude -Ilib -D_GNU_SOURCE -DNHG_VERSION='"$(VERSION)"' \
	-DNHG_DATADIR='"$(PREFIX)/share/nhigate"' $(CPPFLAGS)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(DEP_CFLAGS) -MMD -MP

# `make V=1` shows the full command lines.
Q = $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-5s %s\n' $(1) $(2))

LIB_SRC = $(sort $(wildcard lib/*/*.c))
CMD_SRC = $(sort $(wildcard cmd/nhigate-*.c))
CMD_COMMON = $(filter-out cmd/nhigate-% cmd/gate_%,$(wildcard cmd/*.c))
# nhigate-gate's subcommands, one file each
GATE_CMD_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard cmd/gate_*.c)))
TEST_SRC = $(sort $(wildcard tests/test_*.c))

LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_COMMON_OBJ = $(CMD_COMMON:%.c=$(BUILD)/%.o)
BINS = $(CMD_SRC:cmd/%.c=$(BUILD)/%)
TESTS = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIBA = $(BUILD)/libnhigate.a

.PHONY: all build deps check unit cli san bench demo install clean
all: deps
	@$(MAKE) --no-print-directory build

build: $(BINS) $(TESTS)

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/nhigate-%: $(BUILD)/cmd/nhigate-%.o $(CMD_COMMON_OBJ) $(LIBA)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out $(LIBA),$^) $(LIBA) $(DEP_LIBS)

$(BUILD)/nhigate-gate: $(GATE_CMD_OBJ)

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIBA)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS) -lcmocka

# The whole suite: unit tests, every rule example, CLI and git tests.
check: deps
	@sh scripts/node-deps.sh
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) sh tests/run.sh

unit cli: build
	@BUILD=$(BUILD) sh tests/run.sh $@

san: deps
	@$(MAKE) --no-print-directory check BUILD=build-san \
		EXTRA_CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" CFLAGS="-O1 -g"

bench: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) sh bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) sh scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/nhigate $(DESTDIR)$(PREFIX)/share/nhigate
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/nhigate/*.h $(DESTDIR)$(PREFIX)/include/nhigate/
	cp -R rules $(DESTDIR)$(PREFIX)/share/nhigate/
	install -d $(DESTDIR)$(PREFIX)/share/nhigate/git-hooks
	install -m 755 integrations/git-hooks/pre-receive $(DESTDIR)$(PREFIX)/share/nhigate/git-hooks/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@REQUIRES@|$(PKGS)|' nhigate.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nhigate.pc

clean:
	rm -rf $(BUILD) build-san $(BUILD)-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.PRECIOUS: $(BUILD)/%.o $(BUILD)/tests/%.o

# ---- hardening: fuzz targets, corpus replay, valgrind (fuzz/README.md) ----
# Every fuzz/fuzz_NAME.c is a libFuzzer target.  `make build` links each with
# fuzz/replay.c as $(BUILD)/tests/fuzz_NAME, which tests/cli/t_fuzz_replay.sh
# runs over fuzz/corpus/NAME in `make check` and `make san`.  `make fuzz`
# builds the real fuzzers with clang into $(FUZZ_BUILD) and runs each for
# FUZZ_SECONDS (FUZZ_TARGETS picks some).  `make valgrind` runs the unit
# tests, the corpora and the CLI tests under valgrind memcheck.
FUZZ_NAMES = $(sort $(patsubst fuzz/fuzz_%.c,%,$(filter-out fuzz/fuzz_common.c,$(wildcard fuzz/fuzz_*.c))))
FUZZ_HELPER_OBJ = $(BUILD)/fuzz/fuzz_common.o $(BUILD)/fuzz/pipeline.o
FUZZ_REPLAYS = $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz_%)
FUZZERS = $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_BUILD ?= $(BUILD)-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzzers valgrind
build: $(FUZZ_REPLAYS)

$(FUZZ_REPLAYS): $(BUILD)/tests/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/replay.o \
		$(FUZZ_HELPER_OBJ) $(LIBA)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

fuzz:
	@NHG_DEPS_EXTRA=clang sh scripts/deps.sh
	@$(MAKE) --no-print-directory fuzzers BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link -Wno-error" LDFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer"
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TARGETS)

fuzzers: $(FUZZERS)

$(FUZZERS): $(BUILD)/fuzz/%: $(BUILD)/fuzz/fuzz_%.o $(FUZZ_HELPER_OBJ) $(LIBA)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

valgrind: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) sh fuzz/valgrind.sh
