package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.lifecycle.control.InFlightRequests;

/** DOWN from SIGTERM on: the instance drains its requests and sends no new ones anywhere. */
@Readiness
@ApplicationScoped
public class ShutdownReadiness implements HealthCheck {

  @Inject InFlightRequests inFlight;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("shutdown")
        .status(!inFlight.draining())
        .withData("draining", inFlight.draining())
        .withData("inFlight", inFlight.count())
        .build();
  }
}
