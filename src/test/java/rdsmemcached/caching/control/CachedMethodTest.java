package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.customers.entity.Customer;

class CachedMethodTest {

  static class Store {
    @CacheAside(namespace = "customer", version = 3)
    Optional<Customer> find(long id) {
      return Optional.empty();
    }
  }

  final Jsonb json = JsonbBuilder.create();
  final CachedMethod cut = CachedMethod.of(Store.class.getDeclaredMethods()[0]);

  @AfterEach
  void close() throws Exception {
    json.close();
  }

  @Test
  void storesTheValueAsJsonInTheOriginalsFieldOrder() {
    assertEquals("customer:v3:", cut.keyPrefix());
    String stored = cut.encode(json, Optional.of(new Customer(1, "Initial Value", 0)));
    assertEquals("{\"id\":1,\"value\":\"Initial Value\",\"sleepResult\":0}", stored);
    assertEquals(Optional.of(new Customer(1, "Initial Value", 0)), cut.decode(json, stored));
  }

  @Test
  void anEmptyResultIsANegativeEntry() {
    assertTrue(cut.isNegative(Optional.empty()));
    assertEquals("null", cut.encode(json, Optional.empty()));
    assertEquals(Optional.empty(), cut.decode(json, "null"));
  }
}
