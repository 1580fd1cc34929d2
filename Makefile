# nhigate — see README.md.  `make` builds, `make check` tests, `make demo` shows.
PREFIX ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
BUILD ?= build
VERSION = 0.1.0

PKGS = libgit2 yaml-0.1 jansson libpcre2-8
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wvla -Wwrite-strings -Werror
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Recursively expanded on purpose: pkg-config runs after `deps` installed it.
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEP_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lmbedcrypto -lz -lpthread -lm
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
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@REQUIRES@|$(PKGS)|' nhigate.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/nhigate.pc

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.PRECIOUS: $(BUILD)/%.o $(BUILD)/tests/%.o
