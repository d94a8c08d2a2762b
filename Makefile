.PHONY: test bench

# test is the project's test command; CI runs exactly this.
test:
	./scripts/test.sh

# bench runs the benchmarks of the XML and stanza layers.
bench:
	go test -run='^$$' -bench=. -benchmem ./internal/xmlscan ./stanza ./jid
