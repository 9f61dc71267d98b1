#!/usr/bin/env bash
# bench/media_serve.sh: wrk against sava serving a published media file
# (GET /media/<slug>/<name>, issue 11) and against nginx serving the very same bytes
# from the same file (sendfile on), in one run, RUNS times, alternating who goes first.
# Prints each run and the medians of req/s and MB/s for both, with sava/nginx.
#
# Self-contained: builds sava if needed, creates a fresh TEST instance in a mktemp dir,
# writes a random file of SIZE_MB MiB into DIR/media/bench/clip.mp4, starts sava and
# nginx on free 127.0.0.1 ports, and on exit stops (by PID) everything it started and
# removes the temp dir. Only loopback; bounded in time: every wrk and every wait has a
# timeout.
#
# Knobs (environment):
#   SIZE_MB=50            the file's size, in MiB
#   CONNS=64              wrk -c (wrk always uses -t2)
#   DURATION=30s          wrk -d for each measured run
#   WARMUP=3s             one unmeasured wrk run per server, before the first run
#   RUNS=3                measured rounds (sava and nginx each once per round)
#   QUIET_PCT=10 QUIET_MAX=30   before each round, wait up to QUIET_MAX s for the CPU
#                         used by other processes to drop to QUIET_PCT % (shared machines)
#   SAVA_BIN=path         benchmark this sava binary instead of building build/sava
#   KEEP=1                keep the temp dir (logs, configs) instead of removing it
#
# Needs: make, curl, /usr/bin/wrk, /usr/sbin/nginx (as root: apt-get install -y wrk
# nginx-light curl). Run from anywhere:
#   bench/media_serve.sh
set -euo pipefail

SIZE_MB=${SIZE_MB:-50}
CONNS=${CONNS:-64}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-3s}
RUNS=${RUNS:-3}
QUIET_PCT=${QUIET_PCT:-10}
QUIET_MAX=${QUIET_MAX:-30}
WRK=${WRK:-/usr/bin/wrk}
NGINX=${NGINX:-/usr/sbin/nginx}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILT=${SAVA_BIN:-$ROOT/build/sava}

die() { echo "media_serve.sh: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

for t in curl "$WRK" "$NGINX" make timeout awk sha256sum; do
	command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (as root: apt-get install -y nginx-light wrk curl)"
done

if [ -n "${SAVA_BIN:-}" ]; then
	[ -x "$SAVA_BIN" ] || die "SAVA_BIN=$SAVA_BIN is not an executable"
elif [ ! -x "$BUILT" ] || ! make -C "$ROOT" -q >/dev/null 2>&1; then
	note "building sava"
	make -C "$ROOT" >/dev/null || die "make failed"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- temp dir and cleanup: every process this script started, by its PID ----
TMP=$(mktemp -d /tmp/sava-media-bench.XXXXXX)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 1 ]; then note "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SAVA="$TMP/sava"   # a private copy: a rebuild of build/ during the run cannot change it
cp "$BUILT" "$SAVA"
cd "$TMP"

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

wait_http() {   # URL: wait up to 10 s for a 200
	for _ in $(seq 100); do
		[ "$(curl -s -m 2 -o /dev/null -r 0-0 -w '%{http_code}' "$1" 2>/dev/null)" = 206 ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- sava, with the file published in its media folder ----
INST="$TMP/inst"
"$SAVA" init --insecure-fast-kdf "$INST" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "sava init failed"; }
mkdir -p "$INST/media/bench"
FILE="$INST/media/bench/clip.mp4"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/urandom >"$FILE"
WANT=$(sha256sum "$FILE" | cut -d' ' -f1)
BYTES=$(stat -c %s "$FILE")

SAVA_PORT=$(free_port)
"$SAVA" serve "$INST" --listen "127.0.0.1:$SAVA_PORT" 2>"$TMP/sava.stderr" >/dev/null &
SAVA_PID=$!
PIDS+=("$SAVA_PID")
SAVA_URL="http://127.0.0.1:$SAVA_PORT/media/bench/clip.mp4"
wait_http "$SAVA_URL" || { tail -5 "$TMP/sava.stderr" >&2; die "sava did not start"; }

# ---- nginx: the same file, through its own docroot (a hard link, so the very same inode) ----
NGINX_PREFIX="$TMP/nginx"
mkdir -p "$NGINX_PREFIX/html/media/bench" "$NGINX_PREFIX/logs"
ln "$FILE" "$NGINX_PREFIX/html/media/bench/clip.mp4"
# nginx workers run as nobody when started by root: let them read the file.
chmod 755 "$TMP" "$INST" "$INST/media" "$INST/media/bench" "$NGINX_PREFIX" "$NGINX_PREFIX/html" \
	"$NGINX_PREFIX/html/media" "$NGINX_PREFIX/html/media/bench"
chmod 644 "$FILE"
NGINX_PORT=$(free_port)
cat >"$NGINX_PREFIX/nginx.conf" <<EOF
# Written by bench/media_serve.sh. One worker per core, the usual production setting.
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile 8192;
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/error.log;
events { worker_connections 4096; }
http {
    types { video/mp4 mp4; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $NGINX_PREFIX/html;
    }
}
EOF
"$NGINX" -t -q -e "$NGINX_PREFIX/error.log" -c "$NGINX_PREFIX/nginx.conf" -p "$NGINX_PREFIX" ||
	die "nginx config test failed"
"$NGINX" -e "$NGINX_PREFIX/error.log" -c "$NGINX_PREFIX/nginx.conf" -p "$NGINX_PREFIX" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_URL="http://127.0.0.1:$NGINX_PORT/media/bench/clip.mp4"
wait_http "$NGINX_URL" || { cat "$NGINX_PREFIX/error.log" >&2; die "nginx did not start"; }

for url in "$SAVA_URL" "$NGINX_URL"; do
	got=$(curl -sf -m 60 "$url" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$WANT" ] || die "$url does not serve the file's bytes"
done

# ---- wrk ----
secs() { case "$1" in *ms) echo $(( ${1%ms} / 1000 ));; *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
run_wrk() {   # URL DURATION OUTFILE; killed if it runs 60 s past DURATION
	timeout -k 5 "$(( $(secs "$2") + 60 ))" "$WRK" -t2 -c"$CONNS" -d"$2" --timeout 60s "$1" >"$3" 2>&1 ||
		{ cat "$3" >&2; die "wrk failed against $1"; }
}
# wrk's output -> "req/s MB/s errors" (MB/s: MiB of bodies and headers read per second)
parse_wrk() {
	awk '
	function mib(v) {
		if (v ~ /GB$/) return substr(v, 1, length(v) - 2) * 1024
		if (v ~ /MB$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /KB$/) return substr(v, 1, length(v) - 2) / 1024
		if (v ~ /B$/)  return substr(v, 1, length(v) - 1) / 1048576
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^Transfer\/sec:/ { mbs = mib($2) }
	/Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
	/Non-2xx or 3xx responses:/ { err += $5 }
	END { printf "%.2f %.0f %d\n", rps, mbs, err }' "$1"
}

NCPU=$(nproc)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
wait_quiet() {
	local i b0 b1 used=0
	for ((i = 0; i < QUIET_MAX; i++)); do
		b0=$(cpu_busy); sleep 1; b1=$(cpu_busy)
		used=$(( (b1 - b0) * 100 / ($(getconf CLK_TCK) * NCPU) ))
		[ "$used" -le "$QUIET_PCT" ] && return 0
	done
	note "other processes still use $used% of the CPUs after ${QUIET_MAX}s; measuring anyway"
}

START=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$WARMUP" != 0 ]; then
	run_wrk "$SAVA_URL" "$WARMUP" "$TMP/warm.txt"
	run_wrk "$NGINX_URL" "$WARMUP" "$TMP/warm.txt"
fi
ROWS="$TMP/rows"
: >"$ROWS"
for ((run = 1; run <= RUNS; run++)); do
	if [ $((run % 2)) = 1 ]; then order="sava nginx"; else order="nginx sava"; fi
	wait_quiet
	for who in $order; do
		if [ "$who" = sava ]; then url=$SAVA_URL; else url=$NGINX_URL; fi
		note "run $run/$RUNS: wrk -t2 -c$CONNS -d$DURATION $who"
		run_wrk "$url" "$DURATION" "$TMP/wrk-$who-$run.txt"
		echo "$run $who $(parse_wrk "$TMP/wrk-$who-$run.txt") $(cut -d' ' -f1 /proc/loadavg)" >>"$ROWS"
	done
done
kill -0 "$SAVA_PID" 2>/dev/null || die "sava exited during the run"
END=$(date +%s)

# ---- report ----
echo
echo "sava media file vs nginx, $(date -u '+%Y-%m-%d %H:%M UTC'), $NCPU CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
echo "sava binary: $BUILT (sha256 $(sha256sum "$SAVA" | cut -c1-12)), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $("$WRK" -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "file: $BYTES bytes; wrk -t2 -c$CONNS -d$DURATION --timeout 60s; $RUNS rounds; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); took $((END - START)) s"
echo
echo "| round | server | req/s | MB/s | errors | load avg (1 min) |"
echo "|---:|:---|---:|---:|---:|---:|"
awk '{ printf "| %s | %s | %.2f | %d | %d | %s |\n", $1, $2, $3, $4, $5, $6 }' "$ROWS"
echo
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
S_RPS=$(awk '$2 == "sava" { print $3 }' "$ROWS" | median)
N_RPS=$(awk '$2 == "nginx" { print $3 }' "$ROWS" | median)
S_MBS=$(awk '$2 == "sava" { print $4 }' "$ROWS" | median)
N_MBS=$(awk '$2 == "nginx" { print $4 }' "$ROWS" | median)
ERRS=$(awk '{ e += $5 } END { print e + 0 }' "$ROWS")
echo "| median of $RUNS | req/s | MB/s |"
echo "|:---|---:|---:|"
echo "| sava | $S_RPS | $S_MBS |"
echo "| nginx | $N_RPS | $N_MBS |"
awk -v s="$S_RPS" -v n="$N_RPS" -v sm="$S_MBS" -v nm="$N_MBS" \
	'BEGIN { printf "| sava/nginx | %.2fx | %.2fx |\n", (n > 0 ? s / n : 0), (nm > 0 ? sm / nm : 0) }'
echo
echo "errors (socket errors and non-2xx answers, all runs): $ERRS"
