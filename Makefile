# Shortcuts for the two commands in README.md.
.PHONY: run test
run:
	./scripts/run.sh
test:
	./scripts/test.sh
