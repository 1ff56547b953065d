#!/usr/bin/env bash
# Create the project's virtualenv unless a working one is already there.
#
#   scripts/make-venv.sh [PYTHON] [VENV]        defaults: python3 .venv
#
# A virtualenv whose interpreter no longer runs (its Python was removed or moved) is rebuilt.
# On Debian and Ubuntu, where `python3 -m venv` needs the separate python3-venv package (and a
# bare image may lack python3 itself), the missing packages are installed with apt-get (through
# sudo when not root). The project itself is installed by the Makefile, not here.
set -euo pipefail

python="${1:-python3}"
venv="${2:-.venv}"

say() { printf 'make-venv: %s\n' "$*"; }
die() { printf 'make-venv: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c "" 2>/dev/null; then
    exit 0
fi

apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    local sudo_cmd=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || return 1
        sudo_cmd=(sudo)
        [[ -t 0 ]] || sudo_cmd+=(-n)
    fi
    say "installing $* with apt-get"
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 update -qq || true
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@"
}

if ! command -v "$python" >/dev/null 2>&1; then
    if [[ "$python" == python3 ]] && apt_install python3 python3-venv; then
        :
    else
        die "'$python' not found: install Python 3.10 or newer, or run make PYTHON=/path/to/python3"
    fi
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
    if apt_install "python$version-venv" || apt_install python3-venv; then
        "$python" -m venv "$venv"
    else
        die "could not create $venv: install the venv module (Debian/Ubuntu: python3-venv)"
    fi
fi
