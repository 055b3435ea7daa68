package rdsmemcached.health.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** Before the application has started, readiness says so without asking for the cache's nodes. */
class CacheReadinessTest {

  @Test
  void isDownWithoutTouchingTheNodesWhileTheApplicationStarts() {
    var cut = new CacheReadiness(); // nodes is null: calling it would throw

    HealthCheckResponse response = cut.call();

    assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
    assertEquals("starting", response.getData().orElseThrow().get("state"));
  }
}
