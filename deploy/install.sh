#!/usr/bin/env bash
# Installs eventd as a systemd service: the binary, the unit files, a config and an environment
# file for secrets. Run from a checkout, as root:
#
#   deploy/install.sh                 # build (release), install, systemctl daemon-reload
#   deploy/install.sh --dry-run       # print what would be done, change nothing
#   DESTDIR=/tmp/stage deploy/install.sh --binary .build/release/eventd   # stage into a tree (packaging, tests)
#
# Options:
#   --dry-run        print each action instead of doing it
#   --binary PATH    install this eventd binary instead of building one (`swift build -c release`)
#   --no-reload      do not run `systemctl daemon-reload` (implied by DESTDIR, and when systemd is not running)
# Environment:
#   DESTDIR          staging root prefixed to every installed path (default: none)
#   PREFIX           where the binary goes, $PREFIX/bin/eventd (default /usr/local); the units are
#                    rewritten to point at it
#
# Installed: $PREFIX/bin/eventd; /etc/systemd/system/eventd.service, eventd.socket,
# eventd-udp.socket, eventd-http.socket; README.md and docs/ in $PREFIX/share/doc/eventd;
# /etc/eventd/eventd.toml and /etc/eventd/eventd.env (0600),
# each only if absent, so an upgrade keeps your settings. Nothing is enabled or started: see the
# commands printed at the end. deploy/uninstall.sh removes it all again (the config only on request).
set -euo pipefail

cd "$(dirname "$0")/.."
DRY_RUN=0
BINARY=""
RELOAD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --binary) BINARY="${2:?--binary needs a path}"; shift ;;
        --no-reload) RELOAD=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done
DESTDIR="${DESTDIR:-}"
PREFIX="${PREFIX:-/usr/local}"
UNIT_DIR=/etc/systemd/system
CONFIG_DIR=/etc/eventd
UNITS=(eventd.service eventd.socket eventd-udp.socket eventd-http.socket)

run() {
    if [ "$DRY_RUN" = 1 ]; then echo "would run: $*"; else "$@"; fi
}

if [ -z "$BINARY" ]; then
    run swift build -c release --product eventd
    BINARY=.build/release/eventd
fi
if [ "$DRY_RUN" = 0 ] && [ ! -x "$BINARY" ]; then
    echo "install.sh: $BINARY is not an executable file" >&2
    exit 1
fi

run install -d -m 0755 "$DESTDIR$PREFIX/bin" "$DESTDIR$UNIT_DIR" "$DESTDIR$CONFIG_DIR" "$DESTDIR$PREFIX/share/doc/eventd"
run install -m 0755 "$BINARY" "$DESTDIR$PREFIX/bin/eventd"
for unit in "${UNITS[@]}"; do
    if [ "$DRY_RUN" = 1 ]; then
        echo "would install: deploy/systemd/$unit -> $DESTDIR$UNIT_DIR/$unit (binary path $PREFIX/bin/eventd)"
    else
        sed -e "s#/usr/local/bin/eventd#$PREFIX/bin/eventd#g" -e "s#/usr/local/share/doc/eventd#$PREFIX/share/doc/eventd#g" \
            "deploy/systemd/$unit" > "$DESTDIR$UNIT_DIR/$unit"
        chmod 0644 "$DESTDIR$UNIT_DIR/$unit"
    fi
done
run install -m 0644 README.md "$DESTDIR$PREFIX/share/doc/eventd/README.md"
# The README links into docs/: install its pages beside it, sub-folders included, so the links hold.
while IFS= read -r page; do
    run install -D -m 0644 "$page" "$DESTDIR$PREFIX/share/doc/eventd/$page"
done < <(find docs -name '*.md' | sort)

# Settings are the operator's: never overwritten.
if [ -e "$DESTDIR$CONFIG_DIR/eventd.toml" ]; then
    echo "kept: $DESTDIR$CONFIG_DIR/eventd.toml (already present)"
else
    run install -m 0644 Config/eventd.toml "$DESTDIR$CONFIG_DIR/eventd.toml"
fi
if [ -e "$DESTDIR$CONFIG_DIR/eventd.env" ]; then
    echo "kept: $DESTDIR$CONFIG_DIR/eventd.env (already present)"
elif [ "$DRY_RUN" = 1 ]; then
    echo "would create: $DESTDIR$CONFIG_DIR/eventd.env (mode 0600)"
else
    (umask 077; cat > "$DESTDIR$CONFIG_DIR/eventd.env" <<'ENV'
# Secrets for eventd.service (EnvironmentFile=), readable by root only.
# EVENTD_DATABASE_URL=postgresql://eventd:PASSWORD@db.example.com:5432/eventd
ENV
    )
fi

# daemon-reload only on this machine's own systemd, not into a staging tree.
if [ "$RELOAD" = 1 ] && [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    run systemctl daemon-reload
fi

cat <<DONE
eventd installed${DESTDIR:+ under $DESTDIR}. Next:
  1. set EVENTD_DATABASE_URL in $CONFIG_DIR/eventd.env and review $CONFIG_DIR/eventd.toml
  2. $PREFIX/bin/eventd migrate --database-url "\$EVENTD_DATABASE_URL"
  3. systemctl enable --now eventd.socket eventd-udp.socket eventd-http.socket eventd.service
DONE
