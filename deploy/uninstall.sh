#!/usr/bin/env bash
# Removes what deploy/install.sh installed. Run as root:
#
#   deploy/uninstall.sh               # stop and disable eventd, remove the binary and units
#   deploy/uninstall.sh --purge       # also remove /etc/eventd (config and secrets) and /var/lib/eventd (spool)
#   deploy/uninstall.sh --dry-run     # print what would be done
#
# Honors DESTDIR and PREFIX as install.sh does. The database and its events are never touched.
set -euo pipefail

DRY_RUN=0
PURGE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --purge) PURGE=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "uninstall.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
DESTDIR="${DESTDIR:-}"
PREFIX="${PREFIX:-/usr/local}"
UNIT_DIR=/etc/systemd/system
UNITS=(eventd.service eventd.socket eventd-udp.socket eventd-http.socket)

run() {
    if [ "$DRY_RUN" = 1 ]; then echo "would run: $*"; else "$@"; fi
}

SYSTEMD=0
if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then SYSTEMD=1; fi
if [ "$SYSTEMD" = 1 ]; then
    run systemctl disable --now "${UNITS[@]}" || true
fi
for unit in "${UNITS[@]}"; do
    run rm -f "$DESTDIR$UNIT_DIR/$unit"
done
run rm -f "$DESTDIR$PREFIX/bin/eventd"
run rm -rf "$DESTDIR$PREFIX/share/doc/eventd"
if [ "$PURGE" = 1 ]; then
    # StateDirectory= with DynamicUser= lives in /var/lib/private/eventd, linked from /var/lib/eventd.
    run rm -rf "$DESTDIR/etc/eventd" "$DESTDIR/var/lib/eventd" "$DESTDIR/var/lib/private/eventd"
else
    echo "kept: $DESTDIR/etc/eventd (config, secrets) and $DESTDIR/var/lib/eventd (spool); --purge removes them"
fi
if [ "$SYSTEMD" = 1 ]; then
    run systemctl daemon-reload
fi
echo "eventd uninstalled${DESTDIR:+ from $DESTDIR}."
