package dev.vipd.daemon.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two lab namespaces on one veth link: {@code host} (eth0, 198.51.100.1/24, 2001:db8::1/64), where
 * vipd binds VIPs, and {@code client} (eth0, 198.51.100.2/24, 2001:db8::2/64).
 */
final class Lan {

  final NetnsLab lab;
  final String host;
  final String client;
  final String hostMac;

  Lan(NetnsLab lab) {
    this.lab = lab;
    host = lab.namespace("host");
    client = lab.namespace("client");
    // The peer is created directly in the client namespace: nothing touches the root namespace.
    lab.run(host, "ip link add eth0 type veth peer name eth0 netns " + client);
    for (String[] side : new String[][] {{host, "1"}, {client, "2"}}) {
      lab.run(side[0], "ip addr add 198.51.100." + side[1] + "/24 dev eth0");
      lab.run(side[0], "ip -6 addr add 2001:db8::" + side[1] + "/64 dev eth0 nodad");
      lab.run(side[0], "ip link set eth0 up");
    }
    hostMac = lab.mac(host, "eth0");
  }

  /** A TCP server on {@code vip}:{@code port} in the host namespace that greets with "vipd". */
  void serve(String vip, int port) throws Exception {
    String script =
        "import socket,sys\n"
            + "s=socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET)\n"
            + "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            + "s.bind((sys.argv[1],int(sys.argv[2])))\n"
            + "s.listen(8)\n"
            + "print('ready',flush=True)\n"
            + "while True:\n"
            + "  c,_=s.accept()\n"
            + "  c.sendall(b'vipd')\n"
            + "  c.close()\n";
    Process server =
        lab.start(host, List.of("python3", "-c", script, vip, String.valueOf(port)));
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (java.io.IOException e) {
                    return "read failed: " + e;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(first).as("server on %s:%d", vip, port).isEqualTo("ready");
  }

  /** Connects from the client namespace; returns the greeting or the failure text. */
  String connect(String vip, int port, Duration timeout) {
    String script =
        "import socket,sys\n"
            + "try:\n"
            + "  s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=float(sys.argv[3]))\n"
            + "  print(s.recv(16).decode())\n"
            + "except OSError as e:\n"
            + "  print('failed: %s' % e)\n";
    return lab.in(client)
        .run(
            "connecting to " + vip,
            List.of(
                "python3", "-c", script, vip, String.valueOf(port),
                String.valueOf(timeout.toMillis() / 1000.0)))
        .strip();
  }

  /**
   * ICMP echo from the client (no ping binary on this machine: a raw socket in Python). Returns
   * "reply" or "no reply".
   */
  String ping(String vip) {
    String script =
        "import socket,struct,sys,time\n"
            + "def cs(b):\n"
            + "  s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16\n"
            + "  return ~s&0xffff\n"
            + "p=struct.pack('!BBHHH',8,0,0,0x5650,1)+b'vipd-ping!'\n"
            + "p=p[:2]+struct.pack('!H',cs(p))+p[4:]\n"
            + "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_ICMP)\n"
            + "s.settimeout(0.5)\n"
            + "end=time.time()+3\n"
            + "s.sendto(p,(sys.argv[1],0))\n"
            + "while time.time()<end:\n"
            + "  try:\n"
            + "    d,a=s.recvfrom(2048)\n"
            + "  except socket.timeout:\n"
            + "    continue\n"
            + "  h=(d[0]&15)*4\n"
            + "  if a[0]==sys.argv[1] and d[h]==0 and d[h+4:h+6]==b'\\x56\\x50':\n"
            + "    print('reply'); sys.exit(0)\n"
            + "print('no reply')\n";
    return lab.in(client).run("pinging " + vip, List.of("python3", "-c", script, vip)).strip();
  }

  /** {@code arping} from the client: true when anybody answered. */
  boolean arpAnswered(String vip) {
    try {
      lab.in(client)
          .run("arping " + vip, List.of("arping", "-c", "2", "-w", "3", "-I", "eth0", vip));
      return true;
    } catch (CommandException e) {
      if (e.exitCode() == 1) {
        return false;
      }
      throw e;
    }
  }
}
