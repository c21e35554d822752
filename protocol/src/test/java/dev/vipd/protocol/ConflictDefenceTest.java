package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 5227 section 2.4: at most one defence per address per 10 s; hand-overs are not conflicts. */
class ConflictDefenceTest {
  private static final long OTHER_MAC = 0x02_00_00_00_00_99L;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private long now = Long.MAX_VALUE - 5 * SECOND; // wraps during the test, as nanoTime may
  private final Set<InetAddress> handingOver = new HashSet<>();
  private final List<InetAddress> defended = new ArrayList<>();
  private final ConflictDefence defence =
      new ConflictDefence(() -> now, handingOver::contains, defended::add);

  @Test
  void defendsAtMostOncePerTenSecondsPerAddress() throws Exception {
    InetAddress a = InetAddress.getByName("198.51.100.100");
    InetAddress b = InetAddress.getByName("2001:db8::100");

    assertThat(defence.conflict(a, OTHER_MAC)).isTrue();
    now += 9 * SECOND;
    assertThat(defence.conflict(a, OTHER_MAC)).isTrue(); // counted, not defended
    assertThat(defence.conflict(b, OTHER_MAC)).isTrue(); // another address: its own interval
    assertThat(defended).containsExactly(a, b);

    now += SECOND - 1;
    defence.conflict(a, OTHER_MAC);
    assertThat(defended).containsExactly(a, b);
    now += 1; // exactly 10 s after the first defence of a
    defence.conflict(a, OTHER_MAC);
    assertThat(defended).containsExactly(a, b, a);
  }

  @Test
  void aClaimDuringAHandOverIsNeitherCountedNorDefended() throws Exception {
    InetAddress a = InetAddress.getByName("198.51.100.101");
    handingOver.add(a);

    assertThat(defence.conflict(a, OTHER_MAC)).isFalse();
    assertThat(defended).isEmpty();

    handingOver.clear(); // the hand-over is over: a claim now is a real conflict, defended at once
    assertThat(defence.conflict(a, OTHER_MAC)).isTrue();
    assertThat(defended).containsExactly(a);
  }
}
