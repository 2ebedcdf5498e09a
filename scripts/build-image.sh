#!/usr/bin/env bash
# Builds the repository's Dockerfile into the image `asger` (or $1) on a Debian machine that has no Docker engine and
# no reachable image registry, as root. On a machine with Docker, `docker build -t asger .` does the same from the
# public base images.
#
# How: buildah with chroot isolation (no OCI runtime, host network). The Dockerfile's two bases are made here once
# and kept in buildah's storage under the exact names its FROM lines use, so the Dockerfile needs no edit:
#   eclipse-temurin:17-jre          debootstrap --variant=minbase bookworm + openjdk-17-jre-headless
#   maven:3-eclipse-temurin-17      the same + openjdk-17-jdk-headless and maven
# Both come from the machine's Debian mirror, read from /etc/apt/sources.list.d/*.sources at run time (nothing
# in the images points at it). A base already in storage is reused: delete it (buildah rmi NAME) to remake it.
# The build stage runs Maven offline against the host's ~/.m2 (mounted), trusting what the host's Java trusts
# (HTTPS from these machines is re-signed by a local CA a fresh image does not know). --format docker: the OCI
# image format has no HEALTHCHECK. --layers: an unchanged step is taken from the last build.
#
# Environment: ASGER_IMAGE_WORK (default /var/tmp/asger-image: scratch space for the base root filesystems),
#              MAVEN_REPO (default ~/.m2), ASGER_MAVEN_ARGS (default -o; empty to let Maven download).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${1:-asger}
RUNTIME_BASE=eclipse-temurin:17-jre
BUILD_BASE=maven:3-eclipse-temurin-17
WORK=${ASGER_IMAGE_WORK:-/var/tmp/asger-image}
MAVEN_REPO=${MAVEN_REPO:-$HOME/.m2}
MAVEN_ARGS=${ASGER_MAVEN_ARGS--o}
APT="apt-get -o DPkg::Lock::Timeout=600"

say() { echo "build-image: $*"; }
[ "$(id -u)" = 0 ] || { say "run as root (debootstrap, chroot and buildah's storage need it)"; exit 1; }

missing=""
for p in buildah debootstrap; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  say "apt-get install:$missing"
  $APT update -q
  DEBIAN_FRONTEND=noninteractive $APT install -y -q --no-install-recommends $missing
fi

has_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# The mirror URI of the deb822 entry that serves bookworm (not the security archive).
debian_mirror() {
  awk '
    /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^|[[:space:]])bookworm([[:space:]]|$)/) { print uri; exit } uri=""; suites=""; next }
    /^URIs:/   { uri=$2 }
    /^Suites:/ { suites=$0 }
    END        { if (uri != "" && suites ~ /(^|[[:space:]])bookworm([[:space:]]|$)/) print uri }
  ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1
}

in_rootfs() {
  chroot "$ROOTFS" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
}

# Commits $ROOTFS as an image named $1 (and docker.io/library/$1, what `FROM $1` means on Docker).
commit_rootfs() {
  local name=$1 ctr
  ctr=$(buildah from --pull=never scratch)
  tar -C "$ROOTFS" --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* -cf "$WORK/rootfs.tar" .
  buildah add --quiet "$ctr" "$WORK/rootfs.tar" / >/dev/null
  rm -f "$WORK/rootfs.tar"
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 \
      --cmd /bin/bash --label org.opencontainers.image.description="asger local base: $2" "$ctr"
  buildah commit --quiet --rm "$ctr" "$name" >/dev/null
  buildah tag "$name" "docker.io/library/$name"
  say "made base $name ($2)"
}

make_bases() {
  local mirror started
  mirror=$(debian_mirror)
  [ -n "$mirror" ] || { say "no bookworm entry in /etc/apt/sources.list.d/*.sources"; exit 1; }
  started=$(date +%s)
  ROOTFS=$WORK/rootfs
  cleanup_rootfs
  mkdir -p "$WORK"
  say "debootstrap --variant=minbase bookworm (the machine's Debian mirror)"
  debootstrap --variant=minbase bookworm "$ROOTFS" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -n 20 "$WORK/debootstrap.log"; exit 1; }
  mount -t proc proc "$ROOTFS/proc"
  trap cleanup_rootfs EXIT
  in_rootfs apt-get -q update >/dev/null
  # Recommends would bring X11 and fonts into a headless server image.
  in_rootfs apt-get -q -y install --no-install-recommends openjdk-17-jre-headless >"$WORK/apt-jre.log" 2>&1 \
      || { tail -n 20 "$WORK/apt-jre.log"; exit 1; }
  strip_rootfs
  has_image "$RUNTIME_BASE" || commit_rootfs "$RUNTIME_BASE" "Debian bookworm, openjdk-17-jre-headless"
  if ! has_image "$BUILD_BASE"; then
    mv "$WORK/sources.list.keep" "$ROOTFS/etc/apt/sources.list"
    in_rootfs apt-get -q update >/dev/null
    in_rootfs apt-get -q -y install --no-install-recommends openjdk-17-jdk-headless maven >"$WORK/apt-jdk.log" 2>&1 \
        || { tail -n 20 "$WORK/apt-jdk.log"; exit 1; }
    strip_rootfs
    commit_rootfs "$BUILD_BASE" "Debian bookworm, openjdk-17-jdk-headless, maven"
  fi
  cleanup_rootfs
  trap - EXIT
  say "bases made in $(( $(date +%s) - started )) s"
}

# No package lists, caches or mirror address in an image.
strip_rootfs() {
  in_rootfs apt-get -q clean
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin
  # Kept beside the root filesystem while a later step still installs packages, never committed.
  mv "$ROOTFS/etc/apt/sources.list" "$WORK/sources.list.keep"
}

cleanup_rootfs() {
  if [ -n "${ROOTFS:-}" ]; then
    mountpoint -q "$ROOTFS/proc" 2>/dev/null && umount "$ROOTFS/proc"
    rm -rf "$ROOTFS" "$WORK/sources.list.keep"
  fi
}

if has_image "$RUNTIME_BASE" && has_image "$BUILD_BASE"; then
  say "bases $RUNTIME_BASE and $BUILD_BASE already in buildah's storage"
else
  make_bases
fi

[ -d "$MAVEN_REPO" ] || mkdir -p "$MAVEN_REPO"
started=$(date +%s)
say "buildah bud -t $IMAGE ."
buildah bud --isolation chroot --pull=never --layers --format docker \
    -v "$MAVEN_REPO:/root/.m2" \
    -v /etc/ssl/certs/java/cacerts:/etc/ssl/certs/java/cacerts:ro \
    --build-arg "MAVEN_ARGS=$MAVEN_ARGS" \
    -t "$IMAGE" .
say "built $IMAGE in $(( $(date +%s) - started )) s; size $(buildah images --format '{{.Size}}' "$IMAGE" | head -n 1)"
