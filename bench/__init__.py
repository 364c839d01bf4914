"""carsat-pilot's benchmark (issue 7): `python -m bench` prints a table of the five
measures — journey overhead against a straight Playwright script, start-up, human
effort, politeness while waiting for the RIS, memory — and writes it to
bench/results/latest.json and bench/results/latest.md. See bench/README.md."""
