package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import rdsmemcached.caching.control.FastLaneHandOff.Prefetched;

class FastLaneHandOffTest {

  final FastLaneHandOff cut = new FastLaneHandOff();

  @Test
  void theSlowLaneTakesWhatWasLeftForItsKeyOnce() {
    var read = new Prefetched("customer:1", null, false, false, 0);
    cut.leave(read);
    assertSame(read, cut.take("customer:1"));
    assertNull(cut.take("customer:1"), "a second call of the method reads memcached itself");
  }

  @Test
  void anotherKeyGetsNothingAndLeavesTheReadAlone() {
    var read = new Prefetched("customer:1", null, false, true, 42);
    cut.leave(read);
    assertNull(cut.take("customer:2"));
    assertSame(read, cut.take("customer:1"));
  }

  @Test
  void nothingLeftNothingTaken() {
    assertNull(cut.take("customer:1"));
  }
}
