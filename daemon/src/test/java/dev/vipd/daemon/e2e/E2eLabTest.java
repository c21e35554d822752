package dev.vipd.daemon.e2e;

import dev.vipd.testlab.NetnsLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * One {@link E2eLab} shared by every test of a class: started once (skipped without root), put
 * back to its start state before each test ({@link E2eLab#restore}), closed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class E2eLabTest {
  E2eLab e2e;

  /** The name of this suite's log folder under {@code target/e2e-logs}. */
  abstract String labName();

  @BeforeAll
  void startLab() throws Exception {
    NetnsLab.assumeAvailable();
    long t0 = System.nanoTime();
    e2e = E2eLab.start(labName());
    System.out.printf("E2E %s lab up, all VIPs owned after %d ms: %s%n", labName(),
        (System.nanoTime() - t0) / 1_000_000, e2e.agreedOwners());
  }

  @AfterAll
  void stopLab() {
    if (e2e != null) {
      e2e.close();
    }
  }

  @BeforeEach
  void restore() throws Exception {
    e2e.restore();
  }
}
