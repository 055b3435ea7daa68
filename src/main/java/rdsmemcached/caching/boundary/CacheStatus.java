package rdsmemcached.caching.boundary;

import jakarta.enterprise.context.RequestScoped;

/** The outcome of the last cached call in this request, for the HTTP layer to report. */
@RequestScoped
public class CacheStatus {

  private CacheOutcome outcome;

  public CacheOutcome outcome() {
    return outcome;
  }

  public void record(CacheOutcome outcome) {
    this.outcome = outcome;
  }
}
