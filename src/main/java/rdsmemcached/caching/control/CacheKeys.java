package rdsmemcached.caching.control;

import java.util.regex.Pattern;

/**
 * Builds memcached keys from parsed arguments only. Nothing a client typed reaches the wire: a key
 * is ASCII letters, digits and {@code : _ . -}, never a space or control character, and never over
 * memcached's 250-byte limit.
 */
final class CacheKeys {

  /** memcached allows 250 bytes; 10 are kept for the refresh-lease suffix. */
  static final int MAX_KEY_LENGTH = 240;

  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private CacheKeys() {}

  /** {@code customer:v1:} for namespace {@code customer}, version 1. */
  static String prefix(String namespace, int version) {
    if (!NAMESPACE.matcher(namespace).matches() || version < 0) {
      throw new IllegalArgumentException(
          "@CacheAside namespace must match " + NAMESPACE + " and version be >= 0");
    }
    return namespace + ":v" + version + ":";
  }

  static String of(String prefix, Object[] arguments) {
    StringBuilder key = new StringBuilder(prefix);
    for (int i = 0; i < arguments.length; i++) {
      if (i > 0) {
        key.append(':');
      }
      key.append(token(arguments[i]));
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("cache key longer than " + MAX_KEY_LENGTH + " bytes");
    }
    return key.toString();
  }

  private static String token(Object argument) {
    if (argument instanceof Long
        || argument instanceof Integer
        || argument instanceof Short
        || argument instanceof Byte) {
      return argument.toString();
    }
    if (argument instanceof String text && TOKEN.matcher(text).matches()) {
      return text;
    }
    throw new IllegalArgumentException(
        "@CacheAside arguments must be integers or strings matching " + TOKEN);
  }
}
