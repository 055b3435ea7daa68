package rdsmemcached.memcached.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-node circuit breaker's state machine, with time passed in. */
class NodeStateTest {

  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  static final int THRESHOLD = 3;

  final NodeBreakers.NodeState cut = new NodeBreakers.NodeState();

  @Test
  void aNodeThatStaysSilentIsTakenOutAfterThreeFailuresInARow() {
    assertFalse(cut.failed(0, 50 * MS, THRESHOLD, "k"));
    assertFalse(cut.failed(51 * MS, 101 * MS, THRESHOLD, "k"));
    assertTrue(cut.failed(102 * MS, 152 * MS, THRESHOLD, "k"), "opens on the third");
    assertFalse(cut.allows());
    assertFalse(cut.failed(153 * MS, 203 * MS, THRESHOLD, "k"), "already open: no second probe");
  }

  @Test
  void requestsInFlightDuringOneHiccupCountOnce() {
    // eight requests were waiting when the node (or this process) hiccuped for 60 ms
    assertFalse(cut.failed(0, 50 * MS, THRESHOLD, "k"));
    for (int i = 1; i < 8; i++) {
      assertFalse(cut.failed(i * MS, (50 + i) * MS, THRESHOLD, "k"));
    }
    assertTrue(cut.allows(), "one incident, not eight failures");
  }

  @Test
  void aSuccessClosesTheBreakerAndStartsTheCountAgain() {
    cut.failed(0, 50 * MS, THRESHOLD, "k");
    cut.failed(51 * MS, 101 * MS, THRESHOLD, "k");
    cut.succeeded(110 * MS);
    assertFalse(cut.failed(120 * MS, 170 * MS, THRESHOLD, "k"));
    assertFalse(cut.failed(171 * MS, 221 * MS, THRESHOLD, "k"));
    assertTrue(cut.allows());
    assertTrue(cut.failed(222 * MS, 272 * MS, THRESHOLD, "k"));
    cut.succeeded(300 * MS);
    assertTrue(cut.allows(), "the probe's success closes it");
  }

  @Test
  void aDeadNodeFailingFastIsTakenOutAsQuickly() {
    // failure mode Cancel: each request fails at once, one after the other
    assertFalse(cut.failed(0, 10_000, THRESHOLD, "k"));
    assertFalse(cut.failed(20_000, 30_000, THRESHOLD, "k"));
    assertTrue(cut.failed(40_000, 50_000, THRESHOLD, "k"));
  }

  @Test
  void theProbeAsksForTheLastKeyThatFailed() {
    cut.failed(0, 50 * MS, THRESHOLD, "a");
    cut.failed(51 * MS, 101 * MS, THRESHOLD, "b");
    cut.failed(102 * MS, 152 * MS, THRESHOLD, "c");
    assertFalse(cut.allows(), "no half-open trial by user requests: only the probe");
    assertEquals("c", cut.probeKey());
  }

  @Test
  void aNodeIsForgottenOnlyOnceItWasQuietLongEnough() {
    cut.failed(0, 50 * MS, THRESHOLD, "k");
    assertFalse(cut.succeeded(60 * MS), "a success right after a failure: still watched");
    assertTrue(cut.succeeded(50 * MS + NodeBreakers.QUIET_NANOS + 1));
  }

  @Test
  void answeredSinceMeansASuccessAfterThatMoment() {
    cut.failed(0, 50 * MS, THRESHOLD, "k");
    assertFalse(cut.answeredSince(50 * MS));
    cut.succeeded(70 * MS);
    assertTrue(cut.answeredSince(50 * MS));
    assertFalse(cut.answeredSince(70 * MS));
  }

  @Test
  void onlyTheFirstOpeningIsLoggedAsSuch() {
    for (int round = 0; round < 2; round++) {
      long t = round * 1000 * MS;
      cut.failed(t, t + 50 * MS, THRESHOLD, "k");
      cut.failed(t + 51 * MS, t + 101 * MS, THRESHOLD, "k");
      assertTrue(cut.failed(t + 102 * MS, t + 152 * MS, THRESHOLD, "k"));
      assertEquals(round == 0, cut.firstOpening());
      cut.succeeded(t + 200 * MS);
    }
  }
}
