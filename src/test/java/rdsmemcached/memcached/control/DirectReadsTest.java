package rdsmemcached.memcached.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.spy.memcached.CASValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast lane's own memcached read against a scripted node on loopback: the protocol's answers,
 * values in pieces, a silent node, a connection the node closed while pooled, garbage.
 */
class DirectReadsTest {

  static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(200);

  /** What the node answers to each request line, in order: bytes, SILENT or CLOSE. */
  final BlockingQueue<Object> script = new LinkedBlockingQueue<>();

  static final Object SILENT = new Object();
  static final Object CLOSE = new Object();

  final List<String> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger accepted = new AtomicInteger();
  final List<Socket> open = new CopyOnWriteArrayList<>();
  ServerSocket node;
  Thread acceptor;
  final DirectReads cut = new DirectReads();

  @BeforeEach
  void start() throws IOException {
    node = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "scripted-memcached");
    acceptor.setDaemon(true);
    acceptor.start();
    SocketAddress address =
        new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort());
    cut.breakers =
        new NodeBreakers() {
          @Override
          SocketAddress nodeOf(String key) {
            return address;
          }
        };
    cut.memcached = new InMemoryMemcached().client; // its transcoder only: the node is the script
  }

  @AfterEach
  void stop() throws IOException {
    cut.closeAll();
    node.close();
    for (Socket socket : open) {
      socket.close();
    }
  }

  private void accept() {
    while (!node.isClosed()) {
      try {
        Socket connection = node.accept();
        accepted.incrementAndGet();
        open.add(connection);
        Thread serving = new Thread(() -> serve(connection), "scripted-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      var lines =
          new BufferedReader(
              new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = connection.getOutputStream();
      for (String line; (line = lines.readLine()) != null; ) {
        requests.add(line);
        Object answer = script.take();
        if (answer == CLOSE) {
          return;
        }
        if (answer instanceof byte[][] pieces) {
          for (byte[] piece : pieces) {
            out.write(piece);
            out.flush();
            Thread.sleep(5);
          }
        }
      }
    } catch (IOException | InterruptedException gone) {
      // the test is over
    }
  }

  void answer(String... pieces) {
    byte[][] bytes = new byte[pieces.length][];
    for (int i = 0; i < pieces.length; i++) {
      bytes[i] = pieces[i].getBytes(StandardCharsets.UTF_8);
    }
    script.add(bytes);
  }

  @Test
  void anItemIsDecodedWithItsCasId() throws IOException {
    answer("VALUE customer:v1:1 0 11 42\r\n{\"id\":\"é\"}\r\nEND\r\n");
    CASValue<Object> item = cut.gets("customer:v1:1", TIMEOUT);
    assertEquals("{\"id\":\"é\"}", item.getValue());
    assertEquals(42, item.getCas());
    assertEquals(List.of("gets customer:v1:1"), requests);
  }

  @Test
  void anAbsentKeyIsNull() throws IOException {
    answer("END\r\n");
    assertNull(cut.gets("customer:v1:2", TIMEOUT));
  }

  @Test
  void anAnswerInPiecesIsReadWhole() throws IOException {
    String value = "x".repeat(10_000);
    answer(
        "VAL",
        "UE k 0 10000 18446744073709551615\r",
        "\n" + value.substring(0, 3_000),
        value.substring(3_000) + "\r\nEN",
        "D\r\n");
    CASValue<Object> item = cut.gets("k", TIMEOUT);
    assertEquals(value, item.getValue());
    assertEquals(-1L, item.getCas()); // memcached's CAS ids are unsigned 64-bit
  }

  @Test
  void oneConnectionServesReadAfterRead() throws IOException {
    for (int i = 0; i < 5; i++) {
      answer("END\r\n");
      assertNull(cut.gets("k" + i, TIMEOUT));
    }
    assertEquals(1, accepted.get());
  }

  @Test
  void aSilentNodeTimesOutAndItsConnectionIsNotReused() throws IOException {
    script.add(SILENT);
    long started = System.nanoTime();
    assertThrows(SocketTimeoutException.class, () -> cut.gets("k", TIMEOUT));
    long took = System.nanoTime() - started;
    assertTrue(took >= TIMEOUT, "gave up after " + took + " ns");
    answer("END\r\n");
    assertNull(cut.gets("k", TIMEOUT)); // a late answer to the first gets must not be read here
    assertEquals(2, accepted.get());
  }

  @Test
  void anAnswerThatArrivedInTimeIsReadByAThreadThatComesLate() throws IOException {
    answer("END\r\n");
    assertNull(cut.gets("k", TIMEOUT)); // connected
    var calls = new AtomicInteger();
    cut.clock =
        () -> {
          if (calls.incrementAndGet() == 2) { // descheduled between the write and the read
            sleep(TimeUnit.NANOSECONDS.toMillis(TIMEOUT) * 2);
          }
          return System.nanoTime();
        };
    answer("VALUE k 0 1 7\r\nv\r\nEND\r\n");
    assertEquals("v", cut.gets("k", TIMEOUT).getValue());
  }

  @Test
  void anAnswerTheJdksTimedReadGaveUpOnIsStillRead() throws IOException {
    var gaveUp = new AtomicBoolean();
    cut.reading =
        in ->
            new FilterInputStream(in) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (gaveUp.compareAndSet(false, true)) { // descheduled past the JDK's deadline
                  sleep(TimeUnit.NANOSECONDS.toMillis(TIMEOUT) + 20);
                  throw new SocketTimeoutException("Read timed out");
                }
                return super.read(b, off, len);
              }
            };
    answer("VALUE k 0 1 7\r\nv\r\nEND\r\n");
    assertEquals("v", cut.gets("k", TIMEOUT).getValue());
    assertTrue(gaveUp.get());
  }

  @Test
  void aSilentNodeTimesOutOnceTheReadAfterTheJdksTimeoutFindsNothing() {
    var reads = new AtomicInteger();
    cut.reading =
        in ->
            new FilterInputStream(in) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                reads.incrementAndGet();
                return super.read(b, off, len);
              }
            };
    script.add(SILENT);
    assertThrows(SocketTimeoutException.class, () -> cut.gets("k", TIMEOUT));
    assertEquals(2, reads.get(), "the timed read and one short read after it");
  }

  @Test
  void aSilentNodeStillTimesOutForAThreadThatComesLate() {
    cut.clock =
        () -> {
          sleep(10);
          return System.nanoTime();
        };
    script.add(SILENT);
    assertThrows(SocketTimeoutException.class, () -> cut.gets("k", TIMEOUT));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aPooledConnectionTheNodeClosedIsReplacedOnce() throws IOException {
    answer("END\r\n");
    assertNull(cut.gets("k", TIMEOUT));
    script.add(CLOSE); // the node restarts: the pooled connection is dead
    answer("VALUE k 0 1 7\r\nv\r\nEND\r\n");
    assertEquals("v", cut.gets("k", TIMEOUT).getValue());
    assertEquals(2, accepted.get());
  }

  @Test
  void aFreshConnectionThatFailsIsAnError() {
    script.add(CLOSE);
    IOException failed = assertThrows(IOException.class, () -> cut.gets("k", TIMEOUT));
    assertEquals("memcached closed the connection", failed.getMessage());
  }

  @Test
  void anErrorLineIsAnErrorAndTheConnectionIsDropped() throws IOException {
    answer("SERVER_ERROR out of memory\r\n");
    IOException failed = assertThrows(IOException.class, () -> cut.gets("k", TIMEOUT));
    assertEquals("memcached answered 'SERVER_ERROR out of memory'", failed.getMessage());
    answer("END\r\n");
    assertNull(cut.gets("k", TIMEOUT));
    assertEquals(2, accepted.get());
  }

  @Test
  void anItemForAnotherKeyIsAnError() {
    answer("VALUE other 0 1 7\r\nv\r\nEND\r\n");
    assertThrows(IOException.class, () -> cut.gets("k", TIMEOUT));
  }

  @Test
  void aValueWithoutItsEndIsAnError() {
    answer("VALUE k 0 1 7\r\nvv\r\nEND\r\n");
    assertThrows(IOException.class, () -> cut.gets("k", TIMEOUT));
  }

  @Test
  void aKeyTheProtocolCannotCarryIsRefusedBeforeTheNodeIsAsked() {
    for (String key : new String[] {"", "a b", "a\r\nflush_all", "é", "k".repeat(251)}) {
      assertThrows(IllegalArgumentException.class, () -> cut.gets(key, TIMEOUT), key);
    }
    assertEquals(0, accepted.get());
  }

  @Test
  void aNodeNobodyListensOnIsAnError() throws IOException {
    node.close();
    assertThrows(IOException.class, () -> cut.gets("k", TIMEOUT));
  }
}
