#!/usr/bin/env bash
# The Debian package as a host owner meets it: dpkg -i, files and permissions, the daemon started
# as the package starts it (the unit's ExecStart as its user; systemd's part done by hand, since
# systemd does not run in the test's root), asked over UDP, HTTP and the control socket, stopped;
# dpkg -r keeps the host's keys, configuration and state, a reinstall finds them, and dpkg -P
# deletes them.
#   bash packaging/test-deb.sh DIR_WITH_THE_DEB        (run by `./mvnw -Pdeb verify` and .ci/run)
#
# It runs in a throwaway copy of this machine: an overlay over / whose writes go to a tmpfs, in
# namespaces of its own (mounts, PIDs, a network with only loopback). So it never touches the
# machine's own files, dpkg database, users or running daemons, and nothing it starts outlives
# it: when it ends, the kernel kills every process in its PID namespace and drops the mounts.
# A weverywhere state directory left by the daemon run as root (the README's first command does
# that) or an installed package is hidden inside, not a reason to refuse.
# Needs root and a kernel with overlayfs. Skipped, saying why, otherwise; under CI (CI=true)
# those are failures instead.
set -euo pipefail

skip() {
  if [[ ${CI:-} == true ]]; then
    echo "test-deb: FAILED: cannot run under CI: $*" >&2
    exit 1
  fi
  echo "test-deb: SKIPPED: $*"
  exit 0
}
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "test-deb: ok   $1"; else fail "$1"; fi
}

host_weverywhere() { # a digest of what this machine has of weverywhere outside the test
  {
    dpkg-query -W -f='${Status} ${Version}\n' weverywhere 2>&1 || true
    getent passwd weverywhere || true
    getent group weverywhere weverywhere-ctl || true
    find /etc/weverywhere /var/lib/weverywhere /usr/lib/weverywhere /var/cache/weverywhere /usr/bin/weverywhere \
      -printf '%p %m %u %g %s %T@\n' 2>/dev/null || true
  } | sha256sum
}

case ${1:-} in
  --throwaway-root) # PID 1 of the new namespaces: build the root, run the test in it, wait
    deb=$2 base=$3
    mount -t tmpfs -o mode=0755 tmpfs "$base"
    mkdir "$base/upper" "$base/work" "$base/root"
    root=$base/root
    mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$root" \
      || fail "cannot mount an overlay over /"
    mount -t proc proc "$root/proc" # this PID namespace's processes only
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t tmpfs -o mode=0755 tmpfs "$root/run" # as at boot: no systemd, no other daemon's socket
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    ip link set lo up
    mkdir "$root/tmp/test-deb"
    cp "$0" "$deb" "$root/tmp/test-deb/"
    status=0
    chroot "$root" /bin/bash /tmp/test-deb/test-deb.sh --inside "/tmp/test-deb/${deb##*/}" || status=$?
    exit "$status"
    ;;
  --inside) # in the throwaway root
    deb=$2
    ;;
  *)
    dir=${1:?usage: test-deb.sh DIR_WITH_THE_DEB}
    deb=$(ls "$dir"/weverywhere_*_all.deb 2>/dev/null | head -1 || true)
    [[ -n $deb ]] || fail "no weverywhere_*_all.deb in $dir"
    [[ $(id -u) == 0 ]] || skip "needs root (dpkg -i, mounts and namespaces)"
    command -v dpkg >/dev/null || skip "no dpkg: not a Debian system"
    command -v unshare >/dev/null || skip "no unshare (util-linux)"
    grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || skip "the kernel has no overlay file system"
    # what the machine has of weverywhere, to show that the test left it as it was
    host_before=$(host_weverywhere)
    base=$(mktemp -d /tmp/we-test-deb-root.XXXXXX) # a mount point only: the tmpfs is private
    status=0
    unshare --mount --pid --net --fork --propagation private \
      bash "$0" --throwaway-root "$(realpath "$deb")" "$base" || status=$?
    rmdir "$base"
    ((status == 0)) || exit "$status"
    [[ $(host_weverywhere) == "$host_before" ]] || fail "the machine's own weverywhere files, package or users changed"
    echo "test-deb: ok   the machine's own weverywhere files, package and users are as they were"
    exit 0
    ;;
esac

# Whatever of weverywhere this machine has is made to vanish from the throwaway root only, so
# that the package meets a clean one.
if dpkg-query -W weverywhere >/dev/null 2>&1; then
  dpkg -P --force-all weverywhere >/dev/null 2>&1 || fail "cannot purge the installed weverywhere from the test's root"
fi
rm -rf /etc/weverywhere /var/lib/weverywhere /usr/lib/weverywhere /var/cache/weverywhere
getent passwd weverywhere >/dev/null && deluser --system --quiet weverywhere >/dev/null 2>&1
for group in weverywhere-ctl weverywhere; do
  getent group "$group" >/dev/null && delgroup --system --quiet "$group" >/dev/null 2>&1
done
# any port will do: this network namespace is the test's own
http_port=${WEVERYWHERE_TEST_DEB_PORT:-23581}
udp_port=$((http_port + 1))

daemon_pid=
work=$(mktemp -d /tmp/we-test-deb.XXXXXX)
cleanup() { # the root and every process in it go when this ends: only the daemon's words are kept
  status=$?
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM -- "-$daemon_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if ((status != 0)) && [[ -f $work/daemon.log ]]; then
    echo "test-deb: the daemon's output (last 30 lines):" >&2
    tail -30 "$work/daemon.log" >&2
  fi
  exit $status
}
trap cleanup EXIT

mode() { stat -c '%a %U:%G' "$1"; }

echo "test-deb: $deb ($(du -m "$deb" | cut -f1) MB)"
dpkg -i --force-confold "$deb" </dev/null >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
check "installed" sh -c "dpkg-query -W -f='\${Status}' weverywhere | grep -q 'install ok installed'"
check "/usr/bin/weverywhere is an executable launcher" test "$(mode /usr/bin/weverywhere)" = "755 root:root"
check "the daemon's start script" test "$(mode /usr/lib/weverywhere/bin/weverywhere-daemon)" = "755 root:root"
check "Liberty's server script is executable" test -x /usr/lib/weverywhere/wlp/bin/server
check "the daemon's server.xml is readable by all" test "$(mode /usr/lib/weverywhere/wlp/usr/servers/weverywhere/server.xml)" = "644 root:root"
check "no build-time keystore password shipped" test ! -e /usr/lib/weverywhere/wlp/usr/servers/weverywhere/server.env
check "the systemd unit" test -f /lib/systemd/system/weverywhere.service
check "the configuration from etc/" test "$(mode /etc/weverywhere/weverywhere.conf)" = "644 root:root"
check "the configuration is conffiles" sh -c "dpkg-query -W -f='\${Conffiles}' weverywhere | grep -q ' /etc/weverywhere/weverywhere.conf '"
check "the daemon may write weverywhere.d (ctl set)" test "$(mode /etc/weverywhere/weverywhere.d)" = "755 weverywhere:weverywhere"
check "the daemon may write groups (ctl group add-key)" test "$(mode /etc/weverywhere/groups)" = "755 weverywhere:weverywhere"
check "the state directory is the daemon's alone" test "$(mode /var/lib/weverywhere)" = "700 weverywhere:weverywhere"
check "a system user that cannot log in" sh -c 'getent passwd weverywhere | grep -q ":/var/lib/weverywhere:/usr/sbin/nologin$"'
check "the control group, with the daemon in it" sh -c 'id -nG weverywhere | grep -qw weverywhere-ctl'
if [[ -f /var/cache/weverywhere/weverywhere.aot ]]; then
  echo "test-deb: ok   the CLI's AOT cache was trained at install"
else
  echo "test-deb: note no AOT cache for the CLI (its JDK is older than 25, or training failed)"
fi
installed_mb=$(du -sm /usr/lib/weverywhere | cut -f1)
check "the installed daemon and CLI take less than 150 MB ($installed_mb MB)" test "$installed_mb" -lt 150

# what systemd does before ExecStart: RuntimeDirectory=weverywhere, mode 0750, the user's
install -d -o weverywhere -g weverywhere -m 0750 /run/weverywhere
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/weverywhere.service)
user=$(sed -n 's/^User=//p' /lib/systemd/system/weverywhere.service)
group=$(sed -n 's/^Group=//p' /lib/systemd/system/weverywhere.service)
# systemd's clean environment, plus this test's ports (any configuration key may come from it)
setsid setpriv --reuid="$user" --regid="$group" --init-groups \
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/weverywhere LANG=C.UTF-8 \
  WEVERYWHERE_HTTP_PORT="$http_port" HTTP_PORT="$http_port" NETWORK_PORT="$udp_port" \
  $exec_start >"$work/daemon.log" 2>&1 </dev/null &
daemon_pid=$!

ready=
started=$SECONDS
for _ in $(seq 1 360); do # at most 180 s: a loaded CI machine starts Liberty slowly
  if curl -sf "http://127.0.0.1:$http_port/health/ready" >"$work/health.json" 2>/dev/null && grep -q '"status":"UP"' "$work/health.json"; then
    ready=yes
    break
  fi
  kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited"
  sleep 0.5
done
[[ -n $ready ]] || fail "the daemon was not ready within 180 s"
node=$(sed -n 's/.*"nodeId":"\([^"]*\)".*/\1/p' "$work/health.json")
echo "test-deb: ok   ready after $((SECONDS - started)) s: $node"
check "the daemon runs as its user" test "$(ps -o user= -p "$(pgrep -u weverywhere -f ws-server.jar | head -1)")" = weverywhere
check "the host key was made in /var/lib/weverywhere, private" test "$(mode /var/lib/weverywhere/host.key.pem)" = "600 weverywhere:weverywhere"
key_before=$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)

weverywhere describe --port "$udp_port" --timeout 10s "127.0.0.1:$udp_port" >"$work/describe.txt" 2>&1 \
  || { cat "$work/describe.txt" >&2; fail "weverywhere describe 127.0.0.1:$udp_port"; }
check "the CLI on the PATH reaches it over UDP" grep -q "$node" "$work/describe.txt"
weverywhere ctl status >"$work/status.txt" 2>&1 || { cat "$work/status.txt" >&2; fail "weverywhere ctl status"; }
check "ctl finds the control socket the package configured" test -S /run/weverywhere/control.sock
check "the control socket belongs to weverywhere-ctl" sh -c "stat -c %G /run/weverywhere/control.sock | grep -qx weverywhere-ctl"

kill -TERM -- "-$daemon_pid"
for _ in $(seq 1 600); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$daemon_pid" 2>/dev/null && fail "the daemon did not stop within 60 s of SIGTERM"
daemon_pid=
echo "test-deb: ok   stopped by SIGTERM"

# a host owner's edits and the daemon's own changes
echo "# edited by the host owner" >>/etc/weverywhere/weverywhere.conf
echo "node.name = kept" >/etc/weverywhere/weverywhere.d/99-control.conf
chown weverywhere:weverywhere /etc/weverywhere/weverywhere.d/99-control.conf

dpkg -r weverywhere >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
check "remove takes the programs" test ! -e /usr/lib/weverywhere -a ! -e /usr/bin/weverywhere
check "remove keeps the host key" test "$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)" = "$key_before"
check "remove keeps the edited configuration" grep -q "edited by the host owner" /etc/weverywhere/weverywhere.conf
check "remove keeps what ctl wrote" test -f /etc/weverywhere/weverywhere.d/99-control.conf

dpkg -i --force-confold "$deb" </dev/null >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i again"; }
check "a reinstall keeps the host key" test "$(sha256sum /var/lib/weverywhere/host.key.pem | cut -d' ' -f1)" = "$key_before"
check "a reinstall keeps the edited configuration" grep -q "edited by the host owner" /etc/weverywhere/weverywhere.conf
check "a reinstall keeps what ctl wrote" test "$(mode /etc/weverywhere/weverywhere.d/99-control.conf)" = "644 weverywhere:weverywhere"
check "a reinstall keeps the state private" test "$(mode /var/lib/weverywhere)" = "700 weverywhere:weverywhere"

dpkg -P weverywhere >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -P"; }
check "purge deletes the configuration" test ! -e /etc/weverywhere
check "purge deletes the state" test ! -e /var/lib/weverywhere
check "purge deletes the user" sh -c '! getent passwd weverywhere >/dev/null'
check "nothing of the package is left" sh -c '! dpkg-query -W weverywhere >/dev/null 2>&1'
echo "test-deb: passed"
