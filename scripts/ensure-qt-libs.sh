#!/usr/bin/env bash
# Make sure the system libraries Qt needs for one platform plugin are installed.
#
#   scripts/ensure-qt-libs.sh [--dry-run] PLATFORM      PLATFORM: offscreen (tests), xcb (a window
#                                                       under X11), wayland, ...
#
# The PySide6 wheel ships Qt itself but links against system libraries (OpenGL, fontconfig, xcb,
# xkbcommon, D-Bus, GLib ...) that a fresh Debian or Ubuntu may lack; Qt then aborts with "Could
# not load the Qt platform plugin". This script runs `ldd` on the platform plugin and on PySide6's
# core Qt libraries, maps every "not found" library to its Debian package and installs those with
# apt-get (through sudo when not root). It changes nothing when nothing is missing, and only warns
# where it cannot help (no apt-get, e.g. macOS or Fedora; no root and no sudo).
#
# Environment: VENV (default: .venv in the repository root) is the virtualenv holding PySide6.
# --dry-run (or DRY_RUN=1) only says what is missing and what it would install.
set -euo pipefail

dry_run="${DRY_RUN:-0}"
if [[ "${1:-}" == "--dry-run" ]]; then dry_run=1; shift; fi
platform="${1:-offscreen}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$repo_root/.venv}"

say() { printf 'ensure-qt-libs: %s\n' "$*"; }
warn() { printf 'ensure-qt-libs: WARNING: %s\n' "$*" >&2; }

if [[ "$(uname -s)" != "Linux" ]]; then
    say "not Linux ($(uname -s)): Qt uses the system's own libraries here; nothing to check"
    exit 0
fi
if ! command -v ldd >/dev/null 2>&1; then
    warn "ldd not found; cannot check Qt's system libraries"
    exit 0
fi

shopt -s nullglob
pyside=""
for dir in "$venv"/lib/python*/site-packages/PySide6 "$venv"/lib64/python*/site-packages/PySide6; do
    if [[ -d "$dir/Qt" ]]; then pyside="$dir"; break; fi
done
if [[ -z "$pyside" ]]; then
    warn "PySide6 not found in $venv (install the project first); skipping"
    exit 0
fi
qt="$pyside/Qt"
plugin="$qt/plugins/platforms/libq$platform.so"
if [[ ! -f "$plugin" ]]; then
    available=("$qt"/plugins/platforms/libq*.so)
    available=("${available[@]##*/libq}")
    warn "no Qt platform plugin '$platform' in $qt/plugins/platforms" \
         "(available: ${available[*]%.so})"
    exit 0
fi

# What to check: the plugin, the Qt libraries and Python modules every window needs, and for
# xcb/wayland the helpers they load at run time.
targets=("$plugin")
for name in Core Gui Widgets DBus; do
    targets+=("$qt/lib/libQt6$name.so.6" "$pyside/Qt$name".abi3.so "$pyside/Qt$name".*.so)
done
case "$platform" in
    xcb) targets+=("$qt/lib/libQt6XcbQpa.so.6" "$qt"/plugins/xcbglintegrations/*.so) ;;
    wayland*) targets+=("$qt/lib/libQt6WaylandClient.so.6") ;;
esac

missing_libs() {
    local file
    for file in "${targets[@]}"; do
        [[ -f "$file" ]] || continue
        ldd "$file" 2>/dev/null | awk '/=> not found/ { print $1 }'
    done | sort -u
}

# Debian package for a shared library (soname). Several names are candidates, first the
# 64-bit-time renames of Debian 13 / Ubuntu 24.04, then the classic ones; the first apt knows wins.
packages_for() {
    local lib="$1"
    case "$lib" in
        libGL.so.*) echo libgl1 ;;
        libEGL.so.*) echo libegl1 ;;
        libGLX.so.*) echo libglx0 ;;
        libOpenGL.so.*) echo libopengl0 ;;
        libGLdispatch.so.*) echo libglvnd0 ;;
        libgbm.so.*) echo libgbm1 ;;
        libdrm.so.*) echo libdrm2 ;;
        libfontconfig.so.*) echo libfontconfig1 ;;
        libfreetype.so.*) echo libfreetype6 ;;
        libharfbuzz.so.*) echo libharfbuzz0b ;;
        libpng16.so.*) echo "libpng16-16t64 libpng16-16" ;;
        libz.so.*) echo zlib1g ;;
        libzstd.so.*) echo libzstd1 ;;
        libbrotlidec.so.* | libbrotlicommon.so.*) echo libbrotli1 ;;
        libexpat.so.*) echo libexpat1 ;;
        libglib-2.0.so.* | libgthread-2.0.so.* | libgobject-2.0.so.* | libgio-2.0.so.*)
            echo "libglib2.0-0t64 libglib2.0-0" ;;
        libpcre2-8.so.*) echo libpcre2-8-0 ;;
        libdbus-1.so.*) echo libdbus-1-3 ;;
        libsystemd.so.*) echo libsystemd0 ;;
        libxkbcommon.so.*) echo libxkbcommon0 ;;
        libxkbcommon-x11.so.*) echo libxkbcommon-x11-0 ;;
        libX11.so.*) echo libx11-6 ;;
        libX11-xcb.so.*) echo libx11-xcb1 ;;
        libXau.so.*) echo libxau6 ;;
        libXdmcp.so.*) echo libxdmcp6 ;;
        libXext.so.*) echo libxext6 ;;
        libXrender.so.*) echo libxrender1 ;;
        libXi.so.*) echo libxi6 ;;
        libSM.so.*) echo libsm6 ;;
        libICE.so.*) echo libice6 ;;
        libxcb.so.*) echo libxcb1 ;;
        libxcb-util.so.*) echo libxcb-util1 ;;
        libwayland-client.so.*) echo libwayland-client0 ;;
        libwayland-cursor.so.*) echo libwayland-cursor0 ;;
        libwayland-egl.so.*) echo libwayland-egl1 ;;
        libgssapi_krb5.so.*) echo libgssapi-krb5-2 ;;
        libstdc++.so.*) echo libstdc++6 ;;
        libgcc_s.so.*) echo libgcc-s1 ;;
        libbsd.so.*) echo libbsd0 ;;
        libmd.so.*) echo libmd0 ;;
        libcap.so.*) echo libcap2 ;;
        libgcrypt.so.*) echo libgcrypt20 ;;
        libgpg-error.so.*) echo libgpg-error0 ;;
        liblzma.so.*) echo liblzma5 ;;
        liblz4.so.*) echo liblz4-1 ;;
        *)
            # Debian's naming policy: libfoo-bar.so.4 -> libfoo-bar4, libfoo2.so.0 -> libfoo2-0
            # (covers libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0,
            # libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-randr0 ...).
            local stem="${lib%%.so.*}" version="${lib#*.so.}"
            version="${version%%.*}"
            stem="$(printf '%s' "$stem" | tr '[:upper:]_' '[:lower:]-')"
            if [[ "$stem" =~ [0-9]$ ]]; then
                echo "$stem-${version}t64 $stem-$version"
            else
                echo "$stem${version}t64 $stem$version"
            fi
            ;;
    esac
}

known_to_apt() {
    # A real package with a version to install (not a purely virtual name).
    # (Output captured first: `grep -q` closing the pipe early would fail it under pipefail.)
    local policy
    policy="$(apt-cache policy "$1" 2>/dev/null || true)"
    [[ "$policy" == *"Candidate: "[!\(]* ]]
}

has_fonts() {
    if command -v fc-list >/dev/null 2>&1; then
        [[ -n "$(fc-list 2>/dev/null | head -n 1)" ]]
        return
    fi
    local dir
    for dir in /usr/share/fonts /usr/local/share/fonts "$HOME/.fonts" "$HOME/.local/share/fonts"; do
        if [[ -d "$dir" ]] && [[ -n "$(find "$dir" -type f \( -iname '*.ttf' -o -iname '*.otf' \
                -o -iname '*.pcf*' \) -print -quit 2>/dev/null)" ]]; then
            return 0
        fi
    done
    return 1
}

mapfile -t missing < <(missing_libs)
need_fonts=0
has_fonts || need_fonts=1

if [[ ${#missing[@]} -eq 0 && $need_fonts -eq 0 ]]; then
    say "Qt '$platform' platform: all system libraries present"
    exit 0
fi
[[ ${#missing[@]} -eq 0 ]] || say "Qt '$platform' platform: missing ${missing[*]}"
[[ $need_fonts -eq 0 ]] || say "no fonts installed: Qt would draw no text"

if ! command -v apt-get >/dev/null 2>&1; then
    fonts_hint=""
    [[ $need_fonts -eq 0 ]] || fonts_hint=" (and a font such as DejaVu Sans)"
    warn "apt-get not available: install the packages that provide ${missing[*]:-}$fonts_hint" \
         "with your system's package manager"
    exit 0
fi

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo)
        [[ -t 0 ]] || sudo_cmd+=(-n)  # no terminal (CI): fail rather than wait for a password
    elif [[ "$dry_run" != 1 ]]; then
        warn "not root and no sudo: as root, install the packages for ${missing[*]:-fonts}"
        exit 0
    fi
fi
apt_get() {
    ${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"
}

# Fresh container images ship without package lists; fetch them once before choosing names.
if [[ "$dry_run" != 1 ]]; then
    say "updating the package lists"
    apt_get update -qq || warn "apt-get update failed; trying the package lists already here"
fi

packages=()
unmapped=()
for lib in "${missing[@]}"; do
    chosen=""
    for candidate in $(packages_for "$lib"); do
        if known_to_apt "$candidate"; then chosen="$candidate"; break; fi
    done
    if [[ -z "$chosen" ]]; then
        unmapped+=("$lib")
        continue
    fi
    say "  $lib -> $chosen"
    packages+=("$chosen")
done
[[ $need_fonts -eq 0 ]] || packages+=(fonts-dejavu-core)
if [[ ${#unmapped[@]} -gt 0 ]]; then
    warn "no Debian package known for ${unmapped[*]}" \
         "(look it up with: apt-file search <library>)"
fi
if [[ ${#packages[@]} -eq 0 ]]; then
    exit 0
fi
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)

if [[ "$dry_run" == 1 ]]; then
    say "would run: ${sudo_cmd[*]:+${sudo_cmd[*]} }apt-get install --no-install-recommends ${packages[*]}"
    exit 0
fi

say "installing ${packages[*]}"
if ! apt_get install -y -qq --no-install-recommends "${packages[@]}"; then
    warn "apt-get install failed; Qt may not start on the '$platform' platform"
    exit 0
fi

mapfile -t still < <(missing_libs)
if [[ ${#still[@]} -gt 0 ]]; then
    warn "still missing after installing: ${still[*]}"
else
    say "Qt '$platform' platform: all system libraries present now"
fi
