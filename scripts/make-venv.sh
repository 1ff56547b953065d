#!/usr/bin/env bash
# Create the project's virtualenv unless a working one is already there.
#
#   scripts/make-venv.sh [PYTHON] [VENV]        defaults: python3 .venv
#
# A virtualenv whose interpreter no longer runs (its Python was removed or moved) is rebuilt.
# On Debian and Ubuntu, where `python3 -m venv` needs the separate python3-venv package (and a
# bare image may lack python3 itself), it prints the apt-get command that installs what is
# missing and stops; it installs nothing itself (.ci/run does, on CI). The project itself is
# installed by the Makefile, not here.
set -euo pipefail

python="${1:-python3}"
venv="${2:-.venv}"

say() { printf 'make-venv: %s\n' "$*"; }
die() { printf 'make-venv: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "" 2>/dev/null; then
    exit 0
fi

# Stop with the one command that installs `packages` (Debian/Ubuntu), or with `fallback`.
need_packages() {
    local fallback="$1"; shift
    if command -v apt-get >/dev/null 2>&1; then
        local sudo=""
        [[ "$(id -u)" -eq 0 ]] || sudo="sudo "
        die "$fallback; install it with:" $'\n\n' \
            "   ${sudo}apt-get update && ${sudo}apt-get install --no-install-recommends $*" $'\n'
    fi
    die "$fallback"
}

if ! command -v "$python" >/dev/null 2>&1; then
    [[ "$python" == python3 ]] || die "'$python' not found: run make PYTHON=/path/to/python3"
    need_packages "python3 not found: the project needs Python 3.10 or newer" python3 python3-venv
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    die "$("$python" -V 2>&1) is too old: the project needs Python 3.10 or newer" \
        "(run make PYTHON=/path/to/python3.X)"
fi

if [[ -e "$venv" ]]; then
    say "$venv does not work (its Python is gone?); creating it again"
    rm -rf "$venv"
fi

say "creating $venv with $("$python" -V 2>&1) ($(command -v "$python"))"
if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    # Debian/Ubuntu split ensurepip out of the interpreter: python3.X-venv provides it.
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    need_packages "could not create $venv: $python lacks the venv module" "python$version-venv"
fi
