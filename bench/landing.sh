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
#   QUIET_PCT=10 QUIET_MAX=30   before each measured pair, wait up to QUIET_MAX s for the
#                         CPU used by other processes to drop to QUIET_PCT % (shared machines)
#   SAVA_BIN=path         benchmark this sava binary instead of building build/sava
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
QUIET_PCT=${QUIET_PCT:-10}
QUIET_MAX=${QUIET_MAX:-30}
WRK=${WRK:-/usr/bin/wrk}
NGINX=${NGINX:-/usr/sbin/nginx}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILT=${SAVA_BIN:-$ROOT/build/sava}

die() { echo "landing.sh: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

for t in curl "$WRK" "$NGINX" make timeout awk; do
	command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (as root: apt-get install -y nginx-light wrk curl)"
done

# ---- build if needed ----
if [ -n "${SAVA_BIN:-}" ]; then
	[ -x "$SAVA_BIN" ] || die "SAVA_BIN=$SAVA_BIN is not an executable"
elif [ ! -x "$BUILT" ] || ! make -C "$ROOT" -q >/dev/null 2>&1; then
	note "building sava"
	make -C "$ROOT" >/dev/null || die "make failed"
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

# Run a private copy, so a rebuild of build/ during the run cannot change the binary.
SAVA="$TMP/sava"
cp "$BUILT" "$SAVA"
cd "$TMP"

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
		[ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
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
	wait_http "http://127.0.0.1:$SAVA_PORT/en/" && kill -0 "$SAVA_PID" 2>/dev/null ||
		{ tail -5 "$TMP/sava.stderr" >&2; die "sava did not start"; }
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
curl -sf -m 5 -o "$TMP/nginx/html/en/index.html" "http://127.0.0.1:$SAVA_PORT/en/"
SAVA_HDR_BYTES=$(curl -sf -m 5 -o /dev/null -D - "http://127.0.0.1:$SAVA_PORT/en/" | wc -c)
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
wait_http "http://127.0.0.1:$NGINX_PORT/en/" && kill -0 "$NGINX_PID" 2>/dev/null ||
	{ cat "$NGINX_PREFIX/error.log" >&2; die "nginx did not start"; }
cmp -s <(curl -sf -m 5 "http://127.0.0.1:$NGINX_PORT/en/") "$TMP/nginx/html/en/index.html" ||
	die "nginx does not serve the same bytes"
NGINX_HDR_BYTES=$(curl -sf -m 5 -o /dev/null -D - "http://127.0.0.1:$NGINX_PORT/en/" | wc -c)

# ---- wrk ----
secs() { case "$1" in *ms) echo $(( ${1%ms} / 1000 ));; *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }

run_wrk() {   # URL CONNS DURATION OUTFILE; killed if it runs 30 s past DURATION
	timeout -k 5 "$(( $(secs "$3") + 30 ))" "$WRK" -t2 -c"$2" -d"$3" --latency "$1" >"$4" 2>&1 ||
		{ cat "$4" >&2; die "wrk failed against $1"; }
}

# ---- CPU accounting, in clock ticks ----
# The machine may be shared: for every measured run, count the CPU time that went to
# the server under test, to wrk, and to everything else (all non-idle time of the whole
# machine minus ours). With tick-based accounting (no CONFIG_IRQ_TIME_ACCOUNTING) the
# softirq work of loopback TCP is charged both to the process it interrupted and to the
# machine's softirq counter, so it is counted in "busy" here too.
NCPU=$(nproc)
TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
cpu_idle() { awk '/^cpu / { print $5 + $6; exit }' /proc/stat; }   # idle + iowait
cpu_irq() { awk '/^cpu / { print $7 + $8; exit }' /proc/stat; }    # irq + softirq
cpu_steal() { awk '/^cpu / { print $9; exit }' /proc/stat; }      # taken by the hypervisor
worker_ticks() {   # PID: "t1 t2 ..." CPU ticks of each libmicrohttpd worker thread
	local t out=
	for t in /proc/"$1"/task/*; do
		case "$(cat "$t/comm" 2>/dev/null)" in MHD*) ;; *) continue;; esac
		out="$out $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null || echo 0)"
	done
	echo "$out"
}
share() {   # "a1 a2 .." "b1 b2 ..": each thread's share of the difference, as "70/30"
	awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " "); tot = 0
		for (i = 1; i <= n; i++) { d[i] = y[i] - x[i]; tot += d[i] }
		if (n == 0 || tot <= 0) { print "-"; exit }
		for (i = 1; i <= n; i++) printf "%s%.0f", (i > 1 ? "/" : ""), 100 * d[i] / tot; print "" }'
}
pid_ticks() {   # PID...: utime + stime of these processes (all their threads)
	local p sum=0 t
	for p in "$@"; do
		t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || t=0
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}
# CPU of this shell's reaped children (wrk, under timeout). `times` must run in this
# shell, not in a $(...) subshell: call `times >"$TMP/times"` first, then child_ticks.
child_ticks() {
	awk -v tck="$TCK" 'NR == 2 { gsub(",", "."); n = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); n += a[1] * 60 + substr(a[2], 1, length(a[2]) - 1) }
		printf "%d\n", n * tck }' "$TMP/times"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
pct() { awk -v t="$1" -v ms="$2" -v n="$3" -v tck="$TCK" 'BEGIN { printf "%.0f", (ms > 0 ? 100 * t / (tck * ms / 1000 * n) : 0) }'; }

wait_quiet() {  # until the CPU used by others (sava and nginx are idle now) is low, bounded
	local i b0 b1 used=0
	for ((i = 0; i < QUIET_MAX; i++)); do
		b0=$(cpu_busy); sleep 1; b1=$(cpu_busy)
		used=$(pct $((b1 - b0)) 1000 "$NCPU")
		[ "$used" -le "$QUIET_PCT" ] && return 0
	done
	note "other processes still use $used% of the CPUs after ${QUIET_MAX}s; measuring anyway"
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
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
NGINX_ALL="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"

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
			wait_quiet
			for who in $order; do
				if [ "$who" = sava ]; then
					url="http://127.0.0.1:$SAVA_PORT/en/"; pids=$SAVA_PID
				else
					url="http://127.0.0.1:$NGINX_PORT/en/"; pids=$NGINX_ALL
				fi
				out="$TMP/wrk-$who-t$th-log$lg-c$c.txt"
				note "wrk -t2 -c$c -d$DURATION $who (sava threads=$th log_requests=$lg)"
				m0=$(worker_ticks "$SAVA_PID"); i0=$(cpu_idle); q0=$(cpu_irq); x0=$(cpu_steal)
				b0=$(cpu_busy); s0=$(pid_ticks $SAVA_PID $NGINX_ALL); v0=$(pid_ticks $pids); times >"$TMP/times"; w0=$(child_ticks); t0=$(now_ms)
				run_wrk "$url" "$c" "$DURATION" "$out"
				t1=$(now_ms); times >"$TMP/times"; w1=$(child_ticks); v1=$(pid_ticks $pids); s1=$(pid_ticks $SAVA_PID $NGINX_ALL); b1=$(cpu_busy)
				x1=$(cpu_steal); q1=$(cpu_irq); i1=$(cpu_idle); m1=$(worker_ticks "$SAVA_PID")
				if [ "$who" = sava ]; then split=$(share "$m0" "$m1"); else split=-; fi
				other=$(( (b1 - b0) - (s1 - s0) - (w1 - w0) ))
				[ "$other" -ge 0 ] || other=0
				read -r rps p99 err < <(parse_wrk "$out")
				echo "$th $lg $c $who $rps $p99 $err $(pct $((v1 - v0)) $((t1 - t0)) 1) $(pct $((w1 - w0)) $((t1 - t0)) 1) $(pct "$other" $((t1 - t0)) "$NCPU") $(pct $((i1 - i0)) $((t1 - t0)) "$NCPU") $split $(pct $((q1 - q0)) $((t1 - t0)) "$NCPU") $(pct $((x1 - x0)) $((t1 - t0)) "$NCPU")" >>"$ROWS"
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
for p in $NGINX_ALL; do
	NGINX_RSS=$((NGINX_RSS + $(rss_kb "$p")))
done
END=$(date +%s)

# ---- report ----
echo
echo "sava landing page vs nginx, $(date -u '+%Y-%m-%d %H:%M UTC'), $NCPU CPUs ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')), kernel $(uname -r)"
echo "sava binary: $BUILT (sha256 $(sha256sum "$SAVA" | cut -c1-12)), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), $("$WRK" -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "wrk -t2 -d$DURATION --latency; body $BODY_BYTES bytes; response headers: sava $SAVA_HDR_BYTES bytes, nginx $NGINX_HDR_BYTES bytes"
echo "servers and wrk share the same $NCPU cores; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg); took $((END - START)) s"
echo
echo "| sava threads | log_requests | conns | sava req/s | sava p99 ms | nginx req/s | nginx p99 ms | sava/nginx req/s | errors (sava/nginx) |"
echo "|---:|:---:|---:|---:|---:|---:|---:|---:|---:|"
awk '
	{ k = $1 " " $2 " " $3; order[++n] = k
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
awk '{ k = $1 " " $2 " " $3; r[k, $4] = $5 }
	END { for (kk in r) { split(kk, f, SUBSEP); o = (f[2] == "sava") ? "nginx" : "sava"
		if ((f[1], o) in r && r[kk] < r[f[1], o] / 10)
			printf "\nWARNING: %s served under a tenth of %s'"'"'s rate (sava threads, log_requests, conns = %s): it stalled.\n", f[2], o, f[1] } }' "$ROWS"
echo
echo "CPU during each run. server (sava, or nginx master + workers) and wrk: user + system time in %"
echo "of one core. other (every other process on the machine), steal (taken by the hypervisor) and"
echo "idle: in % of all $NCPU cores; other or steal above a few % means the run was disturbed."
echo "softirq: the irq + softirq part (mostly loopback TCP), in % of all $NCPU cores; this kernel"
echo "charges it to whichever process it interrupted, so it is already inside server and wrk."
echo "sava workers: how sava's CPU split between libmicrohttpd's threads."
echo
echo "| sava threads | log_requests | conns | server | req/s | server CPU | wrk CPU | softirq | other | steal | idle | req per server CPU-second | sava workers |"
echo "|---:|:---:|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
awk '{ printf "| %s | %s | %s | %s | %d | %d%% | %d%% | %d%% | %d%% | %d%% | %d%% | %d | %s |\n", $1, $2, $3, $4, $5,
	$8, $9, $13, $10, $14, $11, ($8 > 0 ? $5 * 100 / $8 : 0), $12 }' "$ROWS"
echo
echo "| sava threads | log_requests | idle RSS after start | RSS right after load | RSS 2 s later | peak RSS (VmHWM) | log lines written |"
echo "|---:|:---:|---:|---:|---:|---:|---:|"
while read -r th lg idle loaded settled peak lines; do
	echo "| $th | $lg | $(mb "$idle") MB | $(mb "$loaded") MB | $(mb "$settled") MB | $(mb "$peak") MB | $lines |"
done <"$RSS_ROWS"
echo
echo "nginx RSS (master + 2 workers) at the end: $(mb "$NGINX_RSS") MB"
