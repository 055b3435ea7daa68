package rdsmemcached.caching.boundary;

/** What the cache did for one call; the HTTP layer shows it as {@code X-Cache}. */
public enum CacheOutcome {
  /** Served from memcached. */
  HIT,
  /** Not in memcached: loaded with the method and stored. */
  MISS,
  /** memcached unusable (down, slow): loaded with the method, cache skipped. */
  BYPASS
}
