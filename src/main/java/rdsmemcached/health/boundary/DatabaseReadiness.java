package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.health.control.DatabaseProbe;
import rdsmemcached.health.control.DatabaseState;

/**
 * Reports whether the database answers, and since when. Always UP: the database is shared by every
 * instance, so its outage taking readiness DOWN would take the whole fleet out of the load balancer
 * (and on ECS have every task replaced), though each instance still serves every cached id and
 * answers 503 problem+json for the rest. The outage is in the data here, in the {@code
 * database.reachable} gauge, and alarmed.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

  @Inject DatabaseProbe probe;

  @Override
  public HealthCheckResponse call() {
    DatabaseState state = probe.state();
    var response =
        HealthCheckResponse.named("database")
            .up()
            .withData("reachable", state.reachable())
            .withData("status", state.status().name().toLowerCase(Locale.ROOT))
            .withData("since", Instant.ofEpochMilli(state.sinceMillis()).toString())
            .withData("checked", Instant.ofEpochMilli(state.checkedMillis()).toString());
    if (state.error() != null) {
      response.withData("error", state.error());
    }
    return response.build();
  }
}
