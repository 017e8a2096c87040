#!/bin/sh
# Render the README screenshots (light and dark, 1400x900) of the ICT 5G target with one note,
# from a throwaway data folder and settings, so nobody's own notes or session show up.
# Run from the repository root: sh docs/screenshots/render.sh
set -eu
FYPDESK="${FYPDESK:-.venv/bin/fypdesk}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export FYPDESK_DATA_DIR="$scratch/data" HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config"
export QT_QPA_PLATFORM=offscreen
node=ict/targets/5g-usage-rate
"$FYPDESK" notes add "$node" "Ask MIIT how the 56% is counted: terminal connections or subscriptions? Compare with the GSMA figures before the meeting." --tag telecom --tag 5g >/dev/null
"$FYPDESK" star "$node" >/dev/null
for theme in light dark; do
    "$FYPDESK" gui --select "$node" --theme "$theme" --size 1400x900 \
        --screenshot "docs/screenshots/reader-$theme.png"
done
echo "wrote docs/screenshots/reader-light.png and reader-dark.png"
