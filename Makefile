# libworkers - build, test, install.  GNU make.
#
#   make              shared and static library in build/
#   make check        lint, API checks, every test, then again under
#                     AddressSanitizer + UndefinedBehaviorSanitizer
#   make run          the quickstart example
#   make install      PREFIX=/usr/local DESTDIR= (both honoured)
#   make bench        benchmarks (see docs/performance.md)
#   make reliability  valgrind, tsan, coverage and fuzz (docs/reliability.md)

VERSION_MAJOR := 0
VERSION_MINOR := 1
VERSION_PATCH := 0
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CC ?= cc
CXX ?= c++
CFLAGS ?= -O2 -g
LDFLAGS ?=

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings \
    -Wvla -Wformat=2 -Wundef -Wnull-dereference -Wdouble-promotion
ifeq ($(CI),true)
WARNINGS += -Werror
endif

BASE_CFLAGS := -std=c11 $(WARNINGS) -D_POSIX_C_SOURCE=200809L \
    -Iinclude -Ilib
LIB_CFLAGS := $(BASE_CFLAGS) -fPIC -fvisibility=hidden
LIBS := -lcjson -lpthread -lm
TEST_LIBS := -lcmocka $(LIBS)

SAN_FLAGS := -O1 -g -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all

B := build
SONAME := libworkers.so.$(VERSION_MAJOR)
SHARED := $(B)/libworkers.so.$(VERSION)
STATIC := $(B)/libworkers.a

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:lib/%.c=$(B)/obj/%.o)
SAN_OBJ := $(LIB_SRC:lib/%.c=$(B)/san/obj/%.o)
HEADERS := $(wildcard include/*.h include/libworkers/*.h)
INT_HEADERS := $(wildcard lib/*.h)

TEST_SRC := $(sort $(wildcard test/test_*.c))
TEST_BIN := $(TEST_SRC:test/%.c=$(B)/test/%)
SAN_TEST_BIN := $(TEST_SRC:test/%.c=$(B)/san/test/%)
TEST_SUPPORT := $(wildcard test/support/*.c)

.PHONY: all lib deps check test test-san api-check lint run examples \
    run-server examples-check \
    install uninstall bench bench-check bench-baseline clean fuzz \
    valgrind tsan coverage deps-coverage reliability

all: lib

lib: $(SHARED) $(B)/libworkers.so $(STATIC)

# ---- dependencies ------------------------------------------------------
# cJSON and cmocka come from Debian, and so do what the examples need:
# libmicrohttpd, Python with Twilio's SDK, Node.js and npm (Twilio's Node
# SDK itself comes from npm, pinned by examples/sdk/node/package-lock.json).
# When something is missing, install it (through sudo when not root) or
# say the one command to run.

DEB_PACKAGES := libcjson-dev libcmocka-dev pkg-config libmicrohttpd-dev \
    python3 python3-twilio nodejs npm

deps:
	@missing=""; \
	[ -f /usr/include/cjson/cJSON.h ] || missing="$$missing libcjson-dev"; \
	[ -f /usr/include/cmocka.h ] || missing="$$missing libcmocka-dev"; \
	command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	[ -f /usr/include/microhttpd.h ] || \
	    missing="$$missing libmicrohttpd-dev"; \
	[ -x /usr/bin/python3 ] || missing="$$missing python3"; \
	/usr/bin/python3 -c 'import twilio' 2>/dev/null || \
	    missing="$$missing python3-twilio"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	[ -z "$$missing" ] && exit 0; \
	echo "libworkers: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "run: apt-get install -y$$missing"; exit 1; fi; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    $$missing >/dev/null || \
	{ echo "run: sudo apt-get install -y$$missing"; exit 1; }

# ---- library -------------------------------------------------------------

$(B)/obj/%.o: lib/%.c $(HEADERS) $(INT_HEADERS) | deps
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(CFLAGS) -c $< -o $@

$(B)/san/obj/%.o: lib/%.c $(HEADERS) $(INT_HEADERS) | deps
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
	    $(LDFLAGS) -o $@ $(LIB_OBJ) $(LIBS)

$(B)/libworkers.so: $(SHARED)
	ln -sf libworkers.so.$(VERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $@

$(STATIC): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(B)/san/libworkers.a: $(SAN_OBJ)
	rm -f $@
	ar rcs $@ $(SAN_OBJ)

# ---- tests -----------------------------------------------------------------
# Each test/test_*.c is one cmocka program linked with the static library
# (so internal lw__ functions are reachable) and test/support/*.c.

$(B)/test/%: test/%.c $(TEST_SUPPORT) $(STATIC) $(wildcard test/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -Itest -Itest/support -o $@ $< $(TEST_SUPPORT) \
	    $(STATIC) $(TEST_LIBS)

$(B)/san/test/%: test/%.c $(TEST_SUPPORT) $(B)/san/libworkers.a \
    $(wildcard test/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) -Itest -Itest/support -o $@ $< $(TEST_SUPPORT) \
	    $(B)/san/libworkers.a $(TEST_LIBS)

test: $(TEST_BIN)
	@sh test/run-tests.sh $(TEST_BIN)

test-san: $(SAN_TEST_BIN)
	@echo "== again under AddressSanitizer + UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh test/run-tests.sh $(SAN_TEST_BIN)

# The public API as built: exported symbols, headers as C++, install.
api-check: lib
	@sh test/check-symbols.sh $(SHARED)
	@mkdir -p $(B)/test
	@$(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude \
	    -o $(B)/test/cxx-headers test/cxx_headers.cpp $(STATIC) $(LIBS) \
	    && $(B)/test/cxx-headers
	@sh test/check-install.sh

# The examples run after the library's tests and before the sanitizer
# run, so that check still ends with the sanitizer run's summary.
check: deps lint api-check test
	@$(MAKE) --no-print-directory examples-check
	@$(MAKE) --no-print-directory test-san

# ---- lint --------------------------------------------------------------------
# No line over 80 columns and no tab in C sources and headers; nothing in
# lib/ that prints.

LINT_FILES := $(wildcard lib/*.[ch] include/*.h include/libworkers/*.h \
    test/*.[ch] test/*.cpp test/support/*.[ch] test/fuzz/*.c \
    test/bench/*.c examples/*/*.[ch] examples/*/*.cpp)

lint:
	@fail=0; \
	for f in $(LINT_FILES); do \
	  awk -v f="$$f" 'length($$0) > 80 { \
	      printf "%s:%d: line over 80 columns\n", f, NR; bad=1 } \
	    /\t/ { printf "%s:%d: tab\n", f, NR; bad=1 } \
	    END { exit bad }' "$$f" || fail=1; \
	done; \
	if grep -nE '\b(printf|puts|putchar|fprintf|fputs|perror|write)[ ]*\(' \
	    lib/*.c lib/*.h; then \
	  echo "lint: lib/ must not print"; fail=1; fi; \
	if grep -nE '\b(stdout|stderr)\b' lib/*.c lib/*.h; then \
	  echo "lint: lib/ must not touch stdout or stderr"; fail=1; fi; \
	[ $$fail = 0 ] && echo "lint: ok"; exit $$fail

# ---- benchmarks ------------------------------------------------------------
# make bench: the expression scan inside the shared peer harness (C and the
# JavaScript engines in the same rounds), scaling to 100,000 workers, and
# the store operations; one table at the end (docs/performance.md).
# make bench-check: instruction count of a fixed workload under callgrind
# against test/bench/baseline.txt; fails on a rise over 10%.

SHARED_BENCH ?= ../shared/bench
BENCH_CFLAGS := $(BASE_CFLAGS) -O2 -g -Itest/bench \
    -DBENCH_COMMIT='"$(shell git rev-parse --short HEAD 2>/dev/null)"'
BENCH_UTIL := test/bench/bench_util.c test/bench/bench_util.h

$(B)/bench/%: test/bench/%.c $(BENCH_UTIL) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $< test/bench/bench_util.c $(STATIC) $(LIBS)

bench: $(B)/bench/bench_scan $(B)/bench/bench_store
	@sh test/bench/run.sh $(SHARED_BENCH)

bench-check: $(B)/bench/bench_fixed
	@sh test/bench/check.sh $(B)/bench/bench_fixed test/bench/baseline.txt

bench-baseline: $(B)/bench/bench_fixed
	@sh test/bench/check.sh $(B)/bench/bench_fixed test/bench/baseline.txt \
	    --update

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer harnesses (test/fuzz/fuzz_*.c) built with clang under ASan and
# UBSan; each runs FUZZ_SECONDS with its seed corpus and dictionary.  New
# inputs go to build/fuzz/corpus, never into the repository.

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
# -Wno-error: clang warns about a few things gcc does not; the gcc build
# of make check is the one that gates warnings.
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all -Wno-error
FUZZ_SRC := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJ := $(LIB_SRC:lib/%.c=$(B)/fuzz/obj/%.o)

# Keep the instrumented objects between runs (make would delete them as
# intermediate files).
.SECONDARY: $(FUZZ_OBJ)

$(B)/fuzz/obj/%.o: lib/%.c $(HEADERS) $(INT_HEADERS) | deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(LIB_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
	    -c $< -o $@

$(B)/fuzz/%: test/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_OBJ) $(LIBS)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  name=$${f##*/fuzz_}; \
	  mkdir -p $(B)/fuzz/corpus/$$name; \
	  dict=""; [ -f test/fuzz/$$name.dict ] && \
	      dict="-dict=test/fuzz/$$name.dict"; \
	  echo "== fuzz $$name for $(FUZZ_SECONDS)s"; \
	  $$f $$dict -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	      -artifact_prefix=$(B)/fuzz/$$name- \
	      $(B)/fuzz/corpus/$$name test/fuzz/corpus/$$name \
	      2> $(B)/fuzz/$$name.log || \
	      { tail -40 $(B)/fuzz/$$name.log; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|Done' $(B)/fuzz/$$name.log; \
	done

# ---- reliability -----------------------------------------------------------
# valgrind: every test program (built without sanitizers) under memcheck.
# tsan: the threaded tests, library included, under ThreadSanitizer.
# coverage: every test against a --coverage build of lib/, reported by
# gcovr; fails below COVERAGE_LINES / COVERAGE_BRANCHES (percent) overall
# or below COVERAGE_EXPR_BRANCHES / COVERAGE_STORE_BRANCHES in lib/expr_*
# and lib/store*.
# reliability: all three, then every fuzz harness for FUZZ_SECONDS.

VALGRIND ?= valgrind
VALGRIND_FLAGS := --error-exitcode=1 --leak-check=full --track-origins=yes \
    --errors-for-leak-kinds=definite,indirect,possible --quiet

valgrind: $(TEST_BIN)
	@command -v $(VALGRIND) >/dev/null || \
	    { echo "run: apt-get install -y valgrind"; exit 1; }
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== valgrind $$t"; \
	  $(VALGRIND) $(VALGRIND_FLAGS) $$t > $$t.valgrind.log 2>&1 || \
	      { tail -60 $$t.valgrind.log; echo "FAILED: $$t"; fail=1; }; \
	  grep -E '^\[  (PASSED|FAILED) ' $$t.valgrind.log; \
	done; exit $$fail

TSAN_CC ?= $(CC)
TSAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS := $(shell grep -l pthread_create test/test_*.c)
TSAN_OBJ := $(LIB_SRC:lib/%.c=$(B)/tsan/obj/%.o)
TSAN_BIN := $(TSAN_TESTS:test/%.c=$(B)/tsan/test/%)

$(B)/tsan/obj/%.o: lib/%.c $(HEADERS) $(INT_HEADERS) | deps
	@mkdir -p $(@D)
	$(TSAN_CC) $(LIB_CFLAGS) $(TSAN_FLAGS) -c $< -o $@

$(B)/tsan/libworkers.a: $(TSAN_OBJ)
	rm -f $@
	ar rcs $@ $(TSAN_OBJ)

$(B)/tsan/test/%: test/%.c $(TEST_SUPPORT) $(B)/tsan/libworkers.a \
    $(wildcard test/*.h)
	@mkdir -p $(@D)
	$(TSAN_CC) $(BASE_CFLAGS) $(TSAN_FLAGS) -Itest -Itest/support -o $@ \
	    $< $(TEST_SUPPORT) $(B)/tsan/libworkers.a $(TEST_LIBS)

tsan: $(TSAN_BIN)
	@echo "== the threaded tests under ThreadSanitizer"
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	 sh test/run-tests.sh $(TSAN_BIN)

COVERAGE_LINES ?= 98
COVERAGE_BRANCHES ?= 95
COVERAGE_EXPR_BRANCHES ?= 100
COVERAGE_STORE_BRANCHES ?= 100
# -O1: the evaluator's always-inline tests are folded per instruction code
# as in the real build; at -O0 every inlined copy would keep every case.
# Atomic counters: the threaded tests update them from several threads.
COV_FLAGS := -O1 -g --coverage -fprofile-update=atomic
COV_OBJ := $(LIB_SRC:lib/%.c=$(B)/cov/obj/%.o)
COV_BIN := $(TEST_SRC:test/%.c=$(B)/cov/test/%)

deps-coverage:
	@command -v gcovr >/dev/null && exit 0; \
	echo "libworkers: installing gcovr"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "run: apt-get install -y gcovr"; exit 1; fi; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    gcovr >/dev/null || \
	{ echo "run: sudo apt-get install -y gcovr"; exit 1; }

$(B)/cov/obj/%.o: lib/%.c $(HEADERS) $(INT_HEADERS) | deps
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(COV_FLAGS) -c $< -o $@

$(B)/cov/libworkers.a: $(COV_OBJ)
	rm -f $@
	ar rcs $@ $(COV_OBJ)

$(B)/cov/test/%: test/%.c $(TEST_SUPPORT) $(B)/cov/libworkers.a \
    $(wildcard test/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(COV_FLAGS) -Itest -Itest/support -o $@ $< \
	    $(TEST_SUPPORT) $(B)/cov/libworkers.a $(TEST_LIBS)

coverage: deps-coverage $(COV_BIN)
	@find $(B)/cov -name '*.gcda' -delete
	@sh test/run-tests.sh $(COV_BIN) > $(B)/cov/tests.log 2>&1 || \
	    { tail -40 $(B)/cov/tests.log; exit 1; }
	@gcovr -r . --object-directory $(B)/cov/obj -f 'lib/' \
	    --exclude-unreachable-branches --txt $(B)/cov/report.txt \
	    --csv $(B)/cov/files.csv --print-summary > $(B)/cov/summary.txt
	@cat $(B)/cov/report.txt
	@sh test/check-coverage.sh $(B)/cov/summary.txt $(B)/cov/files.csv \
	    $(COVERAGE_LINES) $(COVERAGE_BRANCHES) \
	    $(COVERAGE_EXPR_BRANCHES) $(COVERAGE_STORE_BRANCHES)

reliability:
	$(MAKE) valgrind
	$(MAKE) tsan
	$(MAKE) coverage
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# ---- examples ------------------------------------------------------------------
# The quickstart (make run), workers-server on libmicrohttpd (make
# run-server), a C++ program, and examples-check: the server under
# Twilio's Python and Node SDKs plus the ctypes binding's tests.

EXAMPLE_CFLAGS := $(BASE_CFLAGS) $(CFLAGS)
MHD_CFLAGS = $(shell pkg-config --cflags libmicrohttpd)
MHD_LIBS = $(shell pkg-config --libs libmicrohttpd)
SERVER_SRC := $(wildcard examples/server/*.c)
CPP_SRC := $(wildcard examples/cpp/*.cpp)
PYTHON := /usr/bin/python3
SERVER_ARGS ?=
NODE_DIR := examples/sdk/node

$(B)/examples/quickstart: examples/quickstart/quickstart.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< $(STATIC) $(LIBS)

$(B)/examples/workers-server: $(SERVER_SRC) examples/server/server.h \
    $(STATIC) | deps
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -D_DEFAULT_SOURCE $(MHD_CFLAGS) -o $@ \
	    $(SERVER_SRC) $(STATIC) $(MHD_LIBS) $(LIBS)

$(B)/examples/cpp-tour: $(CPP_SRC) $(HEADERS) $(STATIC)
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -Wall -Wextra -Wpedantic -Iinclude $(CFLAGS) -o $@ \
	    $(CPP_SRC) $(STATIC) $(LIBS)

$(NODE_DIR)/node_modules/.package-lock.json: $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

examples: $(B)/examples/quickstart $(B)/examples/workers-server \
    $(B)/examples/cpp-tour $(SHARED) $(B)/libworkers.so

run: $(B)/examples/quickstart
	@$(B)/examples/quickstart

run-server: $(B)/examples/workers-server
	$(B)/examples/workers-server $(SERVER_ARGS)

examples-check: examples $(NODE_DIR)/node_modules/.package-lock.json
	@$(PYTHON) examples/server/test_server.py $(B)/examples/workers-server
	@$(B)/examples/quickstart > /dev/null && echo "quickstart: ok"
	@$(B)/examples/cpp-tour > /dev/null && echo "cpp-tour: ok"
	@LIBWORKERS_PATH=$(B)/$(SONAME) $(PYTHON) examples/python/test_libworkers.py
	@$(PYTHON) examples/sdk/python/sdk_check.py $(B)/examples/workers-server
	@node $(NODE_DIR)/sdk_check.js $(B)/examples/workers-server

# ---- install -----------------------------------------------------------------

$(B)/libworkers.pc: pkgconfig/libworkers.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    $< > $@

install: lib $(B)/libworkers.pc
	install -d $(DESTDIR)$(INCLUDEDIR)/libworkers $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/libworkers.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/libworkers/*.h $(DESTDIR)$(INCLUDEDIR)/libworkers/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libworkers.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libworkers.so
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(B)/libworkers.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/libworkers.h
	rm -rf $(DESTDIR)$(INCLUDEDIR)/libworkers
	rm -f $(DESTDIR)$(LIBDIR)/libworkers.so.$(VERSION) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libworkers.so \
	    $(DESTDIR)$(LIBDIR)/libworkers.a \
	    $(DESTDIR)$(PKGCONFIGDIR)/libworkers.pc

clean:
	rm -rf $(B)
