#!/usr/bin/env bash
# A one-node Ceph cluster (monitor, memstore OSD, RADOS Gateway) on 127.0.0.1, for s3storm's tests
# and benchmarks against a real S3 that verifies SigV4 and sends bucket notifications.
#
#   scripts/ceph-rgw.sh start [DIR]   start it (or find it running), print the endpoint
#   scripts/ceph-rgw.sh status [DIR]  exit 0 when it runs and answers, 1 otherwise
#   scripts/ceph-rgw.sh stop [DIR]    end the daemons it started, by their pid files
#
# DIR (default $CEPH_RGW_DIR, else build/ceph-rgw in the repo) holds every file: configuration,
# keyring, monitor store, logs, sockets, pid files. Nothing goes to /etc or /var, and stop ends
# only processes whose pid file is in DIR and whose command line names DIR's ceph.conf.
# After start, DIR/env holds S3_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (mode 600;
# the secret is never printed). Exit status 77: the Ceph packages are not installed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-}
dir=${2:-${CEPH_RGW_DIR:-$repo/build/ceph-rgw}}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
conf=$dir/ceph.conf
export CEPH_CONF=$conf

say() { echo "ceph-rgw: $*" >&2; }

daemons=(radosgw ceph-osd ceph-mon)  # stop order: clients of the monitor first

# The pid in DIR/run/NAME.pid, if that process is alive and was started with DIR's ceph.conf
# (a recycled pid belonging to someone else is never touched).
our_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$conf" || return 1
  echo "$pid"
}

stop_cluster() {
  local file pid waited
  for name in "${daemons[@]}"; do
    for file in "$dir"/run/*.pid; do
      [ -e "$file" ] || continue
      pid=$(our_pid "$file") || { rm -f "$file"; continue; }
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name" || continue
      kill -TERM "$pid" 2>/dev/null || true
      waited=0
      while kill -0 "$pid" 2>/dev/null && ((waited < 50)); do
        sleep 0.1
        waited=$((waited + 1))
      done
      if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) ignored SIGTERM for 5 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -f "$file"
    done
  done
}

rgw_answers() {
  [ -f "$dir/env" ] || return 1
  local endpoint
  endpoint=$(sed -n 's/^S3_ENDPOINT=//p' "$dir/env")
  [ -n "$endpoint" ] && curl -s -o /dev/null --max-time 2 "$endpoint/"
}

running() {
  local name
  for name in mon.a osd.0 client.rgw.a; do
    our_pid "$dir/run/$name.pid" >/dev/null || return 1
  done
  rgw_answers
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_until() {  # wait_until SECONDS WHAT COMMAND...
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= limit)); then
      say "$what not ready after ${limit} s; logs in $dir/log"
      return 1
    fi
    sleep 0.1
  done
}

osd_up() { ceph --connect-timeout 5 osd dump 2>/dev/null | grep -q '^osd\.0 up'; }

tools=(ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool ceph curl uuidgen)
missing_tools() {
  local tool
  for tool in "${tools[@]}"; do command -v "$tool" >/dev/null 2>&1 || echo "$tool"; done
}

# The Debian packages, installed when missing and this is root with apt; otherwise exit 77 (the
# tests' "skipped") with the reason.
ensure_packages() {
  [ -z "$(missing_tools)" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ceph-mon ceph-osd radosgw ceph-common"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      ceph-mon ceph-osd radosgw ceph-common curl uuid-runtime >/dev/null; then
      [ -z "$(missing_tools)" ] && return 0
    fi
  fi
  say "cannot run Ceph here: missing $(missing_tools | tr '\n' ' ')(needs the Debian packages" \
    "ceph-mon ceph-osd radosgw ceph-common, installed as root by scripts/setup.sh)"
  exit 77
}

start_cluster() {
  ensure_packages
  stop_cluster  # leftovers of a failed start
  find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  mkdir -p "$dir"/{run,log,mon,osd/ceph-0,rgw,crash}

  local mon_v2 mon_v1 rgw_port fsid osd_uuid access secret
  mon_v2=$(free_port)
  mon_v1=$(free_port)
  rgw_port=$(free_port)
  fsid=$(uuidgen)
  osd_uuid=$(uuidgen)
  access=s3storm$(openssl rand -hex 6)
  secret=$(openssl rand -hex 20)

  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/crash
log to stderr = false
err to stderr = false
# one OSD: every pool has one replica, placed on that OSD
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off

[mon]
mon data = $dir/mon/\$cluster-\$id
# the default 1 s proposal interval makes the start ~13 s and each new pool ~2 s
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = memstore
# everything lives in RAM: the tests keep their data small, and this caps it
memstore device bytes = 2147483648

[client.rgw.a]
rgw data = $dir/rgw
# Civetweb, not the default beast: RGW 16.2's beast frontend can lose the completion of a
# synchronous topic's push (its HTTP client checks "done" outside the lock before it suspends the
# request; fixed upstream by ceph PR 57632, not in 16.2), and that S3 request then never gets an
# answer although its event was delivered. Civetweb runs each request on its own thread, which
# waits for the push under the lock. Without tcp_nodelay, GET, COPY and LIST each wait ~45 ms for
# Nagle.
rgw frontends = civetweb port=127.0.0.1:$rgw_port tcp_nodelay=1
EOF

  local keyring=$dir/keyring
  ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' \
    --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' \
    --cap mgr 'allow rw' >/dev/null
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_v2,v1:127.0.0.1:$mon_v1]" \
    "$dir/monmap" >/dev/null

  # Daemons fork into the background: their stdio goes to files, never to our caller's pipes.
  ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$keyring" \
    </dev/null >"$dir/log/mkfs-mon.out" 2>&1
  ceph-mon -c "$conf" -i a </dev/null >"$dir/log/mon.a.out" 2>&1
  wait_until 30 "the monitor" ceph --connect-timeout 5 mon stat

  ceph --connect-timeout 5 osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" </dev/null >"$dir/log/mkfs-osd.out" 2>&1
  ceph-osd -c "$conf" -i 0 </dev/null >"$dir/log/osd.0.out" 2>&1
  wait_until 60 "the OSD" osd_up

  radosgw -c "$conf" -n client.rgw.a </dev/null >"$dir/log/rgw.a.out" 2>&1
  wait_until 60 "radosgw" curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$rgw_port/"

  radosgw-admin -c "$conf" user create --uid=s3storm --display-name=s3storm \
    --access-key="$access" --secret="$secret" </dev/null >/dev/null 2>"$dir/log/user-create.err"

  (
    umask 077
    cat >"$dir/env" <<EOF
S3_ENDPOINT=http://127.0.0.1:$rgw_port
AWS_ACCESS_KEY_ID=$access
AWS_SECRET_ACCESS_KEY=$secret
EOF
  )
}

case $action in
  start)
    if running; then
      say "already running"
    else
      # A start that fails half-way leaves nothing running.
      trap 'status=$?; ((status == 0 || status == 77)) || stop_cluster; exit $status' EXIT
      start_cluster
      trap - EXIT
    fi
    sed -n 's/^S3_ENDPOINT=//p' "$dir/env"
    ;;
  status)
    if running; then
      sed -n 's/^S3_ENDPOINT=//p' "$dir/env"
    else
      say "not running (dir $dir)"
      exit 1
    fi
    ;;
  stop)
    stop_cluster
    ;;
  *)
    echo "usage: $0 start|status|stop [DIR]" >&2
    exit 2
    ;;
esac
