package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.loads.control.LoadSlots;
import rdsmemcached.loads.control.SlowLane;

/**
 * Reports whether loads from the database are saturated (every slot taken or requests waiting) and
 * how many were shed. Always UP: a saturated database is not this instance's outage — it still
 * serves every hit at full speed, and taking it out of the load balancer would only move the same
 * load to the other instances.
 */
@Readiness
@ApplicationScoped
public class LoadsReadiness implements HealthCheck {

  @Inject SlowLane lane;
  @Inject LoadSlots slots;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("loads")
        .up()
        .withData("saturated", lane.saturated())
        .withData("slots", slots.size())
        .withData("inFlight", slots.inFlight())
        .withData("queued", lane.queued())
        .withData("shed", slots.shedCount())
        .build();
  }
}
