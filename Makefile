# AidLedger — two commands do everything on a fresh Debian machine with Swift:
#   make run    install what is missing, build, create a demo ledger when none exists, run the counter service
#   make test   install what the tests need, build, run every test

SWIFT ?= swift
DATA ?= ./aidledger-data
BIN = .build/debug/aidledger
APT_PACKAGES = liblmdb-dev lmdb-utils pkg-config libssl-dev
TEST_APT_PACKAGES = hledger chromium chromium-driver python3-selenium

.PHONY: run balances test build deps test-deps demo clean

## Installs Debian's LMDB (and its tools) and libcrypto when missing; needs root or sudo.
deps:
	@if ! pkg-config --exists lmdb libcrypto 2>/dev/null || ! command -v mdb_stat >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

build: deps
	$(SWIFT) build

demo: build
	@$(BIN) demo --data $(DATA)

HOST ?= 127.0.0.1
PORT ?= 8080

## The main job: the counter service on the demo ledger (the page at /, the API under /api).
## The first run prints an admin token once; make more with `aidledger token create`.
run: demo
	@$(BIN) serve --data $(DATA) --host $(HOST) --port $(PORT) --first-admin-token

## The demo's balances and chain, without the server.
balances: demo
	@$(BIN) balance donor --data $(DATA)
	@$(BIN) balance campaign --data $(DATA)
	@$(BIN) balance site --data $(DATA)
	@$(BIN) verify --data $(DATA)

## What the tests need beyond the build: hledger for the accountant's cross-check, Chromium and Selenium for the page.
test-deps: deps
	@if ! command -v hledger >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! /usr/bin/python3 -c "import selenium" 2>/dev/null; then \
		echo "installing $(TEST_APT_PACKAGES)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(TEST_APT_PACKAGES) >/dev/null; \
	fi

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(DATA)
