#!/bin/sh
# media_burn: what the sandbox costs the burn-in. A 60 s clean video (1280x720 30 fps,
# H.264 CRF 23 + AAC 128k, as media_clean makes them) with 30 two-second Russian and
# Belarusian captions, burned in both shapes (16:9 and 9:16) by sava's whole sandboxed job
# (media_burn(): bubblewrap and its seccomp filter, captions and video through a pipe
# into the job's tmpfs, outputs streamed back and scanned) and by the same two ffmpeg
# argv run bare, alternating, PAIRS pairs each. Needs `make` first (build/obj).
#   sh bench/media_burn.sh [PAIRS]
set -eu
cd "$(dirname "$0")/.."
pairs=${1:-3}
work=$(mktemp -d /tmp/sava-bench-burn.XXXXXX)
trap 'rm -rf "$work"' EXIT

# the objects of today's sources only (a folder renamed since leaves old ones behind)
objs="$(for c in src/*/*.c; do printf 'build/obj/%s.o ' "${c%.c}"; done)build/obj/gen/embedded.o"
# shellcheck disable=SC2086
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$work/media_burn" bench/media_burn.c $objs \
	$(pkg-config --libs libmicrohttpd libsodium sqlite3 md4c-html inih libqrencode nettle libseccomp) -lunistring -lpthread

clip="$work/clean.mp4"
ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30:duration=60 \
	-f lavfi -i sine=f=440:d=60:sample_rate=48000 -c:v libx264 -profile:v high -preset medium -crf 23 \
	-pix_fmt yuv420p -c:a aac -b:a 128k -shortest -map_metadata -1 -fflags +bitexact -movflags +faststart "$clip"
vtt="$work/captions.vtt"
{
	printf 'WEBVTT\n\n'
	for i in $(seq 0 29); do
		printf '%02d:%02d.000 --> %02d:%02d.800\nТы можаш адмовіцца. Ўсё будзе добра.\nВы можете отказаться — это смело.\n\n' \
			$((i * 2 / 60)) $((i * 2 % 60)) $(((i * 2 + 1) / 60)) $(((i * 2 + 1) % 60))
	done
} > "$vtt"
echo "clip: $(stat -c %s "$clip") bytes, captions: $(stat -c %s "$vtt") bytes; $(nproc) cores; $(uname -r); $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3); $(bwrap --version)"

for i in $(seq "$pairs"); do
	"$work/media_burn" sandboxed "$clip" "$vtt" "$work/sw.mp4" "$work/st.mp4"
	"$work/media_burn" bare "$clip" "$vtt" "$work/bw.mp4" "$work/bt.mp4"
	if cmp -s "$work/sw.mp4" "$work/bw.mp4" && cmp -s "$work/st.mp4" "$work/bt.mp4"; then
		echo "pair $i: the same bytes"
	else
		echo "pair $i: outputs DIFFER"
	fi
done | tee "$work/times"
awk '/^sandboxed/ { s += $2; ns++ } /^bare/ { b += $2; nb++ }
	END { printf "mean: sandboxed %.2f s, bare %.2f s, ratio %.3f\n", s / ns, b / nb, (s / ns) / (b / nb) }' "$work/times"
