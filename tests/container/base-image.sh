#!/usr/bin/env bash
# Makes a local base image for the Dockerfile on a machine that reaches Debian's packages but no image
# registry: debootstrap Debian 12 (python3 3.11 and its venv module) into a folder, import it into podman.
#   tests/container/base-image.sh [image name]      (default localhost/vertaisbotti-base:bookworm)
# Needs root, debootstrap and podman. The image trusts the certificate authorities this machine trusts, so that
# pip inside the build reaches PyPI the way the machine itself does.
set -euo pipefail
IMAGE="${1:-localhost/vertaisbotti-base:bookworm}"
missing=""
for tool in podman buildah debootstrap runc; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  echo "installing$missing from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$missing
fi
if podman image exists "$IMAGE"; then
  echo "base image $IMAGE exists"
  exit 0
fi
# The Debian mirror this machine's apt already uses (deb822 sources first, then a classic sources.list).
MIRROR="$(grep -h -m1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)"
if [ -z "$MIRROR" ]; then
  MIRROR="$(grep -h -m1 '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -n1 || true)"
fi
[ -n "$MIRROR" ] || { echo "no Debian mirror found in /etc/apt" >&2; exit 1; }
ROOTFS="$(mktemp -d /var/tmp/vertaisbotti-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$ROOTFS" "$MIRROR"
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | podman import \
  --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["/bin/bash"]' - "$IMAGE"
echo "base image $IMAGE imported"
