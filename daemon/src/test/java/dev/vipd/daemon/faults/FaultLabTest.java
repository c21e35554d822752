package dev.vipd.daemon.faults;

import dev.vipd.daemon.e2e.E2eLab;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Nft;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One {@link E2eLab} of real {@code vipd run} processes shared by every test of a fault class:
 * started once (skipped without root or nft), put back before each test (nftables rules removed,
 * links up, daemons running and agreeing), closed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FaultLabTest {
  E2eLab e2e;
  Invariants invariants;

  abstract String labName();

  int nodeCount() {
    return 3;
  }

  /** Cluster addresses listed as peers that never come up. */
  List<String> phantomPeers() {
    return List.of();
  }

  @BeforeAll
  void startLab() throws Exception {
    NetnsLab.assumeAvailable();
    Assumptions.assumeTrue(Nft.available(), "nftables (nft) not installed; skipped");
    long t0 = System.nanoTime();
    e2e = E2eLab.start("faults-" + labName(), nodeCount(), phantomPeers());
    invariants = new Invariants(e2e);
    System.out.printf("FAULTS %s lab up (%d nodes, phantom peers %s) after %d ms: %s%n",
        labName(), nodeCount(), phantomPeers(), (System.nanoTime() - t0) / 1_000_000,
        e2e.agreedOwners());
  }

  @AfterAll
  void stopLab() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @BeforeEach
  void restore() throws Exception {
    for (E2eLab.Node n : e2e.nodes.values()) {
      Nft.clear(n.host);
    }
    e2e.restore();
  }

  /** The cluster addresses of every node but {@code n}. */
  List<String> othersOf(E2eLab.Node n) {
    return e2e.nodes.values().stream().filter(o -> o != n).map(E2eLab.Node::address).toList();
  }
}
