#!/bin/sh
# Installs the peers asger's end-to-end tests talk to, on a fresh Debian bookworm machine, as root (CI).
# Idempotent: a second run checks and skips what is already there.
#
#   goiardi + ruby-mixlib-authentication   Chef server and the signing reference (Chef tests), from bookworm
#   openssl                                 makes the throw-away certificates of the TLS tests
#   buildah debootstrap podman runc         ContainerIT: scripts/build-image.sh builds the image, podman runs it
#   moto's dependencies                     from bookworm
#   moto 5.1.1 (python3-moto, trixie)       bookworm has no moto; trixie's pure-Python .deb runs on bookworm's
#                                           python3.11. It is fetched with a private apt state (own sources list,
#                                           lists and cache) so the machine itself stays on bookworm, and only
#                                           unpacked (dpkg -x) into $ASGER_PEERS_DIR/moto, not installed.
#
# Environment: ASGER_PEERS_DIR (default /var/tmp/asger-peers).
# The Debian mirror is read at run time from /etc/apt/sources.list.d/*.sources (the one serving bookworm).
set -eu

PEERS_DIR=${ASGER_PEERS_DIR:-/var/tmp/asger-peers}
MOTO_DIR=$PEERS_DIR/moto
MOTO_SITE=$MOTO_DIR/usr/lib/python3/dist-packages
APT_PRIVATE=$PEERS_DIR/apt-trixie
APT="apt-get -o DPkg::Lock::Timeout=600"
# Debian's interpreter, whatever python3 comes first on PATH (a pyenv one would bring its own packages).
PYTHON=/usr/bin/python3

say() { echo "install-test-peers: $*"; }

[ "$(id -u)" = 0 ] || { say "run as root (apt-get install)"; exit 1; }

# --- Debian packages from the machine's own suite --------------------------------------------------------
PACKAGES="goiardi ruby ruby-mixlib-authentication openssl buildah debootstrap podman runc
  python3-boto3 python3-flask python3-flask-cors python3-werkzeug python3-responses python3-xmltodict
  python3-jinja2 python3-cryptography python3-dateutil python3-requests python3-antlr4 python3-yaml"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  say "apt-get install:$missing"
  $APT update -q
  DEBIAN_FRONTEND=noninteractive $APT install -y -q --no-install-recommends $missing
else
  say "Debian packages already installed: $(echo $PACKAGES | wc -w) packages"
fi

# --- moto, unpacked from trixie's python3-moto ---------------------------------------------------------
if [ -f "$MOTO_SITE/moto/server.py" ]; then
  say "moto already unpacked in $MOTO_DIR ($(cat "$MOTO_DIR/VERSION" 2>/dev/null || echo unknown version))"
else
  # The mirror URI of the deb822 entry that serves bookworm (not the security archive).
  MIRROR=$(awk '
      /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^|[[:space:]])bookworm([[:space:]]|$)/) { print uri; exit } uri=""; suites=""; next }
      /^URIs:/   { uri=$2 }
      /^Suites:/ { suites=$0 }
      END        { if (uri != "" && suites ~ /(^|[[:space:]])bookworm([[:space:]]|$)/) print uri }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
  if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list ]; then
    # One-line format: deb [options] URI bookworm main
    MIRROR=$(awk '$1 == "deb" { sub(/\[[^]]*\] */, ""); if ($3 == "bookworm") { print $2; exit } }' /etc/apt/sources.list)
  fi
  [ -n "$MIRROR" ] || { say "no bookworm entry in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"; exit 1; }

  KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$KEYRING" ] || { say "missing $KEYRING (package debian-archive-keyring)"; exit 1; }
  # trixie's Release is signed by the 13/trixie archive keys; bookworm's debian-archive-keyring carries them.
  for k in /usr/share/keyrings/debian-archive-trixie-automatic.gpg; do
    [ -f "$k" ] || say "warning: $k absent; trixie's signature may not verify (update debian-archive-keyring)"
  done

  mkdir -p "$APT_PRIVATE/lists/partial" "$APT_PRIVATE/cache/archives/partial" "$APT_PRIVATE/sources.list.d" \
           "$APT_PRIVATE/preferences.d" "$APT_PRIVATE/download"
  cat > "$APT_PRIVATE/sources.list.d/trixie.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: trixie
Components: main
Signed-By: $KEYRING
EOF
  # Every apt path that could reach the system's state points into the private dir; the dpkg status file
  # is only read (apt needs it to build its cache) and nothing is installed.
  PRIVATE_OPTS="-o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts=$APT_PRIVATE/sources.list.d
    -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=$APT_PRIVATE/preferences.d
    -o Dir::State::Lists=$APT_PRIVATE/lists
    -o Dir::Cache=$APT_PRIVATE/cache
    -o Dir::Cache::archives=$APT_PRIVATE/cache/archives
    -o APT::Sandbox::User=root
    -o Acquire::Languages=none"

  say "fetching python3-moto from trixie (mirror from /etc/apt/sources.list.d, private apt state in $APT_PRIVATE)"
  $APT $PRIVATE_OPTS update -q
  VERSION=$(apt-cache $PRIVATE_OPTS show python3-moto 2>/dev/null | awk '/^Version:/ { print $2; exit }')
  [ -n "$VERSION" ] || { say "python3-moto not found in trixie"; exit 1; }
  rm -f "$APT_PRIVATE"/download/python3-moto_*.deb
  (cd "$APT_PRIVATE/download" && $APT $PRIVATE_OPTS download python3-moto)
  DEB=$(ls "$APT_PRIVATE"/download/python3-moto_*_all.deb)

  rm -rf "$MOTO_DIR.tmp"
  mkdir -p "$MOTO_DIR.tmp"
  dpkg -x "$DEB" "$MOTO_DIR.tmp"
  echo "$VERSION" > "$MOTO_DIR.tmp/VERSION"
  rm -rf "$MOTO_DIR"
  mv "$MOTO_DIR.tmp" "$MOTO_DIR"
  say "moto $VERSION unpacked into $MOTO_DIR"
fi

# --- verify: moto server starts and answers -------------------------------------------------------------
PORT=$($PYTHON -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
LOG=$PEERS_DIR/moto-verify.log
PYTHONPATH=$MOTO_SITE $PYTHON -m moto.server -H 127.0.0.1 -p "$PORT" > "$LOG" 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID 2>/dev/null || true' EXIT
i=0
until $PYTHON -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/', timeout=1)" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 150 ] || ! kill -0 $MOTO_PID 2>/dev/null; then
    say "moto server did not answer on 127.0.0.1:$PORT; its output:"; cat "$LOG"; exit 1
  fi
  sleep 0.2
done
kill $MOTO_PID; wait $MOTO_PID 2>/dev/null || true
trap - EXIT
say "verified: PYTHONPATH=$MOTO_SITE $PYTHON -m moto.server answered on 127.0.0.1:$PORT"
