package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Hazelcast member without the cluster secret (issue 8, rule 2): a separate process on the
 * client's host ({@link RogueMember}) joins the three real daemons with the cluster's network
 * settings and for 15 s keeps removing every entry of the owners and nodes tables and writing
 * garbage and entries of its own. Nothing moves: the client sees one MAC per VIP throughout and
 * after, the owners are those from before, and the daemons list the rogue as unverified.
 */
class E2eRogueMemberIT extends E2eLabTest {
  @Override
  String labName() {
    return "rogue-member";
  }

  @Test
  void aMemberWithoutTheSecretThatRemovesAndWritesEntriesMovesNothing() throws Exception {
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Path log = e2e.dir.resolve("rogue.log");
    Process rogue = e2e.spawnLogged(e2e.client.namespace(), log, List.of(E2eLab.java(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        RogueMember.class.getName(), "e2e", "198.51.100.9", "5701", "15", "198.51.100.11",
        "198.51.100.12", "198.51.100.13"));
    try {
      e2e.awaitTrue("the rogue member joined", Duration.ofSeconds(60),
          () -> read(log).contains("rogue joined: 4 members"));
      List<Map<String, Set<String>>> during = new ArrayList<>();
      for (int i = 0; i < 4 && rogue.isAlive(); i++) {
        during.add(AnsweringMacs.ofAll(e2e.client, e2e.allVips()));
      }
      assertThat(during).as("probes while the rogue writes").isNotEmpty();
      for (Map<String, Set<String>> round : during) {
        assertThat(round).as("MACs answering each VIP while the rogue writes")
            .allSatisfy((vip, macs) -> assertThat(macs).as(vip).hasSize(1));
      }
      Map<String, Object> status = e2e.node("h1").status();
      assertThat(E2eLab.members(status).values())
          .as("h1's members while the rogue is in the cluster")
          .anySatisfy(m -> assertThat(m.get("verified")).isEqualTo(Boolean.FALSE));
      assertThat(E2eLab.waitFor(rogue, Duration.ofSeconds(60))).as("the rogue ends").isTrue();
      String out = read(log);
      assertThat(out).contains("rogue attacked:");
      System.out.printf("E2E rogue member: %s%n", out.lines()
          .filter(l -> l.startsWith("rogue ")).toList());

      Duration took = AnsweringMacs.awaitExactlyOne(e2e.client, e2e.allVips(),
          Duration.ofSeconds(5));
      assertThat(e2e.awaitConverged(Duration.ofSeconds(15))).as("owners after the attack")
          .isEqualTo(before);
      System.out.printf("E2E rogue member: owners unchanged %s; one MAC per VIP during %d probe"
          + " rounds and %d ms after it left%n", before, during.size(), took.toMillis());
    } finally {
      if (rogue.isAlive()) {
        rogue.destroyForcibly();
        E2eLab.waitFor(rogue, Duration.ofSeconds(5));
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
