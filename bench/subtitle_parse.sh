#!/bin/sh
# subtitle_parse: parse a 10,000-cue WebVTT file (and the same cues as SRT) with sava's
# parsers, and, as the reference in the same run, with Python 3 reading the same bytes
# (UTF-8 decode, split into blocks, a regex over each timing line: the least a reader of
# the format does). Needs `make` first (build/obj).
#   sh bench/subtitle_parse.sh [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
rounds=${1:-50}
work=$(mktemp -d /tmp/sava-bench-subs.XXXXXX)
trap 'rm -rf "$work"' EXIT
objs="$(for c in src/*/*.c; do printf 'build/obj/%s.o ' "${c%.c}"; done)build/obj/gen/embedded.o"
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$work/parse" bench/subtitle_parse.c $objs \
	$(pkg-config --libs libmicrohttpd libsodium sqlite3 md4c-html inih libqrencode nettle libseccomp) -lunistring -lpthread
/usr/bin/python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
words = ["Я не хочу, чтобы мой сын шёл на войну.", "<i>Верните его домой.</i>", "You can refuse & stay alive.",
         "Мы побачым вас дома, жывымі."]
vtt, srt = ["WEBVTT", ""], []
for i in range(10000):
    a, b = i * 3000, i * 3000 + 2500
    f = lambda ms, sep: "%02d:%02d:%02d%s%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, sep, ms % 1000)
    text = words[i % 4] + ("\n" + words[(i + 1) % 4] if i % 3 == 0 else "")
    vtt += [f"{f(a, '.')} --> {f(b, '.')}" + (" line:0" if i % 7 == 0 else ""), text, ""]
    srt += [str(i + 1), f"{f(a, ',')} --> {f(b, ',')}", text, ""]
open(w + "/cues.vtt", "w").write("\n".join(vtt))
open(w + "/cues.srt", "w").write("\r\n".join(srt))
PY
echo "machine: $(nproc) cores; $(uname -r); $(cc --version | head -n 1); $(/usr/bin/python3 --version)"
"$work/parse" vtt "$work/cues.vtt" "$rounds"
"$work/parse" srt "$work/cues.srt" "$rounds"
/usr/bin/python3 - "$work/cues.vtt" "$rounds" <<'PY'
import re, sys, time
data = open(sys.argv[1], "rb").read()
timing = re.compile(r"^\s*(\d{2,}:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(\d{2,}:)?\d{2}:\d{2}\.\d{3}")
times = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    text = data.decode("utf-8").replace("\r\n", "\n")
    cues = 0
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if any(timing.match(l) for l in lines[:2]):
            cues += 1
    times.append(time.perf_counter() - t0)
times.sort()
n = len(data)
print("python reference: %d bytes, %d cues; best %.1f MB/s, median %.1f MB/s (%.2f ms)" %
      (n, cues, n / times[0] / 1e6, n / times[len(times) // 2] / 1e6, times[len(times) // 2] * 1e3))
PY
