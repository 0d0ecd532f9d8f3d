#!/usr/bin/env bash
# Make a thumbnail of the first page and a video preview.
set -euo pipefail
pdf="$1"
if ! command -v magick >/dev/null 2>&1; then
  echo "ImageMagick is missing" >&2
fi
magick -density 72 "${pdf}[0]" thumb.png
ffmpeg -y -loop 1 -i thumb.png -t 3 preview.mp4 2>/dev/null
jq -n --arg f "$pdf" '{file: $f}' > manifest.json
