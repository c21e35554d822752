"""The daemons under test: vipd (built from this tree) and keepalived (Debian package).

Each peer starts, signals and restarts one host's daemon by PID and knows when the lab is steady
(every running host has joined and both VIPs are owned).
"""

import json
import os
import re
import signal
import socket
import subprocess
import time

import lab
from lab import HOSTS, HOST_IP4, VIP4, VIP6

# vipd runs through the shipped launcher (packaging/src/bin/vipd), so it gets the shipped JVM
# flags; VIPD_BENCH_JAVA_OPTS adds options after them (they win), e.g. another collector.
LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging",
                        "src", "bin", "vipd")
JAVA_OPTS = os.environ.get("VIPD_BENCH_JAVA_OPTS", "").split()


class Peer:
    """One daemon flavour on the three lab hosts."""

    kind = ""
    # How long a fault phase and a return phase are watched (s), generous for this peer.
    fault_s = 3.0
    return_s = 6.0

    def __init__(self, name, the_lab, tmp):
        self.name = name
        self.lab = the_lab
        self.tmp = tmp
        self.procs = {}
        self.started_at = {}

    def log_path(self, host):
        return os.path.join(self.tmp, f"{self.name}-{host}.log")

    def start(self, host):
        raise NotImplementedError

    def pids(self, host):
        """Every PID of the host's daemon (keepalived forks a VRRP child)."""
        p = self.procs.get(host)
        if p is None or p.poll() is not None:
            return []
        return [p.pid, *children(p.pid)]

    def signal(self, host, sig):
        for pid in self.pids(host):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def kill9(self, host):
        self.signal(host, signal.SIGKILL)
        self.procs[host].wait(timeout=10)

    def terminate(self, host, wait_s=20):
        lab.stop_pid(self.procs.get(host), signal.SIGTERM, wait_s)

    def after_crash(self, host):
        """What the service manager runs after the daemon died (ExecStopPost)."""

    def cpu_seconds(self, host):
        """User + system CPU seconds used so far by the host's daemon processes."""
        total = 0.0
        for pid in self.pids(host):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                pass
        return total

    def max_gc_pause_ms(self):
        return None

    def steady(self, running):
        """True when every running host has joined and both VIPs are owned."""
        raise NotImplementedError

    def stop_all(self):
        for host in list(self.procs):
            self.terminate(host, 20)
        self.procs.clear()

    def open_log(self, host):
        self.started_at[host] = time.time()
        return open(self.log_path(host), "a")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


class Vipd(Peer):
    kind = "vipd"
    fault_s = 3.0
    return_s = 10.0  # a healed partition merges after a few seconds

    def __init__(self, name, the_lab, tmp, jar, profile, java_opts=None):
        super().__init__(name, the_lab, tmp)
        self.jar = jar
        self.java_opts = JAVA_OPTS if java_opts is None else java_opts
        self.profile = profile
        key = os.path.join(tmp, "cluster.key")
        if not os.path.exists(key):
            with open(key, "w") as f:
                f.write(os.urandom(32).hex() + "\n")
            os.chmod(key, 0o600)
        peers = ", ".join(f'"{HOST_IP4[h]}"' for h in HOSTS)
        for host in HOSTS:
            with open(self.conf(host), "w") as f:
                f.write(f"""vipd {{
  node {{ name = "{host}" }}
  cluster {{ name = "bench", bind = "{HOST_IP4[host]}", peers = [{peers}],
            secret-file = "{key}", failure-detection = {profile} }}
  pools = [ {{ name = "bench", interface = "eth0", addresses = ["{VIP4}", "{VIP6}"],
              preferred-nodes = ["h1", "h2", "h3"] }} ]
  http {{ listen = "{HOST_IP4[host]}:9476" }}
  control-socket = "{tmp}/{name}-{host}.sock"
  drain-state-file = "{tmp}/{name}-{host}.drained"
}}
""")

    def conf(self, host):
        return os.path.join(self.tmp, f"{self.name}-{host}.conf")

    def max_gc_pause_ms(self):
        """The longest stop-the-world pause in the hosts' GC logs (-Xlog:gc)."""
        best = None
        for host in HOSTS:
            try:
                with open(os.path.join(self.tmp, f"{self.name}-{host}.gc.log")) as f:
                    for line in f:
                        m = re.search(r"\) Pause .* ([0-9.]+)ms$", line.strip())
                        if m:
                            best = max(best or 0.0, float(m.group(1)))
            except OSError:
                pass
        return best

    def notify_path(self, host):
        return os.path.join(self.tmp, f"{self.name}-{host}.notify")

    def start(self, host):
        """Starts vipd; returns a datagram socket that hears its sd_notify messages."""
        path = self.notify_path(host)
        if os.path.exists(path):
            os.unlink(path)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(path)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        gc_log = os.path.join(self.tmp, f"{self.name}-{host}.gc.log")
        # {host} in an option names a per-host file (e.g. -XX:ArchiveClassesAtExit=/x/{host}.jsa).
        opts = " ".join([*(o.replace("{host}", host) for o in self.java_opts),
                         f"-Xlog:gc,safepoint:file={gc_log}:uptime"])
        argv = self.lab.exec_argv(host, "env", f"VIPD_JAR={self.jar}", f"VIPD_OPTS={opts}", "sh",
                                  os.path.abspath(LAUNCHER), "run", "--config", self.conf(host))
        log = self.open_log(host)
        self.procs[host] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        return notify

    def after_crash(self, host):
        self.lab.run(host, "java", "-XX:TieredStopAtLevel=1", "-jar", self.jar, "cleanup",
                     check=False, timeout=30)

    def status(self, host):
        out = self.lab.run("client", "curl", "-s", "--max-time", "2",
                           f"http://{HOST_IP4[host]}:9476/status", check=False, timeout=10)
        try:
            return json.loads(out)
        except ValueError:
            return None

    def steady(self, running):
        for host in running:
            st = self.status(host)
            if not st or st.get("fenced") or len(st.get("members", [])) != len(running):
                return False
            if any(m.get("suspected") or not m.get("verified") for m in st["members"]):
                return False
            owners = {v["vip"]: v["owner"] for p in st.get("pools", []) for v in p["vips"]}
            if owners.get(VIP4) not in running or owners.get(VIP6) not in running:
                return False
        return True


class Keepalived(Peer):
    kind = "keepalived"
    PRIORITY = {"h1": 150, "h2": 100, "h3": 50}

    def __init__(self, name, the_lab, tmp, version, advert_int):
        super().__init__(name, the_lab, tmp)
        self.version = version
        self.advert_int = advert_int
        self.fault_s = 6.0 if advert_int >= 1 else 3.0
        self.return_s = 6.0 if advert_int >= 1 else 4.0
        for host in HOSTS:
            # VRRPv2 carries IPv4 only: the IPv6 instance is VRRPv3 at the same interval.
            v6_version = 3
            with open(self.conf(host), "w") as f:
                f.write(f"""global_defs {{
  router_id {host}
}}
vrrp_instance V4 {{
  state BACKUP
  interface eth0
  virtual_router_id 51
  version {version}
  priority {self.PRIORITY[host]}
  advert_int {advert_int}
  virtual_ipaddress {{
    {VIP4}/24
  }}
}}
vrrp_instance V6 {{
  state BACKUP
  interface eth0
  virtual_router_id 52
  version {v6_version}
  priority {self.PRIORITY[host]}
  advert_int {advert_int}
  virtual_ipaddress {{
    {VIP6}/64
  }}
}}
""")

    def conf(self, host):
        return os.path.join(self.tmp, f"{self.name}-{host}.keepalived.conf")

    def start(self, host):
        base = os.path.join(self.tmp, f"{self.name}-{host}")
        argv = self.lab.exec_argv(host, "keepalived", "--dont-fork", "--log-console",
                                  "--log-detail", "--vrrp", "-f", self.conf(host),
                                  "-p", base + ".pid", "-r", base + ".vrrp.pid")
        log = self.open_log(host)
        self.procs[host] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return None

    def states(self, host):
        """{instance: last state entered} since the host's latest start."""
        with open(self.log_path(host)) as f:
            text = f.read().split("Starting VRRP child process")[-1]
        return dict(re.findall(r"\((V[46])\) Entering (\w+) STATE", text))

    def steady(self, running):
        """Every host has entered a state; the highest priority running is MASTER of both."""
        top = max(running, key=lambda h: self.PRIORITY[h])
        for host in running:
            st = self.states(host)
            want = "MASTER" if host == top else "BACKUP"
            if st.get("V4") != want or st.get("V6") != want:
                return False
        return True
