# nocblog: read README.md.  `make site` and `make check` are all a newcomer needs.

CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
CFLAGS     ?= -O2 -g
ASAN_FLAGS ?= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Debian packages the build, the tests and the sample site need.
DEBS = gcc make pkg-config git tzdata python3 tidy \
       libgit2-dev libcmark-dev libxml2-dev libyaml-dev libjansson-dev libcurl4-openssl-dev libssl-dev \
       libcmocka-dev libxml2-utils libical-dev sfeed python3-feedparser python3-icalendar python3-jsonschema python3-aiosmtpd chromium nginx curl groff valgrind \
       clang libclang-rt-14-dev

PKGS = libgit2 libcmark libxml-2.0 yaml-0.1 libical jansson libcurl libcrypto

# recursive (=): pkg-config is asked when a recipe runs, after `deps`
NB_CFLAGS = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
            -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers -pthread \
            $(shell $(PKG_CONFIG) --cflags $(PKGS))
NB_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -pthread
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

LIB_SRC = buf util diag map tz stamp yml site notice repo content store noticecache history versions treediff walk histcache dating model text avail feed notify api badge json scaffold hooks publish xml render tmpl theme build histview import import_cstate import_statuspage
TESTS   = test_build test_stamp test_notice test_site test_check test_history test_stamptable test_mustache test_pages test_feeds test_api test_avail test_notify test_publish test_faults test_escape test_hostile test_e2e test_import

LIB_OBJ      = $(LIB_SRC:%=build/%.o)
ASAN_LIB_OBJ = $(LIB_SRC:%=build/asan/%.o)
TEST_BIN      = $(TESTS:%=build/tests/%)
ASAN_TEST_BIN = $(TESTS:%=build/asan/tests/%)

.PHONY: all deps site check test asan test-asan valgrind-check fuzz-build fuzz fuzz-check clean vnu consumers install bench
.DELETE_ON_ERROR:

all: nocblog

nocblog: build/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(NB_LIBS)

build/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

build/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CFLAGS) -Isrc -MMD -MP -c -o $@ $<

build/tests/%: build/tests/%.o build/tests/fixture.o $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(NB_LIBS) $(TEST_LIBS)

build/asan/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(ASAN_FLAGS) -MMD -MP -c -o $@ $<

build/asan/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(ASAN_FLAGS) -Isrc -MMD -MP -c -o $@ $<

build/asan/tests/%: build/asan/tests/%.o build/asan/tests/fixture.o $(ASAN_LIB_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(NB_LIBS) $(TEST_LIBS)

build/asan/nocblog: build/asan/main.o $(ASAN_LIB_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(NB_LIBS)

# libFuzzer targets (tests/fuzz/fuzz_NAME.c), with the library built by clang
# with coverage and sanitizers.
FUZZ_CC      ?= clang
FUZZ_FLAGS   ?= $(ASAN_FLAGS)
FUZZ_TIME    ?= 300
FUZZ_TARGETS  = notice stamp site tmpl feed import
FUZZ_LIB_OBJ  = $(LIB_SRC:%=build/fuzz/%.o)
FUZZ_BIN      = $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

build/fuzz/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(NB_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/tests/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(NB_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Isrc -Itests -MMD -MP -c -o $@ $<

build/fuzz/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(NB_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -Isrc -MMD -MP -c -o $@ $<

# the Mustache tests and fuzz target share their YAML-to-data reader
build/tests/test_mustache: build/tests/tmpldata.o
build/asan/tests/test_mustache: build/asan/tests/tmpldata.o
build/fuzz/fuzz_tmpl: build/fuzz/tests/tmpldata.o

build/fuzz/fuzz_%: build/fuzz/tests/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(NB_LIBS)

.SECONDARY:

# Installs missing Debian packages when root; otherwise prints the command.
deps:
	@missing=$$(for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done | tr '\n' ' '); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "nocblog needs these Debian packages; install them with:"; \
		echo "  sudo apt-get install $$missing"; \
		exit 1; \
	fi

# Installs what is missing, builds, and renders content/ into out/.
site: deps
	$(MAKE) nocblog
	./nocblog build

# The Nu HTML checker, where Java and npm are at hand; tests use it if it is there.
VNU_VERSION = 26.9.27
VNU_JAR = build/vnu/node_modules/vnu-jar/build/dist/vnu.jar

vnu:
	@if [ ! -f $(VNU_JAR) ] && command -v java >/dev/null && command -v npm >/dev/null; then \
		mkdir -p build/vnu && npm install --silent --no-audit --no-fund --ignore-scripts --prefix build/vnu \
			vnu-jar@$(VNU_VERSION) >/dev/null 2>&1 || echo "vnu-jar not installed: pages are checked with tidy only"; \
	fi

# Third-party readers and checkers, where npm is at hand: Statuspage's own
# status widget (run in Chromium against the API), the JSON Feed 1.1 schema
# of the jsonfeed-schema package, and axe-core (accessibility, in Chromium).
WIDGET_VERSION = 1.0.5
JSONFEED_SCHEMA_VERSION = 0.5.0
AXE_VERSION = 4.14.1
NPM_DIR = build/npm
WIDGET_JS = $(NPM_DIR)/node_modules/@statuspage/status-widget/dist/index.js
JSONFEED_SCHEMA = $(NPM_DIR)/node_modules/jsonfeed-schema/schema-v1.1.json
AXE_JS = $(NPM_DIR)/node_modules/axe-core/axe.min.js

consumers:
	@if { [ ! -f $(WIDGET_JS) ] || [ ! -f $(JSONFEED_SCHEMA) ] || [ ! -f $(AXE_JS) ]; } && command -v npm >/dev/null; then \
		mkdir -p $(NPM_DIR) && npm install --silent --no-audit --no-fund --ignore-scripts --prefix $(NPM_DIR) \
			@statuspage/status-widget@$(WIDGET_VERSION) jsonfeed-schema@$(JSONFEED_SCHEMA_VERSION) \
			axe-core@$(AXE_VERSION) \
			>/dev/null 2>&1 || echo "npm could not install the widget, schema and axe: the tests say what they skip"; \
	fi

TEST_ENV = NOCBLOG_VNU=$(if $(wildcard $(VNU_JAR)),$(CURDIR)/$(VNU_JAR),) \
	   NOCBLOG_WIDGET=$(if $(wildcard $(WIDGET_JS)),$(CURDIR)/$(WIDGET_JS),) \
	   NOCBLOG_JSONFEED_SCHEMA=$(if $(wildcard $(JSONFEED_SCHEMA)),$(CURDIR)/$(JSONFEED_SCHEMA),) \
	   NOCBLOG_AXE=$(if $(wildcard $(AXE_JS)),$(CURDIR)/$(AXE_JS),)

test: nocblog $(TEST_BIN) vnu consumers
	NOCBLOG=$(CURDIR)/nocblog $(TEST_ENV) tests/run.sh $(TEST_BIN)

asan: build/asan/nocblog $(ASAN_TEST_BIN)

test-asan: asan vnu consumers
	NOCBLOG=$(CURDIR)/build/asan/nocblog ASAN_OPTIONS=detect_leaks=1 $(TEST_ENV) \
	UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh $(ASAN_TEST_BIN)

# The plain binary under valgrind's memcheck, over the sample site: no
# memory error, and nothing left allocated at exit.
valgrind-check: nocblog
	tests/valgrind.sh $(CURDIR)/nocblog

fuzz-build: $(FUZZ_BIN)

# Each fuzz target for FUZZ_TIME seconds, one at a time; new inputs go to
# build/fuzz/corpus/, crashes to build/fuzz/crashes/ (see tests/fuzz/run.sh).
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

# The committed seeds and every crash ever found, replayed, then 20 s of
# fuzzing per target.
fuzz-check: fuzz-build
	tests/fuzz/run.sh 20 $(FUZZ_TARGETS)

# The whole suite: unit and command tests, then all of them again under
# AddressSanitizer and UndefinedBehaviorSanitizer, then valgrind, then the
# fuzz targets.
check: deps
	$(MAKE) test
	$(MAKE) test-asan
	$(MAKE) valgrind-check
	$(MAKE) fuzz-check

# The binary, the default theme (found by the binary under PREFIX/share) and
# the manual page.
THEME_DIR = $(DESTDIR)$(PREFIX)/share/nocblog/themes/default

install: nocblog
	install -d $(DESTDIR)$(PREFIX)/bin $(THEME_DIR)/templates $(THEME_DIR)/static \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 nocblog $(DESTDIR)$(PREFIX)/bin/nocblog
	install -m 644 themes/default/templates/*.mustache $(THEME_DIR)/templates/
	install -m 644 themes/default/static/* $(THEME_DIR)/static/
	install -m 644 doc/nocblog.1 $(DESTDIR)$(PREFIX)/share/man/man1/nocblog.1

# Speed against git log and Hugo on generated histories (minutes; not in check).
bench: nocblog
	bench/run.sh

clean:
	rm -rf build nocblog

-include $(wildcard build/*.d build/tests/*.d build/asan/*.d build/asan/tests/*.d \
                   build/fuzz/*.d build/fuzz/tests/*.d)
