# AidLedger — two commands do everything on a fresh Debian machine with Swift:
#   make run    install what is missing, build, create a demo ledger when none exists, run the main job
#   make test   install what the tests need, build, run every test

SWIFT ?= swift
DATA ?= ./aidledger-data
BIN = .build/debug/aidledger
APT_PACKAGES = liblmdb-dev lmdb-utils pkg-config
TEST_APT_PACKAGES = hledger

.PHONY: run test build deps test-deps demo clean

## Installs Debian's LMDB (and its tools) when missing; needs root or sudo.
deps:
	@if ! pkg-config --exists lmdb 2>/dev/null || ! command -v mdb_stat >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

build: deps
	$(SWIFT) build

demo: build
	@$(BIN) demo --data $(DATA)

## The main job. Until the counter service exists it prints the demo ledger's balances and checks its chain.
run: demo
	@echo
	@$(BIN) balance donor --data $(DATA)
	@echo
	@$(BIN) balance campaign --data $(DATA)
	@echo
	@$(BIN) balance site --data $(DATA)
	@echo
	@$(BIN) verify --data $(DATA)

## What the tests need beyond the build: hledger for the accountant's cross-check.
test-deps: deps
	@if ! command -v hledger >/dev/null 2>&1; then \
		echo "installing $(TEST_APT_PACKAGES)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(TEST_APT_PACKAGES) >/dev/null; \
	fi

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build $(DATA)
