# capmatch - match enterprises to partner regions.
#
#   make            build libcapmatch.a, libcapmatch.so and the capmatch command
#   make test       build and run every test (installs missing Debian packages)
#   make sanitize   the whole test suite under AddressSanitizer + UBSan
#   make demo       run capmatch on the shipped examples
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      scripts/bench-load
#   make fuzz       every libFuzzer target of tests/fuzz/ for FUZZ_SECONDS (60) each

# ---- settings --------------------------------------------------------------
CC         ?= cc
PKG_CONFIG ?= pkg-config
OBJCOPY    ?= objcopy
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
OPT        ?= -O2 -g
SAN_FLAGS  ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

FUZZ_CC    ?= clang
FUZZ_SAN   ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60

VERSION    := 0.1.0
SOMAJOR    := 0

WARN   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wcast-align -Wwrite-strings -Wformat=2 -Wvla \
          -Wundef -Wno-missing-field-initializers
DEPS_PC := jansson lua5.4 libpcre2-8 nettle libical libcurl
CFLAGS_DEPS := $(shell $(PKG_CONFIG) --cflags $(DEPS_PC) 2>/dev/null)
LIBS_DEPS   := $(shell $(PKG_CONFIG) --libs $(DEPS_PC) 2>/dev/null) -lcsv -lpthread -lm

# the command alone serves HTTP (capmatch serve): libmicrohttpd is not the library's,
# nor GnuTLS (HTTPS; cli/http.c checks the certificate and key with it)
LIBS_CLI    := $(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls 2>/dev/null || echo -lmicrohttpd -lgnutls)
# nor are the XLSX writer (--format xlsx) and display widths (libunistring,
# which ships no .pc file) for the command's tables
LIBS_CLI    += $(shell $(PKG_CONFIG) --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter) -lunistring
CFLAGS_CLI_DEPS := $(shell $(PKG_CONFIG) --cflags gnutls xlsxwriter jansson 2>/dev/null)

CFLAGS  ?=
LDFLAGS ?=
BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) -Iinclude $(EXTRA_CFLAGS) $(CFLAGS) -MMD -MP
# The library sees its own headers; the command (cli/) sees include/ only.
ALL_CFLAGS = $(BASE_CFLAGS) -DCM_DATADIR=\"$(DATADIR)\" -fPIC -fvisibility=hidden -Icore $(CFLAGS_DEPS)
CLI_CFLAGS = $(BASE_CFLAGS) $(CFLAGS_CLI_DEPS)
ALL_LDFLAGS = $(EXTRA_LDFLAGS) $(LDFLAGS)

# ---- objects ----------------------------------------------------------------
# The library by layer, lowest first: a layer uses the ones before it and
# never one after it (checked by tests/cli/layers.sh from the objects' symbols);
# batch and feeds stand side by side and do not use each other.
LIB_BASE     := core/alloc.c core/err.c core/buf.c core/file.c core/strpool.c
LIB_PROFILES := core/source.c core/csvread.c core/jsonread.c core/isic.c core/isic_data.c core/iso.c core/rates.c core/rates_default.c \
                core/vocab.c core/diag.c core/store.c core/record.c core/schema.c core/load.c \
                core/load_json.c core/load_csv.c core/engine.c core/samples.c
LIB_POLICY   := core/mcda.c core/aggregate.c core/sandbox.c core/luajson.c core/policy.c \
                core/policy_state.c core/memo.c core/scorer.c core/stats.c core/diversify.c \
                core/match.c core/prep.c core/visit.c core/whatif.c core/snapshot.c core/sensitivity.c core/policy_test.c \
                core/linecov.c \
                core/policy_lint.c
LIB_BATCH    := core/assign.c core/candidates.c core/schedule.c core/event.c core/diff.c core/report.c core/merge.c
LIB_FEEDS    := core/feed.c core/feed_cache.c core/feed_body.c core/feed_fetch.c
LIB_SRC := $(LIB_BASE) $(LIB_PROFILES) $(LIB_POLICY) $(LIB_BATCH) $(LIB_FEEDS)
CLI_SRC := cli/main.c cli/cmd_validate.c cli/cmd_stats.c cli/cmd_match.c cli/cmd_merge.c \
           cli/cmd_check.c cli/cmd_test.c cli/util.c cli/cmd_fetch.c \
           cli/cmd_assign.c cli/cmd_mcda.c cli/cmd_schema.c cli/cmd_whatif.c cli/cmd_diff.c cli/match_stats.c cli/cmd_serve.c \
           cli/http.c cli/logq.c cli/result.c cli/sheet.c cli/termtab.c cli/progress.c
UNIT_TESTS := test_file test_lint test_sandbox test_linecov test_strpool test_diag test_store test_policy test_threads test_feed test_isic test_iso test_rates test_vocab \
              test_load test_faults test_assign test_prune test_reader test_diversify test_mcda \
              test_visit test_merge test_whatif test_event
TOOLS := bench_load bench_match bench_assign

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/cli/openapi_json.o $(BUILD)/cli/serve_page.o
UNIT_BIN := $(UNIT_TESTS:%=$(BUILD)/tests/%)
TOOL_BIN := $(TOOLS:%=$(BUILD)/tools/%)

STATIC := $(BUILD)/libcapmatch.a
SHARED := $(BUILD)/libcapmatch.so.$(VERSION)
SONAME := libcapmatch.so.$(SOMAJOR)
CLI    := $(BUILD)/capmatch

.PHONY: schema all test check sanitize demo install uninstall clean bench deps tools print-layers FORCE fuzz fuzz-build
all: $(STATIC) $(SHARED) $(CLI)

deps:
	@scripts/install-deps.sh

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CLI_CFLAGS) -c $< -o $@

# files capmatch serve serves, compiled into the command as C arrays named
# after the generated file (openapi_json, serve_page)
define embed_file
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@{ echo '/* generated from $< by the Makefile */'; \
	   echo 'extern const char $(notdir $(basename $@))[];'; \
	   echo 'const char $(notdir $(basename $@))[] = {'; \
	   od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; echo '0 };'; } >$@
endef
$(BUILD)/cli/openapi_json.c: doc/openapi.json
	$(embed_file)
$(BUILD)/cli/serve_page.c: cli/serve_page.html
	$(embed_file)
$(BUILD)/cli/openapi_json.o: $(BUILD)/cli/openapi_json.c
	@echo "  CC      $<"
	@$(CC) $(CLI_CFLAGS) -c $< -o $@
$(BUILD)/cli/serve_page.o: $(BUILD)/cli/serve_page.c
	@echo "  CC      $<"
	@$(CC) $(CLI_CFLAGS) -c $< -o $@

# The library's global symbols are cm_ (the API, CM_API) or cmi_ (its
# insides, hidden; tests/cli/layers.sh checks the prefixes). The static
# library is one relocatable object whose hidden symbols are made local: a
# program linking it may use those names for its own, as with the shared
# library.
define make_static
	@rm -f $@ $@.o
	@echo "  AR      $@"
	@$(LD) -r -o $@.o $^
	@$(OBJCOPY) --localize-hidden $@.o
	@ar rcs $@ $@.o
	@rm -f $@.o
endef

$(STATIC): $(LIB_OBJ)
	$(make_static)

$(SHARED): $(LIB_OBJ)
	@echo "  CCLD    $@"
	@$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_DEPS)
	@ln -sf libcapmatch.so.$(VERSION) $(BUILD)/$(SONAME)
	@ln -sf $(SONAME) $(BUILD)/libcapmatch.so

# The command links the static library: it is a client of the public header only.
$(CLI): $(CLI_OBJ) $(STATIC)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(LIBS_DEPS) $(LIBS_CLI)

# Unit tests see the internal headers and link the objects directly, so that
# they can test hidden functions too.
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS_DEPS) -lcmocka

$(BUILD)/tools/%: tests/tools/%.c $(STATIC)
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS_DEPS)

tools: $(TOOL_BIN)

# The JSON Schema files of the profiles shipped in share/capmatch/schema/ are
# the output of `capmatch schema KIND --format json`; tests/cli/schema.sh
# fails when they differ, and `make schema` writes them again. result.json
# and result-line.json (the result format capmatch.result/1) are written by
# hand; tests/cli/result_format.sh validates every command's output with them.
schema: $(CLI)
	$(CLI) schema regions --format json -o share/capmatch/schema/regions.json
	$(CLI) schema enterprises --format json -o share/capmatch/schema/enterprises.json

# The layers, one a line, for tests/cli/layers.sh.
print-layers:
	@echo "base $(LIB_BASE:%.c=%.o)"
	@echo "profiles $(LIB_PROFILES:%.c=%.o)"
	@echo "policy $(LIB_POLICY:%.c=%.o)"
	@echo "batch $(LIB_BATCH:%.c=%.o)"
	@echo "feeds $(LIB_FEEDS:%.c=%.o)"
	@echo "cli $(CLI_SRC:%.c=%.o)"

test: deps
	@$(MAKE) -s --no-print-directory all $(UNIT_BIN)
	@tests/run-tests.sh $(BUILD)

check: test

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g" \
	    EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" all \
	    $(UNIT_TESTS:%=build/san/tests/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    tests/run-tests.sh build/san

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(CLI)

bench: deps
	@$(MAKE) --no-print-directory all $(TOOL_BIN)
	@scripts/bench-load

# ---- fuzzing ------------------------------------------------------------------
# libFuzzer targets (tests/fuzz/README), built with clang into build/fuzz: the
# library's objects with -fsanitize=fuzzer-no-link, each target linked with
# -fsanitize=fuzzer. tests/cli/fuzz.sh runs them briefly in `make test`.
FUZZ_TARGETS := fuzz_load_json fuzz_load_jsonl fuzz_load_csv fuzz_policy fuzz_feed_config \
                fuzz_feed_body
FUZZ_BUILD := build/fuzz
# clang's -Wcast-align warns on x86 too (gcc's only where it matters), and
# its -Wformat-nonliteral on v*printf wrappers: both stay on in the gcc build
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -DCM_DATADIR=\"$(DATADIR)\" -O1 -g $(WARN) \
              -Wno-cast-align -Wno-format-nonliteral \
              -Iinclude -Icore $(CFLAGS_DEPS) $(FUZZ_SAN) -MMD -MP
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/core/%.o: core/%.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIBS_DEPS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps
	@$(MAKE) -s --no-print-directory fuzz-build
	@tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- install ----------------------------------------------------------------
BINDIR := $(PREFIX)/bin
LIBDIR := $(PREFIX)/lib
INCDIR := $(PREFIX)/include
MANDIR := $(PREFIX)/share/man
DATADIR := $(PREFIX)/share/capmatch

# What is installed is built for the PREFIX of the install, whatever the
# build was made with: the one object that knows the data directory
# (policy.o, CM_DATADIR) is compiled again into $(INST) whenever the PREFIX
# differs from the one recorded there, and the libraries, the command and
# capmatch.pc are made from it; the objects of the build are shared.
INST := $(BUILD)/install
INST_LIB_OBJ := $(filter-out $(BUILD)/core/policy.o,$(LIB_OBJ)) $(INST)/policy.o

$(INST)/prefix: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@

$(INST)/policy.o: core/policy.c $(INST)/prefix
	@echo "  CC      $< (for $(DATADIR))"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(INST)/libcapmatch.a: $(INST_LIB_OBJ)
	$(make_static)

$(INST)/libcapmatch.so.$(VERSION): $(INST_LIB_OBJ)
	@echo "  CCLD    $@"
	@$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_DEPS)

$(INST)/capmatch: $(CLI_OBJ) $(INST)/libcapmatch.a
	@echo "  CCLD    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(INST)/libcapmatch.a $(LIBS_DEPS) $(LIBS_CLI)

$(INST)/capmatch.pc: core/capmatch.pc.in $(INST)/prefix
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCDIR@|$(INCDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

install: $(INST)/capmatch $(INST)/libcapmatch.a $(INST)/libcapmatch.so.$(VERSION) $(INST)/capmatch.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/rules
	install -m 755 $(INST)/capmatch $(DESTDIR)$(BINDIR)/capmatch
	install -m 644 $(INST)/libcapmatch.a $(DESTDIR)$(LIBDIR)/libcapmatch.a
	install -m 755 $(INST)/libcapmatch.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcapmatch.so.$(VERSION)
	ln -sf libcapmatch.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libcapmatch.so
	install -m 644 include/capmatch.h $(DESTDIR)$(INCDIR)/capmatch.h
	install -m 644 $(INST)/capmatch.pc $(DESTDIR)$(LIBDIR)/pkgconfig/capmatch.pc
	install -m 644 doc/capmatch.1 $(DESTDIR)$(MANDIR)/man1/capmatch.1
	install -m 644 doc/capmatch-mcda.1 $(DESTDIR)$(MANDIR)/man1/capmatch-mcda.1
	install -m 644 doc/capmatch-serve.1 $(DESTDIR)$(MANDIR)/man1/capmatch-serve.1
	install -m 644 doc/capmatch-merge.1 $(DESTDIR)$(MANDIR)/man1/capmatch-merge.1
	install -d $(DESTDIR)$(MANDIR)/man5
	install -m 644 doc/capmatch-policy.5 $(DESTDIR)$(MANDIR)/man5/capmatch-policy.5
	install -m 644 doc/capmatch-profiles.5 $(DESTDIR)$(MANDIR)/man5/capmatch-profiles.5
	install -d $(DESTDIR)$(DATADIR)/schema
	install -m 644 share/capmatch/schema/regions.json share/capmatch/schema/enterprises.json \
	    share/capmatch/schema/result.json share/capmatch/schema/result-line.json \
	    $(DESTDIR)$(DATADIR)/schema/
	install -d $(DESTDIR)$(DATADIR)/rules/lib
	install -m 644 rules/*.lua $(DESTDIR)$(DATADIR)/rules/
	for f in rules/lib/*.lua; do [ -e "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(DATADIR)/rules/lib/ || true; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/capmatch $(DESTDIR)$(LIBDIR)/libcapmatch.* \
	    $(DESTDIR)$(INCDIR)/capmatch.h $(DESTDIR)$(LIBDIR)/pkgconfig/capmatch.pc \
	    $(DESTDIR)$(MANDIR)/man1/capmatch.1 $(DESTDIR)$(MANDIR)/man1/capmatch-mcda.1 \
	    $(DESTDIR)$(MANDIR)/man1/capmatch-serve.1 $(DESTDIR)$(MANDIR)/man1/capmatch-merge.1 \
	    $(DESTDIR)$(MANDIR)/man5/capmatch-policy.5 \
	    $(DESTDIR)$(MANDIR)/man5/capmatch-profiles.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(INST)/policy.d $(FUZZ_OBJ:.o=.d)
