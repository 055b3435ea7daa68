package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeysTest {

  @Test
  void keysAreNamespacedVersionedAndBuiltFromParsedValues() {
    String prefix = CacheKeys.prefix("customer", 1);
    assertEquals("customer:v1:42", CacheKeys.of(prefix, new Object[] {42L}));
    assertEquals(
        "customer:v1:7:eu-west_1.a", CacheKeys.of(prefix, new Object[] {7, "eu-west_1.a"}));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a\r\nset x 0 0 1", "ключ", "", "a\u0000"})
  void stringsThatCouldBreakTheProtocolAreRefused(String argument) {
    String prefix = CacheKeys.prefix("customer", 1);
    assertThrows(
        IllegalArgumentException.class, () -> CacheKeys.of(prefix, new Object[] {argument}));
  }

  @Test
  void keysNeverExceedMemcachedsLimit() {
    String prefix = CacheKeys.prefix("customer", 1);
    Object[] many = new Object[5];
    java.util.Arrays.fill(many, "x".repeat(64));
    assertThrows(IllegalArgumentException.class, () -> CacheKeys.of(prefix, many));
  }

  @Test
  void otherArgumentTypesAndBadNamespacesAreProgrammingErrors() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CacheKeys.of("customer:v1:", new Object[] {new Object()}));
    assertThrows(IllegalArgumentException.class, () -> CacheKeys.prefix("Has Space", 1));
  }
}
