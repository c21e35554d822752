package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiseFallTest {
  /**
   * Feeds a sequence of results (P = pass, F = fail) to a check that starts DOWN and lists the
   * transitions as "index:UP" or "index:DOWN", index being the result that caused it.
   */
  @ParameterizedTest(name = "rise={0} fall={1} {2} -> {3}")
  @CsvSource({
    "1, 1, P, 0:UP",
    "1, 1, PPPP, 0:UP",
    "2, 2, P, ''",
    "2, 2, PP, 1:UP",
    "2, 2, PFPFPF, ''",
    "2, 2, PPF, 1:UP",
    "2, 2, PPFF, 1:UP 3:DOWN",
    "2, 2, PPFPFF, 1:UP 5:DOWN",
    "2, 3, PPFFPFFF, 1:UP 7:DOWN",
    "3, 1, PPPFPPP, 2:UP 3:DOWN 6:UP",
    "1, 2, FFFFPFF, 4:UP 6:DOWN",
    "2, 2, PPFFPPFF, 1:UP 3:DOWN 5:UP 7:DOWN",
  })
  void transitionsOnlyAfterUnbrokenRuns(int rise, int fall, String results, String expected) {
    RiseFall state = new RiseFall(rise, fall, false);
    List<String> transitions = new ArrayList<>();
    for (int i = 0; i < results.length(); i++) {
      if (state.record(results.charAt(i) == 'P')) {
        transitions.add(i + ":" + (state.isUp() ? "UP" : "DOWN"));
      }
    }
    assertThat(String.join(" ", transitions)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"true, F, false", "true, FF, true", "false, PP, false"})
  void resumedStateNeedsAFullRunToChange(boolean up, String results, boolean changed) {
    RiseFall state = new RiseFall(3, 2, up);
    boolean any = false;
    for (char c : results.toCharArray()) {
      any |= state.record(c == 'P');
    }
    assertThat(any).isEqualTo(changed);
    assertThat(state.isUp()).isEqualTo(up != changed);
  }
}
