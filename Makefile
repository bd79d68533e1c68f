# The Makefile is the interface: run, test, build, generate, verify, lint, bench.
GO        ?= go
BIN       := bin/stepstudio
GOFILES   := $(shell find . -name '*.go' -not -path './node_modules/*')
# Browser tests drive Debian's chromium through playwright-core.
CHROMIUM  ?= /usr/bin/chromium

.PHONY: run test build generate verify lint bench go-test js-test browser-test clean

## run: start the studio on http://127.0.0.1:8080 with its SQLite file in ./data
run:
	$(GO) run ./cmd/stepstudio serve

## build: the binary, in bin/stepstudio
build: $(BIN)

$(BIN): $(GOFILES) go.mod go.sum $(wildcard static/dist/*) $(wildcard store/migrations/*.sql)
	$(GO) build -o $(BIN) ./cmd/stepstudio

## test: lint, check generated files are fresh, Go tests, browser-code unit tests, then the browser tests
test: lint verify go-test js-test browser-test

go-test:
	$(GO) test ./...

js-test: node_modules/.installed
	npm run --silent test:unit

browser-test: $(BIN) node_modules/.installed
	STEPSTUDIO_BIN=$(abspath $(BIN)) CHROMIUM=$(CHROMIUM) npm run --silent test:browser

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## generate: templ components and the browser bundle
generate: node_modules/.installed
	$(GO) tool templ generate
	npm run --silent build

## verify: fail when generated files differ from what their sources produce
verify: generate
	@git diff --exit-code --stat -- views static/dist || \
		(echo "generated files are stale: run 'make generate' and commit the result" >&2; exit 1)
	@test -z "$$(git status --porcelain --untracked-files=all -- views static/dist)" || \
		(git status --porcelain -- views static/dist; echo "generated files are not committed: run 'make generate' and commit them" >&2; exit 1)

## lint: gofmt and go vet
lint:
	@test -z "$$(gofmt -l $(GOFILES))" || (gofmt -l $(GOFILES); echo "gofmt needed on the files above" >&2; exit 1)
	$(GO) vet ./...

## bench: the Go benchmarks, the execution page's live latency (headless Chromium), jsonata.js on
## Node on BenchmarkJSONataField's expressions, then the shared workloads (../shared/bench) when
## they are there, each followed by its JSONata conversion
SHARED_BENCH ?= ../shared/bench/workloads
bench: $(BIN) node_modules/.installed
	$(GO) test -run '^$$' -bench . -benchmem ./...
	STEPSTUDIO_BIN=$(abspath $(BIN)) CHROMIUM=$(CHROMIUM) node static/e2e/bench-latency.mjs
	node runtime/testdata/jsonata-node-bench.mjs
	@if [ -d $(SHARED_BENCH) ]; then $(BIN) bench --runs 15 --warmup 3 --jsonata --json bin/bench.json $(SHARED_BENCH) && \
		$(BIN) bench --runs 7 --warmup 2 --durable --json bin/bench-durable.json $(SHARED_BENCH); \
	else echo "no $(SHARED_BENCH): workload benchmarks skipped"; fi

clean:
	rm -rf bin
