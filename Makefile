# sava: one executable, build/sava. `make run` and `make check` are the two commands a
# newcomer needs (README). SANITIZE=1 builds with AddressSanitizer + UBSan into BUILD.
BUILD    ?= build
SANITIZE ?= 0
PKGS     := libmicrohttpd libsodium sqlite3 md4c-html inih libqrencode nettle libseccomp
LANGS    := en ru be

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
          -Wvla -Wno-missing-field-initializers
HARDEN := -fstack-protector-strong -fPIE
ifeq ($(SANITIZE),1)
OPT    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN  := -fsanitize=address,undefined
else
OPT    := -O2 -g -D_FORTIFY_SOURCE=2
LDSAN  :=
endif
# Lazy (=) so that pkg-config runs only once the dependencies are installed.
CFLAGS  = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(HARDEN) -Isrc $(shell pkg-config --cflags $(PKGS))
LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDSAN)
LIBS    = $(shell pkg-config --libs $(PKGS)) -lunistring -lpthread

SRC      := $(sort $(wildcard src/*/*.c))
OBJ      := $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
MO       := $(LANGS:%=$(BUILD)/mo/%.mo)
EMBEDDED := $(sort $(wildcard templates/*.html)) static/sava.css $(sort $(wildcard content/*/*.md))
UNITS    := $(patsubst tests/unit/test_%.c,$(BUILD)/tests/test_%,$(wildcard tests/unit/test_*.c))
FUZZERS  := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
REPLAYS  := $(FUZZERS:%=$(BUILD)/fuzz/replay_%)

.PHONY: all deps run check check-one tests fuzz clean screenshots
all: $(BUILD)/sava

$(BUILD)/sava: $(OBJ) $(BUILD)/obj/src/main.o
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: %.c $(wildcard src/*/*.h) | $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	@cc -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/mo/%.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $<"
	@msgfmt --check -o $@ $<

$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(EMBEDDED) $(MO)
	@mkdir -p $(dir $@)
	@echo "  EMBED   $@"
	@$(BUILD)/tools/embed $@ $(foreach f,$(EMBEDDED),$(f)=$(f)) $(foreach l,$(LANGS),mo/$(l).mo=$(BUILD)/mo/$(l).mo)

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/check.h $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(OBJ) $(LIBS)

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< fuzz/replay.c $(OBJ) $(LIBS)

tests: $(BUILD)/sava $(UNITS) $(REPLAYS)

# Installs what is missing (as root), then builds.
deps:
	@sh tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@sh tools/run.sh $(BUILD)/sava var

# Every test, then every test again under ASan + UBSan; the last line sums both passes
# (a pass that fails, or does not even build, still lets the other run, and counts).
check: deps
	@mkdir -p build && rm -f build/check-counts
	@$(MAKE) --no-print-directory BUILD=build SANITIZE=0 check-one || true
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 check-one || true
	@sh tools/check.sh --summary build/check-counts

check-one:
	@$(MAKE) --no-print-directory tests || { echo "0 1" >> build/check-counts; echo "== $(BUILD): build FAILED"; exit 1; }
	@sh tools/check.sh $(BUILD) build/check-counts

# The main pages in be, ru and en at 360 and 1280 px in headless chromium, into
# build/screenshots/, with axe-core's report (axe.txt); fails on any violation. Not part
# of `make check`. tools/screenshots/run.py says what it sets up.
screenshots: deps
	@$(MAKE) --no-print-directory all
	@sh tools/screenshots/install.sh $(BUILD)/screenshots-node
	@BUILD=$(BUILD) /usr/bin/python3 tools/screenshots/run.py

# Coverage-guided fuzzing with clang's libFuzzer: make fuzz FUZZ=urlenc SECONDS=60
# New inputs it finds land in build-fuzz/corpus-NAME; copy the interesting ones into
# fuzz/corpus/NAME so that `make check` replays them from then on.
FUZZ    ?= urlenc
SECONDS ?= 60
FUZZOPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT="$(FUZZOPT)" \
		build-fuzz/obj/gen/embedded.o $(SRC:%.c=build-fuzz/obj/%.o)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$(FUZZ) \
		fuzz/fuzz_$(FUZZ).c $(SRC:%.c=build-fuzz/obj/%.o) build-fuzz/obj/gen/embedded.o $(LIBS)
	@mkdir -p build-fuzz/corpus-$(FUZZ)
	build-fuzz/fuzz_$(FUZZ) -max_total_time=$(SECONDS) build-fuzz/corpus-$(FUZZ) fuzz/corpus/$(FUZZ)

clean:
	rm -rf build build-asan build-fuzz
