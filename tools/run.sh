#!/bin/sh
# run: `make run`. Creates a local test instance in DIR on first run (reused after),
# then serves it on 127.0.0.1:8080 in the foreground until Ctrl-C.
set -eu
sava=$1
dir=$2
if [ ! -f "$dir/sava.conf" ]; then
	echo "Creating a local test instance in $dir/ (cheap keys: for trying sava out, not for real people)."
	"$sava" init --insecure-fast-kdf "$dir"
fi
echo
echo "sava is starting. Open http://127.0.0.1:8080/ in a browser; stop it with Ctrl-C."
echo
exec "$sava" serve "$dir"
