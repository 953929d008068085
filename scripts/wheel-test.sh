#!/usr/bin/env bash
# Build a wheel from the tree, install it with its declared dependencies into a clean venv (no
# system or dev site-packages, no source tree on the path), and run what a user runs after
# `pip install takehome`: `takehome demo` (fonts, translations, templates, sample), a Spanish
# large-print demo, `templates list`, and `takehome-viewer` without Qt (one line, exit 2).
# pip's cache makes repeated runs quick; dependencies come from PyPI as for a user.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

.venv/bin/python -m pip wheel -q --no-deps -w "$work/dist" .
wheel=("$work"/dist/takehome-*.whl)
.venv/bin/python scripts/check_wheel.py "${wheel[0]}"

"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "${wheel[0]}"
"$work/venv/bin/python" -m pip check

cd "$work"  # away from the source tree: only the installed wheel can be imported
"$work/venv/bin/python" - <<'EOF'
import sys
import takehome.handouts
assert takehome.handouts.__file__.startswith(sys.prefix), takehome.handouts.__file__
EOF
"$work/venv/bin/takehome" demo --out "$work/demo.pdf"
"$work/venv/bin/takehome" demo --template large-print --language es --out "$work/demo-es.pdf"
"$work/venv/bin/takehome" templates list >/dev/null
set +e
"$work/venv/bin/takehome-viewer" 2>"$work/viewer.err"
code=$?
set -e
if [ "$code" -ne 2 ] || ! grep -q "takehome\[viewer\]" "$work/viewer.err"; then
    echo "takehome-viewer without Qt: expected exit 2 and what to install, got $code:" >&2
    cat "$work/viewer.err" >&2
    exit 1
fi
"$work/venv/bin/python" - "$work/demo.pdf" "$work/demo-es.pdf" <<'EOF'
import sys
from pypdf import PdfReader
english = " ".join(page.extract_text() for page in PdfReader(sys.argv[1]).pages)
spanish = " ".join(page.extract_text() for page in PdfReader(sys.argv[2]).pages)
assert "Picture 1 of" in english, "demo: the English handout text is missing"
assert "Imagen 1 de" in spanish, "demo: the Spanish translation is missing from the wheel"
fonts = {str(font) for page in PdfReader(sys.argv[1]).pages
         for font in page["/Resources"]["/Font"].values() for font in [font.get_object()["/BaseFont"]]}
assert any("DejaVu" in f or "Takehome" in f for f in fonts), fonts
EOF
echo "wheel: installs in a clean venv; demo, Spanish large print, templates and viewer message work"
