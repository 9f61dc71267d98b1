#!/bin/sh
# run: `make run`. Creates a local test instance in DIR on first run (reused after),
# then serves it on 127.0.0.1:8080 in the foreground until Ctrl-C.
set -eu
sava=$1
dir=$2
if [ ! -f "$dir/sava.conf" ]; then
	echo "Creating a local test instance in $dir/ (cheap keys: for trying sava out, not for real people)."
	"$sava" init --insecure-fast-kdf "$dir"
	# A first coordinator (who also administers), so that someone can log in at once.
	link=$("$sava" invite "$dir" --role coordinator --role admin)
	echo
	echo "To become the first coordinator, open this one-time link within 72 hours:"
	echo "  http://127.0.0.1:8080/en$link"
	echo "(You will need an authenticator app for the six-digit codes.)"
fi
echo
echo "sava is starting. Open http://127.0.0.1:8080/ in a browser; stop it with Ctrl-C."
echo
exec "$sava" serve "$dir"
