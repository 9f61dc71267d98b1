#!/bin/sh
# media_clean: what the sandbox costs. Cleans a 60 s 1080p30 "phone clip" (testsrc2 +
# sine, H.264 + AAC, as a phone writes it; a portrait variant carries a 90-degree rotation
# flag) with sava's whole sandboxed job (media_clean(): bubblewrap, the input through a
# pipe into the job's tmpfs, ffprobe, policy, clean, ffprobe of the copy, poster, outputs
# streamed back and scanned) and with the same ffprobe/clean/poster argv run bare,
# alternating, PAIRS pairs each. Needs `make` first (build/obj).
#   sh bench/media_clean.sh [PAIRS] [portrait]
set -eu
cd "$(dirname "$0")/.."
pairs=${1:-3}
work=$(mktemp -d /tmp/sava-bench-media.XXXXXX)
trap 'rm -rf "$work"' EXIT

# the objects of today's sources only (a folder renamed since leaves old ones behind)
objs="$(for c in src/*/*.c; do printf 'build/obj/%s.o ' "${c%.c}"; done)build/obj/gen/embedded.o"
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$work/media_clean" bench/media_clean.c $objs \
	$(pkg-config --libs libmicrohttpd libsodium sqlite3 md4c-html inih libqrencode nettle libseccomp) -lunistring -lpthread

clip="$work/clip.mp4"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1920x1080:rate=30:duration=60 \
	-f lavfi -i sine=f=440:d=60:sample_rate=48000 -c:v libx264 -preset veryfast -b:v 12M -pix_fmt yuv420p \
	-c:a aac -b:a 192k -shortest "$clip"
if [ "${2:-}" = portrait ]; then
	ffmpeg -nostdin -v error -y -i "$clip" -c copy -metadata:s:v:0 rotate=90 "$work/portrait.mp4"
	clip="$work/portrait.mp4"
fi
echo "clip: $(stat -c %s "$clip") bytes; $(nproc) cores; $(uname -r); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $(bwrap --version)"

for i in $(seq "$pairs"); do
	"$work/media_clean" sandboxed "$clip" "$work/s.mp4" "$work/s.jpg"
	"$work/media_clean" bare "$clip" "$work/b.mp4" "$work/b.jpg"
	cmp -s "$work/s.mp4" "$work/b.mp4" && echo "pair $i: the same bytes" || echo "pair $i: outputs DIFFER"
done | tee "$work/times"
awk '/^sandboxed/ { s += $2; ns++ } /^bare/ { b += $2; nb++ }
	END { printf "mean: sandboxed %.2f s, bare %.2f s, ratio %.3f\n", s / ns, b / nb, (s / ns) / (b / nb) }' "$work/times"
