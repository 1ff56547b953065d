#!/usr/bin/env bash
# Check that the system libraries Qt needs for one platform plugin are installed; when some are
# missing, say which and print the one command that installs them. It installs nothing itself.
#
#   scripts/check-qt-libs.sh [PLATFORM]            PLATFORM: offscreen (tests, the default),
#                                                  xcb (a window under X11), wayland
#   scripts/check-qt-libs.sh --packages PLATFORM   print the Debian/Ubuntu packages PLATFORM
#                                                  needs, on one line (.ci/run installs them)
#
# The PySide6 wheel ships Qt itself but links against system libraries (OpenGL, fontconfig,
# xkbcommon, D-Bus, GLib, xcb ...) that a fresh Debian or Ubuntu may lack; Qt then aborts with
# "Could not load the Qt platform plugin". This runs `ldd` on the platform plugin and PySide6's
# core Qt libraries. Exit status: 0 when nothing is missing (or nothing can be checked: not
# Linux, no ldd, PySide6 not installed yet), 1 when something is missing.
#
# The package lists below are what each platform plugin links against (readelf -d), by their
# Debian names; apt also takes these names on Debian 13 / Ubuntu 24.04, where some gained a
# "t64" suffix. Environment: VENV (default: .venv in the repository root) holds PySide6.
set -euo pipefail

COMMON_PACKAGES="libgl1 libegl1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0
    libdbus-1-3 zlib1g fonts-dejavu-core"
XCB_PACKAGES="libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0
    libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0"
WAYLAND_PACKAGES="libwayland-client0 libwayland-cursor0 libwayland-egl1"

packages_for() {
    local extra=""
    case "$1" in
        xcb) extra="$XCB_PACKAGES" ;;
        wayland*) extra="$WAYLAND_PACKAGES" ;;
    esac
    # shellcheck disable=SC2086  # word splitting joins the lists onto one line
    echo $COMMON_PACKAGES $extra
}

if [[ "${1:-}" == "--packages" ]]; then
    packages_for "${2:-offscreen}"
    exit 0
fi
platform="${1:-offscreen}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV:-$repo_root/.venv}"

say() { printf 'check-qt-libs: %s\n' "$*" >&2; }
warn() { printf 'check-qt-libs: WARNING: %s\n' "$*" >&2; }

if [[ "$(uname -s)" != "Linux" ]]; then
    exit 0  # macOS and Windows: Qt uses the system's own libraries
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
    warn "PySide6 not found in $venv (install the project first); not checked"
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

# The plugin, the Qt libraries and Python modules every window needs, and for xcb/wayland the
# helpers they load at run time.
targets=("$plugin")
for name in Core Gui Widgets DBus; do
    targets+=("$qt/lib/libQt6$name.so.6" "$pyside/Qt$name".abi3.so "$pyside/Qt$name".*.so)
done
case "$platform" in
    xcb) targets+=("$qt/lib/libQt6XcbQpa.so.6" "$qt"/plugins/xcbglintegrations/*.so) ;;
    wayland*) targets+=("$qt/lib/libQt6WaylandClient.so.6") ;;
esac

missing=()
while IFS= read -r lib; do
    [[ -n "$lib" ]] && missing+=("$lib")
done < <(for file in "${targets[@]}"; do
             [[ -f "$file" ]] && ldd "$file" 2>/dev/null | awk '/=> not found/ { print $1 }'
         done | sort -u)

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
need_fonts=0
has_fonts || need_fonts=1

if [[ ${#missing[@]} -eq 0 && $need_fonts -eq 0 ]]; then
    exit 0
fi
[[ ${#missing[@]} -eq 0 ]] || say "Qt's '$platform' platform needs ${missing[*]}, which are missing"
[[ $need_fonts -eq 0 ]] || say "no fonts installed: Qt would draw no text"
if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo "
    say "install them with:"
    printf '\n    %sapt-get update && %sapt-get install --no-install-recommends %s\n\n' \
        "$sudo" "$sudo" "$(packages_for "$platform")" >&2
else
    fonts_hint=""
    [[ $need_fonts -eq 0 ]] || fonts_hint=" (and a font such as DejaVu Sans)"
    say "install the packages that provide them$fonts_hint with your system's package manager"
fi
exit 1
