package rdsmemcached.memcached.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import rdsmemcached.memcached.control.InMemoryMemcached.Failure;

/**
 * The breakers of a client with two nodes: one node's failures take out its keys only, a background
 * probe (run here by hand) closes the breaker on its first answer.
 */
class NodeBreakersTest {

  static final SocketAddress OTHER = new InetSocketAddress("127.0.0.1", 11212);
  static final String ON_FIRST = "a:1";
  static final String ON_OTHER = "b:1";

  final InMemoryMemcached memcached =
      new InMemoryMemcached().routing(key -> key.startsWith("a") ? InMemoryMemcached.NODE : OTHER);
  final InMemoryMemcached.Probes probes = new InMemoryMemcached.Probes();
  final NodeBreakers cut = memcached.breakers(3, probes);

  /** A failure of an operation started after the previous one failed: a new incident. */
  void failsAgain(String key) {
    cut.failed(key, System.nanoTime(), new IllegalStateException("no answer"));
  }

  void open(String key) {
    for (int i = 0; i < 3; i++) {
      failsAgain(key);
    }
  }

  @Test
  void everyKeyIsAllowedWhileNoNodeFailed() {
    assertTrue(cut.allows(ON_FIRST));
    assertTrue(cut.answeredSince(ON_FIRST, System.nanoTime()));
    assertFalse(cut.isSkipped(InMemoryMemcached.NODE));
  }

  @Test
  void threeFailuresInARowSkipThatNodesKeysOnly() {
    failsAgain(ON_FIRST);
    failsAgain(ON_FIRST);
    assertTrue(cut.allows(ON_FIRST), "two failures are not enough");
    assertEquals(0, probes.scheduled());
    failsAgain(ON_FIRST);
    assertFalse(cut.allows(ON_FIRST));
    assertTrue(cut.isSkipped(InMemoryMemcached.NODE));
    assertTrue(cut.allows(ON_OTHER), "the healthy node keeps serving its keys");
    assertFalse(cut.isSkipped(OTHER));
    assertEquals(1, probes.running(), "one background probe, no request waits for the node");
  }

  @Test
  void operationsInFlightWhenTheNodeFailedCountAsOneFailure() {
    long started = System.nanoTime();
    failsAgain(ON_FIRST);
    for (int i = 0; i < 5; i++) {
      cut.failed(ON_FIRST, started, new IllegalStateException("no answer"));
    }
    assertTrue(cut.allows(ON_FIRST));
  }

  @Test
  void theProbeKeepsTheBreakerOpenWhileTheNodeFailsAndClosesItOnItsFirstAnswer() {
    open(ON_FIRST);
    memcached.down(Failure.REFUSED);
    probes.runAll();
    memcached.down(Failure.SILENT);
    probes.runAll();
    assertFalse(cut.allows(ON_FIRST), "still open");
    assertEquals(1, probes.running());

    memcached.up();
    probes.runAll();
    assertTrue(cut.allows(ON_FIRST), "closed by the probe's success");
    assertEquals(0, probes.running(), "the probe stops");
    assertEquals(List.of("GET a:1", "GET a:1", "GET a:1"), memcached.calls(), "the failing key");
  }

  @Test
  void aClosedBreakerCountsAfreshAndOpensAgain() {
    open(ON_FIRST);
    memcached.up();
    probes.runAll();
    failsAgain(ON_FIRST);
    failsAgain(ON_FIRST);
    assertTrue(cut.allows(ON_FIRST));
    failsAgain(ON_FIRST);
    assertFalse(cut.allows(ON_FIRST));
    assertEquals(1, probes.running());
    assertEquals(2, probes.scheduled());
  }

  @Test
  void aNodeHasAnsweredSinceAFailureOnlyAfterASuccessLaterThanIt() {
    failsAgain(ON_FIRST);
    long failedAt = System.nanoTime();
    assertFalse(cut.answeredSince(ON_FIRST, failedAt));
    assertTrue(cut.answeredSince(ON_OTHER, failedAt), "other nodes are not troubled");
    cut.succeeded(ON_FIRST);
    assertTrue(cut.answeredSince(ON_FIRST, failedAt));
    failsAgain(ON_FIRST);
    assertFalse(cut.answeredSince(ON_FIRST, System.nanoTime()), "not since the new failure");
  }
}
