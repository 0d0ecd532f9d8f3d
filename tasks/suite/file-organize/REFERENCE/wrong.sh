#!/usr/bin/env bash
# A plausible wrong solution: takes the text after the last dot as the extension, case
# sensitive (backup.tar.gz, Invoice_March.PDF, Screenshot.PNG, podcast.M4A land in other/).
# Must score below 0.5.
set -euo pipefail
declare -A cat=([pdf]=documents [txt]=documents [md]=documents [docx]=documents
  [jpg]=images [jpeg]=images [png]=images [gif]=images [svg]=images [mp3]=audio [wav]=audio
  [m4a]=audio [flac]=audio [csv]=spreadsheets [xlsx]=spreadsheets [zip]=archives [tgz]=archives)
for f in downloads/*; do
  name=$(basename "$f")
  dir=other
  if [[ "$name" == *.* && -n "${cat[${name##*.}]+x}" ]]; then dir="${cat[${name##*.}]}"; fi
  mkdir -p "organized/$dir" && mv "$f" "organized/$dir/"
done
summary=$(python3 -c 'import json, pathlib; print(json.dumps({d.name: len(list(d.iterdir())) for d in sorted(pathlib.Path("organized").iterdir())}))')
echo "$summary" > organized/summary.json
