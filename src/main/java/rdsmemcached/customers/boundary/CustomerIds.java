package rdsmemcached.customers.boundary;

import jakarta.ws.rs.core.Response;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * Parses a customer id from the path: a positive 64-bit integer in ASCII digits. An optional
 * leading {@code +} and leading zeros are accepted (so {@code 01}, {@code +1} and {@code 1} name
 * one customer and one cache entry); anything else — signs, spaces, Unicode digits, decimals,
 * overflow — is a 400 before it reaches SQL or memcached.
 */
final class CustomerIds {

  static final String RULE = "id must be a positive 64-bit integer in ASCII digits";
  private static final int MAX_LENGTH = 32;

  private CustomerIds() {}

  static long parse(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH) {
      throw invalid();
    }
    int start = raw.charAt(0) == '+' ? 1 : 0;
    if (start == raw.length()) {
      throw invalid();
    }
    long value = 0;
    for (int i = start; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid();
      }
      int digit = c - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        throw invalid();
      }
      value = value * 10 + digit;
    }
    if (value == 0) {
      throw invalid();
    }
    return value;
  }

  private static ProblemException invalid() {
    return new ProblemException(Response.Status.BAD_REQUEST, RULE);
  }
}
