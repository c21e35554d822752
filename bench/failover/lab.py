"""The lab: a bridge namespace, three host namespaces and a client namespace.

Everything is named <prefix>-*, where the prefix carries this run's PID, so that a later run can
sweep what a killed run left behind. Only documentation addresses are used (198.51.100.0/24 and
2001:db8::/32); nothing in the root namespace is touched. Processes are tracked by PID and stopped
by PID; every wait is bounded.
"""

import os
import re
import signal
import subprocess
import time

HOSTS = ("h1", "h2", "h3")
HOST_IP4 = {"h1": "198.51.100.11", "h2": "198.51.100.12", "h3": "198.51.100.13"}
HOST_IP6 = {"h1": "2001:db8::11", "h2": "2001:db8::12", "h3": "2001:db8::13"}
HOST_MAC = {"h1": "02:00:00:00:00:11", "h2": "02:00:00:00:00:12", "h3": "02:00:00:00:00:13"}
CLIENT_IP4 = "198.51.100.9"
CLIENT_IP6 = "2001:db8::9"
CLIENT_MAC = "02:00:00:00:00:09"
VIP4 = "198.51.100.100"
VIP6 = "2001:db8::100"
PREFIX_RE = re.compile(r"^vipd-bf-(\d+)-")


def sh(*args, check=True, timeout=30, capture=True):
    """Runs a command (argv), bounded; returns its stdout."""
    r = subprocess.run(args, check=False, timeout=timeout, text=True,
                       stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {(r.stderr or '').strip()}")
    return r.stdout or ""


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_pid(proc, sig=signal.SIGTERM, wait_s=10.0):
    """Stops one Popen by PID: SIG, then SIGKILL after a bounded wait; reaps it."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGCONT)
        os.kill(proc.pid, sig)
        proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        proc.wait(timeout=5)


def ns_list():
    out = sh("ip", "netns", "list")
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def delete_ns(ns):
    """Deletes one namespace after SIGKILLing (by PID) whatever still runs in it."""
    for pid in sh("ip", "netns", "pids", ns, check=False).split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    sh("ip", "netns", "del", ns, check=False)


def sweep_dead_runs():
    """Removes namespaces of earlier runs whose process is gone."""
    for ns in ns_list():
        m = PREFIX_RE.match(ns)
        if m and not alive(int(m.group(1))):
            print(f"bench: removing leftover namespace {ns} of dead run {m.group(1)}")
            delete_ns(ns)


class Lab:
    def __init__(self):
        self.prefix = f"vipd-bf-{os.getpid()}-"
        self.bridge = self.prefix + "br"
        self.created = []

    def ns(self, name):
        return self.prefix + name

    def exec_argv(self, name, *argv):
        return ["ip", "netns", "exec", self.ns(name), *argv]

    def run(self, name, *argv, check=True, timeout=30):
        return sh(*self.exec_argv(name, *argv), check=check, timeout=timeout)

    def build(self):
        sweep_dead_runs()
        self._add_ns(self.bridge)
        br = ["ip", "-n", self.bridge]
        sh(*br, "link", "add", "br0", "type", "bridge")
        sh(*br, "link", "set", "br0", "up")
        # br_netfilter, when the host has it loaded, makes lab bridges drop ARP/IPv6 frames.
        for key in ("iptables", "ip6tables", "arptables"):
            self.run("br", "sysctl", "-qw", f"net.bridge.bridge-nf-call-{key}=0", check=False)
        for host in HOSTS:
            self._add_host(host, HOST_IP4[host], HOST_IP6[host], HOST_MAC[host])
        self._add_host("client", CLIENT_IP4, CLIENT_IP6, CLIENT_MAC)

    def _add_ns(self, ns):
        sh("ip", "netns", "add", ns)
        self.created.append(ns)

    def _add_host(self, name, ip4, ip6, mac):
        ns = self.ns(name)
        self._add_ns(ns)
        sh("ip", "-n", self.bridge, "link", "add", "v" + name, "type", "veth", "peer", "name",
           "eth0", "netns", ns)
        sh("ip", "-n", self.bridge, "link", "set", "v" + name, "master", "br0", "up")
        for key in ("net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                    "net.ipv6.conf.eth0.accept_dad=0"):
            self.run(name, "sysctl", "-qw", key)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", "eth0", "address", mac)
        sh("ip", "-n", ns, "addr", "add", ip4 + "/24", "dev", "eth0")
        sh("ip", "-n", ns, "addr", "add", ip6 + "/64", "dev", "eth0", "nodad")
        sh("ip", "-n", ns, "link", "set", "eth0", "up")

    def port(self, host, up):
        """Brings a host's switch port (its veth end in the bridge) up or down."""
        sh("ip", "-n", self.bridge, "link", "set", "v" + host, "up" if up else "down")

    def destroy(self):
        for ns in reversed(self.created):
            delete_ns(ns)
        self.created.clear()
