package rdsmemcached.caching.control;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What one memcached item holds: either a lease marker ({@code #lease:<token>}) put there by the
 * instance loading the key, or a value: {@code <expiresAtMillis>|<loadMillis>|<json>}.
 *
 * <p>The two numbers drive probabilistic early expiration (XFetch, Vattani et al., VLDB 2015): a
 * read refreshes the entry early with a probability that grows as expiry nears and with how long a
 * load takes, so a hot key is reloaded by one request before it expires instead of by a herd after.
 */
record StoredEntry(String token, long expiresAtMillis, long loadMillis, String json) {

  static final String LEASE_PREFIX = "#lease:";

  /** XFetch's beta: above 1 favours earlier refreshes. */
  static final double BETA = 1.0;

  static StoredEntry parse(Object stored) {
    if (!(stored instanceof String text)) {
      return null;
    }
    if (text.startsWith(LEASE_PREFIX)) {
      return new StoredEntry(text.substring(LEASE_PREFIX.length()), 0, 0, null);
    }
    int first = text.indexOf('|');
    int second = first < 0 ? -1 : text.indexOf('|', first + 1);
    if (second < 0) {
      return null;
    }
    try {
      long expiresAt = Long.parseLong(text, 0, first, 10);
      long loadMillis = Long.parseLong(text, first + 1, second, 10);
      return new StoredEntry(null, expiresAt, loadMillis, text.substring(second + 1));
    } catch (NumberFormatException unreadable) {
      return null;
    }
  }

  static String lease(String token) {
    return LEASE_PREFIX + token;
  }

  static String value(long expiresAtMillis, long loadMillis, String json) {
    return expiresAtMillis + "|" + loadMillis + "|" + json;
  }

  boolean isLease() {
    return token != null;
  }

  /** XFetch: refresh when {@code now - loadTime * beta * ln(random) >= expiry}. */
  boolean refreshDue(long nowMillis) {
    double random = ThreadLocalRandom.current().nextDouble();
    double earlier = -loadMillis * BETA * Math.log(random == 0 ? Double.MIN_VALUE : random);
    return nowMillis + earlier >= expiresAtMillis;
  }
}
