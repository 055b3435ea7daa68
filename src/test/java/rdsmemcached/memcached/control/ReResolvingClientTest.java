package rdsmemcached.memcached.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.spy.memcached.MemcachedClientIF;
import org.junit.jupiter.api.Test;

class ReResolvingClientTest {

  final AtomicReference<List<InetSocketAddress>> dns =
      new AtomicReference<>(List.of(new InetSocketAddress("127.0.0.1", 11211)));
  final List<FakeClient> built = new ArrayList<>();
  final ReResolvingClient cut =
      new ReResolvingClient(
          dns::get,
          nodes -> {
            var client = new FakeClient(nodes);
            built.add(client);
            return client.proxy();
          });

  @Test
  void keepsTheClientWhileTheAddressesStayTheSame() {
    MemcachedClientIF first = cut.current();
    dns.set(List.of(new InetSocketAddress("127.0.0.1", 11211)));
    assertFalse(cut.refresh());
    assertSame(first, cut.current());
    assertEquals(1, built.size());
  }

  @Test
  void rebuildsAndShutsTheOldOneDownWhenAnAddressChanges() {
    MemcachedClientIF first = cut.current();
    dns.set(List.of(new InetSocketAddress("127.0.0.2", 11211)));
    assertTrue(cut.refresh());
    assertNotSame(first, cut.current());
    assertEquals(2, built.size());
    assertTrue(built.get(0).shutDown);
    assertEquals(List.of(new InetSocketAddress("127.0.0.2", 11211)), built.get(1).nodes);
  }

  @Test
  void keepsTheClientWhenTheNameDoesNotResolve() {
    MemcachedClientIF first = cut.current();
    dns.set(List.of(InetSocketAddress.createUnresolved("cache.invalid", 11211)));
    assertFalse(cut.refresh());
    assertSame(first, cut.current());
  }

  @Test
  void callsGoToTheCurrentClient() {
    cut.proxy().shutdown(1, TimeUnit.SECONDS);
    assertTrue(built.get(0).shutDown);
  }

  /** Records what the wrapper does with it; answers nothing else. */
  static final class FakeClient {
    final List<InetSocketAddress> nodes;
    boolean shutDown;

    FakeClient(List<InetSocketAddress> nodes) {
      this.nodes = nodes;
    }

    MemcachedClientIF proxy() {
      return (MemcachedClientIF)
          java.lang.reflect.Proxy.newProxyInstance(
              MemcachedClientIF.class.getClassLoader(),
              new Class<?>[] {MemcachedClientIF.class},
              (proxy, method, args) -> {
                if (method.getName().equals("shutdown")) {
                  shutDown = true;
                  return true;
                }
                throw new UnsupportedOperationException(method.getName());
              });
    }
  }
}
