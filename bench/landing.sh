#!/usr/bin/env bash
# bench/landing.sh: wrk against sava's landing page (GET /en/) and against nginx
# serving the very same bytes from disk, in one run, at 64 and 512 connections.
# Prints a Markdown table of requests/s and p99 latency, plus sava's RSS.
#
# Self-contained: builds sava if needed, creates a fresh TEST instance in a mktemp
# dir, starts sava and nginx on free 127.0.0.1 ports, and on exit stops (by PID)
# everything it started and removes the temp dir. Only loopback; bounded in time:
# every wrk and every wait is wrapped in a timeout.
#
# Knobs (environment):
#   DURATION=10s          wrk -d for each measured run
#   WARMUP=2s             one unmeasured wrk run per server and sava configuration
#   CONNS="64 512"        wrk -c values (wrk always uses -t2)
#   LOG_MODES="yes no"    sava.conf [server] log_requests values to measure
#   SAVA_THREADS=""       sava.conf [server] threads values (empty: the default, 2)
#   KEEP=1                keep the temp dir (logs, configs) instead of removing it
#
# Needs: make, curl, /usr/bin/wrk, /usr/sbin/nginx. Run from anywhere:
#   bench/landing.sh
#   SAVA_THREADS="1 2 3 4" LOG_MODES=no bench/landing.sh    # thread sweep
set -euo pipefail

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-"64 512"}
LOG_MODES=${LOG_MODES:-"yes no"}
SAVA_THREADS=${SAVA_THREADS:-}
WRK=${WRK:-/usr/bin/wrk}
NGINX=${NGINX:-/usr/sbin/nginx}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SAVA="$ROOT/build/sava"

die() { echo "landing.sh: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

for t in curl "$WRK" "$NGINX" make timeout awk; do
	command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"
done

# ---- build if needed ----
if [ ! -x "$SAVA" ] || ! make -C "$ROOT" -q >/dev/null 2>&1; then
	note "building sava"
	make -C "$ROOT" >/dev/null
fi

# wrk -c512 plus two servers need more than 1024 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# ---- temp dir and cleanup ----
TMP=$(mktemp -d /tmp/sava-bench.XXXXXX)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]:-}"; do
		[ -n "$pid" ] || continue
		# Bounded wait: SIGTERM first, SIGKILL after 10 s.
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 1 ]; then
		note "kept $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
	local keep=() p
	for p in "${PIDS[@]:-}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]:-}")
}

free_port() {
	# Ask the kernel for an unused port; fall back to probing with ss.
	if command -v python3 >/dev/null 2>&1 &&
	   python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null; then
		return
	fi
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 10000))
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	die "no free port"
}

wait_http() {   # URL: wait up to 10 s for a 200
	for _ in $(seq 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---- sava ----
SAVA_PID=
SAVA_PORT=
INST="$TMP/inst"
note "creating a test instance in $INST"
"$SAVA" init --insecure-fast-kdf "$INST" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "sava init failed"; }
CONF="$INST/sava.conf"
grep -q '^log_requests = ' "$CONF" || die "no log_requests line in $CONF"
grep -q '^threads = ' "$CONF" || die "no threads line in $CONF"
DEFAULT_THREADS=$(awk -F' = ' '/^threads = / {print $2; exit}' "$CONF")

set_conf() {    # KEY VALUE: edit a [server] key in the instance's sava.conf
	sed -i "s/^$1 = .*/$1 = $2/" "$CONF"
}

start_sava() {
	SAVA_PORT=$(free_port)
	"$SAVA" serve "$INST" --listen "127.0.0.1:$SAVA_PORT" 2>>"$TMP/sava.stderr" >/dev/null &
	SAVA_PID=$!
	PIDS+=("$SAVA_PID")
	wait_http "http://127.0.0.1:$SAVA_PORT/en/" || { tail -5 "$TMP/sava.stderr" >&2; die "sava did not start"; }
}

stop_sava() {
	kill "$SAVA_PID" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$SAVA_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$SAVA_PID" 2>/dev/null || true
	wait "$SAVA_PID" 2>/dev/null || true
	forget_pid "$SAVA_PID"
	SAVA_PID=
}

# ---- nginx: the same bytes, from disk ----
set_conf log_requests yes
start_sava
mkdir -p "$TMP/nginx/html/en" "$TMP/nginx/logs"
curl -sf -o "$TMP/nginx/html/en/index.html" "http://127.0.0.1:$SAVA_PORT/en/"
SAVA_HDR_BYTES=$(curl -sf -o /dev/null -D - "http://127.0.0.1:$SAVA_PORT/en/" | wc -c)
stop_sava
BODY_BYTES=$(wc -c <"$TMP/nginx/html/en/index.html")
[ "$BODY_BYTES" -gt 0 ] || die "empty landing page"
# nginx workers run as nobody when started by root: let them read the docroot.
chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/html" "$TMP/nginx/html/en"
chmod 644 "$TMP/nginx/html/en/index.html"

NGINX_PORT=$(free_port)
NGINX_PREFIX="$TMP/nginx"
cat >"$NGINX_PREFIX/nginx.conf" <<EOF
# Written by bench/landing.sh. One worker per core, the usual production setting.
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile 8192;
pid $NGINX_PREFIX/nginx.pid;
error_log $NGINX_PREFIX/error.log;
events {
    worker_connections 4096;
}
http {
    types { text/html html; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $NGINX_PREFIX/html;
        index index.html;
    }
}
EOF
"$NGINX" -t -q -e "$NGINX_PREFIX/error.log" -c "$NGINX_PREFIX/nginx.conf" -p "$NGINX_PREFIX" ||
	die "nginx config test failed"
"$NGINX" -e "$NGINX_PREFIX/error.log" -c "$NGINX_PREFIX/nginx.conf" -p "$NGINX_PREFIX" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/en/" || { cat "$NGINX_PREFIX/error.log" >&2; die "nginx did not start"; }
cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/en/") "$TMP/nginx/html/en/index.html" ||
	die "nginx does not serve the same bytes"
NGINX_HDR_BYTES=$(curl -sf -o /dev/null -D - "http://127.0.0.1:$NGINX_PORT/en/" | wc -c)

# ---- wrk ----
secs() { case "$1" in *ms) echo $(( ${1%ms} / 1000 ));; *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
WRK_LIMIT=$(( $(secs "$DURATION") + 30 ))

run_wrk() {   # URL CONNS DURATION OUTFILE
	timeout -k 5 "$WRK_LIMIT" "$WRK" -t2 -c"$2" -d"$3" --latency "$1" >"$4" 2>&1 ||
		{ cat "$4" >&2; die "wrk failed against $1"; }
}

# wrk's output -> "req/s p99_ms errors"
parse_wrk() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
		return v + 0
	}
	/^Requests\/sec:/ { rps = $2 }
	/^ +99%/ { p99 = ms($2) }
	/Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
	/Non-2xx or 3xx responses:/ { err += $5 }
	END { printf "%.0f %.2f %d\n", rps, p99, err }' "$1"
}

# ---- the runs ----
THREAD_LIST=${SAVA_THREADS:-$DEFAULT_THREADS}
ROWS="$TMP/rows"
: >"$ROWS"
RSS_ROWS="$TMP/rss"
: >"$RSS_ROWS"
NGINX_WARM=0
turn=0
START=$(date +%s)
note "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for th in $THREAD_LIST; do
	for lg in $LOG_MODES; do
		set_conf threads "$th"
		set_conf log_requests "$lg"
		: >"$TMP/sava.stderr"
		start_sava
		sleep 1
		idle_rss=$(rss_kb "$SAVA_PID")
		if [ "$WARMUP" != 0 ]; then
			run_wrk "http://127.0.0.1:$SAVA_PORT/en/" 64 "$WARMUP" "$TMP/warm.txt"
			if [ "$NGINX_WARM" = 0 ]; then
				run_wrk "http://127.0.0.1:$NGINX_PORT/en/" 64 "$WARMUP" "$TMP/warm.txt"
				NGINX_WARM=1
			fi
		fi
		for c in $CONNS; do
			# Alternate who goes first, so neither always gets the warmer machine.
			if [ $((turn % 2)) = 0 ]; then order="sava nginx"; else order="nginx sava"; fi
			turn=$((turn + 1))
			for who in $order; do
				if [ "$who" = sava ]; then url="http://127.0.0.1:$SAVA_PORT/en/"; else url="http://127.0.0.1:$NGINX_PORT/en/"; fi
				out="$TMP/wrk-$who-t$th-log$lg-c$c.txt"
				note "wrk -t2 -c$c -d$DURATION $who (sava threads=$th log_requests=$lg)"
				run_wrk "$url" "$c" "$DURATION" "$out"
				read -r rps p99 err < <(parse_wrk "$out")
				echo "$th $lg $c $who $rps $p99 $err" >>"$ROWS"
			done
		done
		loaded_rss=$(rss_kb "$SAVA_PID")
		peak_rss=$(hwm_kb "$SAVA_PID")
		sleep 2
		settled_rss=$(rss_kb "$SAVA_PID")
		log_lines=$(wc -l <"$TMP/sava.stderr")
		echo "$th $lg $idle_rss $loaded_rss $settled_rss $peak_rss $log_lines" >>"$RSS_ROWS"
		stop_sava
	done
done

NGINX_RSS=0
for p in $NGINX_PID $(pgrep -P "$NGINX_PID" || true); do
	NGINX_RSS=$((NGINX_RSS + $(rss_kb "$p")))
done
END=$(date +%s)

# ---- report ----
echo
echo "sava landing page vs nginx, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')), kernel $(uname -r)"
echo "wrk -t2 -dDURATION --latency, DURATION=$DURATION; body $BODY_BYTES bytes; response headers: sava $SAVA_HDR_BYTES bytes, nginx $NGINX_HDR_BYTES bytes"
echo "servers and wrk share the same $(nproc) cores; load average after: $(cut -d' ' -f1-3 /proc/loadavg); took $((END - START)) s"
echo
echo "| sava threads | log_requests | conns | sava req/s | sava p99 ms | nginx req/s | nginx p99 ms | sava/nginx req/s | errors (sava/nginx) |"
echo "|---:|:---:|---:|---:|---:|---:|---:|---:|---:|"
awk '
	{ k = $1 " " $2 " " $3; keys[k] = 1; order[++n] = k
	  rps[k, $4] = $5; p99[k, $4] = $6; err[k, $4] = $7 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]; if (done[k]++) continue
			split(k, f, " ")
			ratio = rps[k, "nginx"] > 0 ? rps[k, "sava"] / rps[k, "nginx"] : 0
			printf "| %s | %s | %s | %d | %.2f | %d | %.2f | %.2fx | %d/%d |\n", f[1], f[2], f[3],
			    rps[k, "sava"], p99[k, "sava"], rps[k, "nginx"], p99[k, "nginx"], ratio,
			    err[k, "sava"], err[k, "nginx"]
		}
	}' "$ROWS"
echo
echo "| sava threads | log_requests | idle RSS after start | RSS right after load | RSS 2 s later | peak RSS (VmHWM) | log lines written |"
echo "|---:|:---:|---:|---:|---:|---:|---:|"
while read -r th lg idle loaded settled peak lines; do
	echo "| $th | $lg | $(mb "$idle") MB | $(mb "$loaded") MB | $(mb "$settled") MB | $(mb "$peak") MB | $lines |"
done <"$RSS_ROWS"
echo
echo "nginx RSS (master + 2 workers) at the end: $(mb "$NGINX_RSS") MB"
