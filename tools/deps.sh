#!/bin/sh
# deps: installs the Debian packages sava builds, tests and benchmarks with, if any are
# missing. As root it runs apt-get; otherwise it prints the exact command and stops.
set -eu
PKGS="build-essential pkg-config gettext clang libclang-rt-14-dev
libmicrohttpd-dev libsodium-dev libsqlite3-dev libmd4c-dev libmd4c-html0-dev libinih-dev
libqrencode-dev nettle-dev libseccomp-dev libunistring-dev sqlite3 python3 python3-pytest python3-requests
ffmpeg bubblewrap poppler-utils fonts-dejavu-core libimage-exiftool-perl wrk nginx-light python3-nacl
chromium nodejs"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# npm (for `make screenshots`): Debian's package, unless a nodejs that brings its own is here
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "sava needs these Debian packages:$missing" >&2
	echo "Install them as root, then run make again:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
