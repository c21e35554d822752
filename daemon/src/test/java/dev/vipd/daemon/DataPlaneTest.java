package dev.vipd.daemon;

import static dev.vipd.daemon.VipFaultsTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.binding.RecordingRunner;
import dev.vipd.daemon.binding.RouteLocalBinding;
import dev.vipd.daemon.health.ManualScheduler;
import dev.vipd.protocol.AnnounceSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each VIP of a batch is bound and answered on its own; a failed one is counted, reported
 * unservable and retried with backoff; callers never wait. Real speakers on {@code lo} (raw
 * sockets: root), a fake {@code ip} that refuses chosen lines, the scheduler's clock as time.
 */
class DataPlaneTest {
  private static final InetAddress A = address("198.51.100.1");
  private static final InetAddress B = address("198.51.100.2");
  private static final InetAddress C = address("198.51.100.3");

  private final ManualScheduler scheduler = new ManualScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingRunner ip =
      new RecordingRunner().answering(argv -> argv.get(0).equals("sysctl") ? "0\n" : "");
  private final List<Set<InetAddress>> reports = Collections.synchronizedList(new ArrayList<>());
  private DataPlane dataPlane;

  @BeforeEach
  void open() throws Exception {
    assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start()
        .getInputStream().readAllBytes()).strip()), "skipped: raw sockets on lo need root");
    dataPlane = new DataPlane(AnnounceSettings.DEFAULTS, registry, vip -> false, (vip, t) -> {},
        new RouteLocalBinding(ip, vip -> "lo"), reports::add, scheduler, scheduler::nanoTime,
        Duration.ofSeconds(2));
    CompletableFuture<List<String>> opened = CompletableFuture.supplyAsync(() -> {
      try {
        return dataPlane.openAll(List.of("lo"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      scheduler.advance(Duration.ZERO);
      return opened.isDone();
    });
    assertThat(opened.get()).containsExactly("lo");
  }

  @AfterEach
  void close() {
    if (dataPlane != null) {
      dataPlane.close();
    }
  }

  @Test
  void oneVipThatFailsToBindIsCountedReportedAndRetriedWhileTheOthersAreAnswered() {
    ip.answeringInput(RecordingRunner.failingLines("198.51.100.2/32",
        "RTNETLINK answers: File exists"));
    dataPlane.acquire("lo", A);
    dataPlane.acquire("lo", B);
    dataPlane.acquire("lo", C);
    assertThat(dataPlane.owned().get("lo")).as("nothing ran on the caller's thread").isEmpty();

    scheduler.advance(Duration.ZERO);

    assertThat(dataPlane.owned().get("lo")).containsExactlyInAnyOrder(A, C);
    assertThat(batches()).as("one ip process for the batch").hasSize(1);
    assertThat(errors("bind")).isEqualTo(1.0);
    assertThat(reports).containsExactly(Set.of(B));
    VipFaults.Fault fault = dataPlane.faults().get(B);
    assertThat(fault.stage()).isEqualTo("bind");
    assertThat(fault.reason()).isEqualTo("RTNETLINK answers: File exists");

    scheduler.advance(Duration.ofMillis(999));
    assertThat(batches()).as("no retry before the backoff").hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(batches()).hasSize(2);
    assertThat(batches().get(1)).as("only the failed VIP is retried")
        .isEqualTo("route replace local 198.51.100.2/32 dev lo table local proto 86\n");
    assertThat(errors("bind")).isEqualTo(2.0);
    assertThat(dataPlane.faults().get(B).retryInMillis()).as("backoff doubled").isEqualTo(2000);

    ip.answeringInput(input -> "");
    scheduler.advance(Duration.ofSeconds(2));

    assertThat(dataPlane.owned().get("lo")).containsExactlyInAnyOrder(A, B, C);
    assertThat(dataPlane.faults()).isEmpty();
    assertThat(reports).containsExactly(Set.of(B), Set.of());
  }

  @Test
  void aReleaseOvertakesAQueuedAcquireAndUnbindsAreBatchedAfterTheGrace() {
    dataPlane.acquire("lo", A);
    dataPlane.acquire("lo", B);
    dataPlane.release("lo", B);
    scheduler.advance(Duration.ZERO);
    assertThat(dataPlane.owned().get("lo")).containsExactly(A);

    dataPlane.acquire("lo", C);
    scheduler.advance(Duration.ZERO);
    dataPlane.release("lo", A);
    dataPlane.release("lo", C);
    scheduler.advance(Duration.ZERO);
    assertThat(dataPlane.owned().get("lo")).isEmpty();
    long unbinds = ip.lines().stream().filter(l -> l.contains("route del")).count();
    assertThat(unbinds).as("bindings stay for the grace").isZero();

    scheduler.advance(Duration.ofSeconds(2));
    List<String> dels = ip.lines().stream().filter(l -> l.contains("route del")).toList();
    assertThat(dels).as("one ip process for every unbind due together").hasSize(1);
    assertThat(dels.get(0)).startsWith("ip -force -batch - <<")
        .contains("route del local 198.51.100.1/32 dev lo table local proto 86\n")
        .contains("route del local 198.51.100.3/32 dev lo table local proto 86\n");
  }

  @Test
  void callersNeverWaitForARunningIpProcess() throws Exception {
    dataPlane.close();
    ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch ipRunning = new CountDownLatch(1);
    CountDownLatch ipMayFinish = new CountDownLatch(1);
    RecordingRunner slow = new RecordingRunner().answering(argv -> "0\n").answeringInput(in -> {
      ipRunning.countDown();
      try {
        ipMayFinish.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "";
    });
    dataPlane = new DataPlane(AnnounceSettings.DEFAULTS, registry, vip -> false, (vip, t) -> {},
        new RouteLocalBinding(slow, vip -> "lo"), reports::add, worker, System::nanoTime,
        Duration.ofSeconds(2));
    dataPlane.openAll(List.of("lo"));
    dataPlane.acquire("lo", A);
    dataPlane.acquire("lo", B);
    assertThat(ipRunning.await(5, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    dataPlane.acquire("lo", C);
    dataPlane.release("lo", A);
    dataPlane.answerDeadline(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    ipMayFinish.countDown();

    assertThat(tookMillis).as("acquire, release, deadline with ip blocked").isLessThan(500);
    await().atMost(Duration.ofSeconds(5))
        .until(() -> dataPlane.owned().get("lo").equals(Set.of(B, C)));
  }

  private List<String> batches() {
    return ip.lines().stream().filter(l -> l.startsWith("ip -force -batch - <<route replace"))
        .map(l -> l.substring("ip -force -batch - <<".length())).toList();
  }

  private double errors(String stage) {
    return registry.get("vipd.vip.errors").tag("vip", "198.51.100.2").tag("stage", stage)
        .counter().count();
  }
}
