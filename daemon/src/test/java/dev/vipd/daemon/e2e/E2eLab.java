package dev.vipd.daemon.e2e;

import dev.vipd.testlab.Await;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Processes;
import dev.vipd.testlab.Secrets;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three real vipd daemons (h1..h3) and a client (c) in network namespaces: every host has {@code
 * eth0} on the lab's bridge (cluster and pool "web") and {@code eth1} on a second bridge (pool
 * "edge"), a TCP+UDP echo service on port {@value #SERVICE_PORT} that answers with the host's
 * name, and one {@code vipd run} started from the shaded jar. Everything is stopped by PID and
 * removed on {@link #close}; the daemons' logs are copied to {@code target/e2e-logs}.
 */
public final class E2eLab implements AutoCloseable {
  public static final int SERVICE_PORT = 8080;
  public static final List<String> WEB = List.of("198.51.100.100", "198.51.100.101", "198.51.100.102",
      "198.51.100.103", "2001:db8::100", "2001:db8::101");
  public static final List<String> EDGE = List.of("203.0.113.100", "203.0.113.101");

  public final NetnsLab lab;
  public final Host client;
  public final Map<String, Node> nodes = new LinkedHashMap<>();
  public final Path dir;
  private final Path jar;
  private final Path server;
  private final Path secret;
  private final String logName;
  private List<String> extraWeb = List.of();
  private List<String> extraEdge = List.of();
  /** Cluster addresses listed in every node's peers that no host answers (peers never up). */
  private final List<String> phantomPeers;
  /** Put before {@code java} when a vipd starts (e.g. setpriv to another user); empty: as root. */
  private List<String> launcher = List.of();

  /** One vipd host: its namespace, files and processes. */
  public final class Node {
    public final String name;
    public final int index;
    public final Host host;
    public final Path config;
    public final Path socket;
    public final Path drained;
    public final Path log;
    public Process vipd;
    public Process service;

    Node(String name, int index, Host host) {
      this.name = name;
      this.index = index;
      this.host = host;
      this.config = dir.resolve(name + ".conf");
      this.socket = dir.resolve(name + ".sock");
      this.drained = dir.resolve(name + ".drained");
      this.log = dir.resolve(name + ".log");
    }

    public String address() {
      return "198.51.100.1" + index;
    }

    /** The bridge-side end of this host's eth1 (carrier loss for pool "edge"). */
    public String edgePort() {
      return "q" + index;
    }

    public boolean running() {
      return vipd != null && vipd.isAlive();
    }

    /** Starts this node's vipd (stdout and stderr appended to its log). */
    public void startVipd() {
      if (running()) {
        return;
      }
      appendLog("=== test harness: starting vipd ===\n");
      List<String> argv = new ArrayList<>(launcher);
      argv.addAll(List.of(java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-jar", jar.toString(), "run", "--config", config.toString()));
      vipd = spawnLogged(host.namespace(), log, argv);
    }

    /** Starts the echo service (no-op when it runs). */
    public void startService() {
      if (service != null && service.isAlive()) {
        return;
      }
      service = spawnLogged(host.namespace(), dir.resolve(name + "-service.log"),
          List.of(python(), server.toString(), name, Integer.toString(SERVICE_PORT)));
      awaitTrue("echo service on " + name + " listening", Duration.ofSeconds(10),
          () -> host.exec("ss", "-Hltn", "sport = :" + SERVICE_PORT).output().contains("LISTEN"));
    }

    /** Stops the echo service by PID (so its health check fails). */
    public void stopService() {
      if (service != null) {
        service.destroyForcibly();
        waitFor(service, Duration.ofSeconds(5));
        service = null;
      }
    }

    /** This node's status over its control socket, or null when it does not answer. */
    public Map<String, Object> status() {
      if (!running()) {
        return null;
      }
      try {
        String line = control(socket, "status");
        Map<String, Object> reply = MiniJson.object(line);
        if (!Boolean.TRUE.equals(reply.get("ok"))) {
          return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reply.get("result");
        return result;
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /** Runs a vipd CLI command (status/drain/undrain) against this node's socket. */
    public Sh.Result cli(String... args) {
      List<String> argv = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-jar",
          jar.toString()));
      argv.addAll(List.of(args));
      argv.addAll(List.of("--socket", socket.toString()));
      return Sh.exec(Duration.ofSeconds(40), argv.toArray(String[]::new));
    }

    /** GETs a path of this node's HTTP endpoint from the client. */
    public String http(String path) {
      Sh.Result r = client.exec("curl", "-s", "-m", "3", "http://" + address() + ":9476" + path);
      return r.succeeded() ? r.output() : null;
    }

    public String logText() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "";
      }
    }

    private void appendLog(String text) {
      try {
        Files.writeString(log, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private E2eLab(String logName, int nodeCount, List<String> phantomPeers) throws IOException {
    if (nodeCount < 1 || nodeCount > 8) {
      throw new IllegalArgumentException("invalid node count: " + nodeCount + " (expected: 1-8)");
    }
    this.logName = logName;
    this.phantomPeers = List.copyOf(phantomPeers);
    this.dir = Files.createTempDirectory("vipd-e2e-");
    this.jar = locateJar();
    this.server = dir.resolve("echo_server.py");
    try (InputStream in = E2eLab.class.getResourceAsStream("/e2e/echo_server.py")) {
      if (in == null) {
        throw new IllegalStateException("test resource e2e/echo_server.py missing");
      }
      Files.copy(in, server);
    }
    this.secret = Secrets.writeHexKey(dir.resolve("cluster.key"));
    this.lab = NetnsLab.create(false);
    try {
      lab.inBridge("ip", "link", "add", "br1", "type", "bridge", "stp_state", "0",
          "mcast_snooping", "0");
      lab.inBridge("ip", "link", "set", "br1", "up");
      for (int i = 1; i <= nodeCount; i++) {
        String name = "h" + i;
        Host h = lab.host(name, "02:00:00:00:01:0" + i, "198.51.100.1" + i + "/24",
            "2001:db8::1" + i + "/64");
        addEdgeInterface(h, "q" + i, "02:00:00:00:02:0" + i, "203.0.113.1" + i + "/24");
        nodes.put(name, new Node(name, i, h));
      }
      this.client = lab.host("c", "02:00:00:00:01:09", "198.51.100.9/24", "2001:db8::9/64");
      addEdgeInterface(client, "q9", "02:00:00:00:02:09", "203.0.113.9/24");
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** Builds the lab and starts the services and all three vipd, waiting until every VIP is owned. */
  public static E2eLab start(String logName) throws IOException {
    return start(logName, null, List.of());
  }

  /**
   * Like {@link #start(String)} with {@code nodeCount} hosts (h1..hN at 198.51.100.1N) and, in
   * every node's peer list, the {@code phantomPeers} addresses that no host ever answers.
   */
  public static E2eLab start(String logName, int nodeCount, List<String> phantomPeers)
      throws IOException {
    E2eLab e2e = new E2eLab(logName, nodeCount, phantomPeers);
    try {
      e2e.startAll();
      return e2e;
    } catch (RuntimeException | Error e) {
      e2e.close();
      throw e;
    }
  }

  /**
   * Like {@link #start(String)}, with every vipd started through {@code launcher} (put before
   * {@code java}); the lab directory and the key then belong to {@code owner} (a user name, or
   * null to leave them to root) so that an unprivileged vipd can read them and create its socket.
   */
  static E2eLab start(String logName, String owner, List<String> launcher) throws IOException {
    E2eLab e2e = new E2eLab(logName, 3, List.of());
    e2e.launcher = List.copyOf(launcher);
    try {
      if (owner != null) {
        mustRun(Sh.exec(Duration.ofSeconds(10), "chown", "-R", owner, e2e.dir.toString()));
      }
      e2e.startAll();
      return e2e;
    } catch (RuntimeException | Error e) {
      e2e.close();
      throw e;
    }
  }

  private void startAll() {
    for (Node n : nodes.values()) {
      writeConfig(n);
      n.startService();
    }
    for (Node n : nodes.values()) {
      n.startVipd();
    }
    awaitConverged(Duration.ofSeconds(90));
  }

  private void addEdgeInterface(Host h, String port, String mac, String cidr) {
    lab.inBridge("ip", "link", "add", port, "type", "veth", "peer", "name", "eth1", "netns",
        h.namespace());
    mustRun(lab.inBridge("ip", "link", "set", port, "master", "br1", "up"));
    h.run("ip", "link", "set", "eth1", "address", mac, "up");
    h.run("ip", "addr", "add", cidr, "dev", "eth1");
  }

  /**
   * Back to the start for the next test: original MACs, links and the pool interface's bridge
   * ports up, services and daemons running, nobody drained, the cluster agreeing.
   */
  public void restore() throws IOException {
    for (Node n : nodes.values()) {
      n.host.exec("ip", "link", "set", "eth0", "address", n.host.mac());
      n.host.exec("ip", "link", "set", "eth0", "up");
      n.host.exec("ip", "link", "set", "eth1", "up");
      lab.inBridge("ip", "link", "set", n.edgePort(), "up");
      n.startService();
      writeConfig(n);
      n.startVipd();
    }
    for (Node n : nodes.values()) {
      Map<String, Object> status = null;
      for (int i = 0; i < 300 && status == null; i++) {
        status = n.status();
        sleep(100);
      }
      if (status == null) {
        throw new AssertionError("no status from " + n.name + " within 30 s");
      }
      if (Boolean.TRUE.equals(members(status).get(n.name).get("drained"))) {
        control(n.socket, "undrain");
      }
    }
    awaitConverged(Duration.ofSeconds(90));
  }

  public Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return n;
  }

  /** Adds VIPs to pool "web" for the next {@link #writeConfig} (does not reload). */
  void setExtraWebAddresses(List<String> extra) {
    this.extraWeb = List.copyOf(extra);
  }

  /** Adds VIPs to pool "edge" (203.0.113.0/24, on eth1) for the next {@link #writeConfig}. */
  void setExtraEdgeAddresses(List<String> extra) {
    this.extraEdge = List.copyOf(extra);
  }

  public List<String> allVips() {
    List<String> all = new ArrayList<>(WEB);
    all.addAll(extraWeb);
    all.addAll(EDGE);
    all.addAll(extraEdge);
    return all;
  }

  /** The node's configuration file; {@code tweak} can rewrite the text (for broken files). */
  public String configText(Node n) {
    StringBuilder web = new StringBuilder("\"198.51.100.100-198.51.100.103\", "
        + "\"2001:db8::100-2001:db8::101\"");
    for (String extra : extraWeb) {
      web.append(", \"").append(extra).append('"');
    }
    StringBuilder edge = new StringBuilder("\"203.0.113.100-203.0.113.101\"");
    for (String extra : extraEdge) {
      edge.append(", \"").append(extra).append('"');
    }
    return String.join("\n",
        "vipd {",
        "  node { name = \"" + n.name + "\" }",
        "  cluster {",
        "    name = \"e2e\"",
        "    bind = \"" + n.address() + "\"",
        "    peers = [" + peerList() + "]",
        "    secret-file = \"" + secret + "\"",
        "  }",
        "  pools = [",
        "    { name = \"web\", interface = \"eth0\", addresses = [" + web + "],",
        "      health-checks = [\"svc\"] }",
        "    { name = \"edge\", interface = \"eth1\", addresses = [" + edge + "] }",
        "  ]",
        "  health-checks {",
        "    svc { type = tcp, host = \"127.0.0.1\", port = " + SERVICE_PORT
            + ", interval = 500ms, timeout = 400ms, rise = 1, fall = 2 }",
        "  }",
        "  announce { garp-interval = 100ms }",
        "  http { listen = \"" + n.address() + ":9476\" }",
        "  control-socket = \"" + n.socket + "\"",
        "  drain-state-file = \"" + n.drained + "\"",
        "}",
        "");
  }

  /** Every node's cluster address and the phantom peers, quoted, comma-separated. */
  private String peerList() {
    List<String> peers = new ArrayList<>();
    for (Node n : nodes.values()) {
      peers.add('"' + n.address() + '"');
    }
    for (String p : phantomPeers) {
      peers.add('"' + p + '"');
    }
    return String.join(", ", peers);
  }

  public void writeConfig(Node n) {
    writeConfigText(n, configText(n));
  }

  public void writeConfigText(Node n, String text) {
    try {
      Files.writeString(n.config, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs the vipd CLI inside a host's namespace with exactly {@code args} (no {@code --socket}
   * added, unlike {@link Node#cli}); stdout and stderr together in the output.
   */
  public Sh.Result vipdIn(Host host, String... args) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace(), java(),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    argv.addAll(List.of(args));
    return Sh.exec(Duration.ofSeconds(40), argv.toArray(String[]::new));
  }

  /** Sends a signal to a node's vipd by its PID. */
  public void signal(Node n, String signal) {
    Processes.signal(n.vipd.pid(), signal);
  }

  /**
   * The owner of every VIP as every running node reports it, once they all agree and every VIP
   * has an owner; null while they disagree or some node does not answer.
   */
  public Map<String, String> agreedOwners() {
    Map<String, String> agreed = null;
    for (Node n : nodes.values()) {
      if (!n.running()) {
        continue;
      }
      Map<String, Object> status = n.status();
      if (status == null) {
        return null;
      }
      Map<String, String> owners = owners(status);
      if (!owners.keySet().containsAll(allVips()) || owners.containsValue(null)) {
        return null;
      }
      if (agreed != null && !agreed.equals(owners)) {
        return null;
      }
      agreed = owners;
    }
    return agreed;
  }

  /** VIP to owner (null for none) as one status document says. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> owners(Map<String, Object> status) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (Object p : (List<Object>) status.get("pools")) {
      for (Object v : (List<Object>) ((Map<String, Object>) p).get("vips")) {
        Map<String, Object> vip = (Map<String, Object>) v;
        owners.put((String) vip.get("vip"), (String) vip.get("owner"));
      }
    }
    return owners;
  }

  /** The member entries of a status document by name. */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, Object>> members(Map<String, Object> status) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object m : (List<Object>) status.get("members")) {
      Map<String, Object> member = (Map<String, Object>) m;
      out.put((String) member.get("name"), member);
    }
    return out;
  }

  /**
   * Waits until every running node sees all running nodes as verified, healthy, undrained members
   * and all agree on an owner for every VIP; returns the owners.
   */
  public Map<String, String> awaitConverged(Duration timeout) {
    Map<String, String>[] result = new Map[1];
    awaitTrue("all VIPs owned and all nodes agreeing", timeout, () -> {
      Map<String, String> owners = agreedOwners();
      if (owners == null) {
        return false;
      }
      for (Node n : nodes.values()) {
        if (!n.running()) {
          continue;
        }
        Map<String, Map<String, Object>> members = members(n.status());
        for (Node other : nodes.values()) {
          Map<String, Object> m = members.get(other.name);
          if (other.running() && (m == null || !Boolean.TRUE.equals(m.get("verified"))
              || Boolean.TRUE.equals(m.get("suspected")))) {
            return false;
          }
        }
      }
      result[0] = owners;
      return true;
    });
    return result[0];
  }

  /** Waits until {@code condition} holds; fails with {@code what} and the daemons' state if not. */
  public void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
    Await.until(what, timeout, condition, () -> {
      StringBuilder state = new StringBuilder();
      for (Node n : nodes.values()) {
        state.append("\n").append(n.name).append(n.running() ? " running: " : " stopped: ")
            .append(n.running() ? n.status() : "");
      }
      return state.toString();
    });
  }

  public static void sleep(long millis) {
    Await.sleep(millis);
  }

  /** Waits for a process to end; true if it did within the bound. */
  public static boolean waitFor(Process p, Duration timeout) {
    return Processes.waitFor(p, timeout);
  }

  /** One request/reply over a unix control socket. */
  public static String control(Path socket, String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      ch.configureBlocking(false);
      while (System.nanoTime() < deadline) {
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          sleep(5);
        }
      }
      buf.flip();
      return StandardCharsets.UTF_8.decode(buf).toString().trim();
    }
  }

  /** Starts {@code command} in {@code ns}, output appended to {@code logFile}; PID is its own. */
  public Process spawnLogged(String ns, Path logFile, List<String> command) {
    return lab.namespaces().spawn(ns, command, pb -> pb
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
  }

  public static String java() {
    return Processes.java();
  }

  static String python() {
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  public static Path locateJar() {
    Path base = Path.of(System.getProperty("basedir", "."));
    Path jar = base.resolve("target").resolve("vipd.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("vipd.jar not found at " + jar.toAbsolutePath()
          + " (built by `mvn package` in daemon/)");
    }
    return jar.toAbsolutePath();
  }

  static Sh.Result mustRun(Sh.Result r) {
    if (!r.succeeded()) {
      throw new IllegalStateException(String.join(" ", r.command()) + " -> " + r);
    }
    return r;
  }

  @Override
  public void close() {
    try {
      for (Node n : nodes.values()) {
        if (n.vipd != null) {
          n.vipd.destroy();
        }
      }
      for (Node n : nodes.values()) {
        if (n.vipd != null && !waitFor(n.vipd, Duration.ofSeconds(15))) {
          n.vipd.destroyForcibly();
          waitFor(n.vipd, Duration.ofSeconds(5));
        }
        n.stopService();
      }
    } finally {
      lab.close();
      copyLogs();
    }
  }

  private void copyLogs() {
    try {
      Path target = Path.of(System.getProperty("basedir", "."), "target", "e2e-logs", logName);
      Files.createDirectories(target);
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (name.endsWith(".log") || name.endsWith(".conf")) {
            Files.copy(f, target.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      System.err.println("could not keep the e2e logs: " + e);
    }
  }
}
