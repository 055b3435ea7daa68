package rdsmemcached.memcached.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClientIF;
import net.spy.memcached.transcoders.Transcoder;

/**
 * The fast lane's memcached read: {@code gets} on the key's node over a blocking connection that
 * the calling thread holds for the operation, answered on that thread.
 *
 * <p>Why not spymemcached here (it does every other operation): a hit through spymemcached's single
 * I/O thread costs two thread hand-offs — the worker queues the operation and wakes the selector
 * (an eventfd write), parks on the future, and is unparked by the I/O thread once the answer is
 * parsed. Profiled in a 1 vCPU cgroup at c8 on a warm key (async-profiler, issue #12), those
 * hand-offs and the I/O thread itself were about a third of a hit's CPU, more than the service's
 * own code; on 2 cores beside 256 misses, the hits queued behind the misses' memcached traffic on
 * the same I/O thread (issue #17). A hit here is one write and one read system call on the worker.
 * Measured before and after in the same run (docs/benchmarks.md, "The fast lane's own memcached
 * read": 1.20× the hits per second at 1 vCPU, 0.76× the CPU per hit at 0.25 vCPU). spymemcached and
 * xmemcached both hand off to I/O threads; the one client with blocking pooled sockets (Whalin's
 * Memcached-Java-Client) is no longer released and routes keys by its own ring. So this is the
 * protocol's text {@code gets} only, about 150 lines; values are decoded by spymemcached's own
 * transcoder, keys are routed by its own ketama ring (the node {@link NodeBreakers} knows the key
 * by), so that what the two clients see is the same item.
 *
 * <p>Connections are pooled per node, most recently used first, and grow to the number of threads
 * reading at once. A connection whose read timed out is closed (its answer may still come); one
 * taken from the pool that turns out broken (the node restarted) is replaced once by a fresh one.
 * Timeouts and failures are the caller's to judge ({@code CacheEntries}: stalls of this process,
 * breakers).
 */
@ApplicationScoped
public class DirectReads {

  static final System.Logger LOG = System.getLogger(DirectReads.class.getName());

  /** Longest value memcached stores by default (1 MiB), with room for the protocol's lines. */
  static final int MAX_ITEM_BYTES = 1024 * 1024 + 512;

  @Inject NodeBreakers breakers;
  @Inject MemcachedClientIF memcached;

  private final Map<SocketAddress, Deque<Connection>> idle = new ConcurrentHashMap<>();

  /** {@link System#nanoTime()}; a test's clock can make the reading thread come late. */
  LongSupplier clock = System::nanoTime;

  /** Wraps each connection's input; a test's can make the JDK's timed read give up early. */
  UnaryOperator<InputStream> reading = UnaryOperator.identity();

  /** The client's transcoder, held: every call through the client's proxy is a reflective one. */
  private volatile Transcoder<Object> transcoder;

  /**
   * The key's item with its CAS id, or null when absent. Throws {@link SocketTimeoutException} when
   * the node did not answer within {@code timeoutNanos}, another {@link IOException} when it could
   * not be reached or answered something else than an item.
   */
  public CASValue<Object> gets(String key, long timeoutNanos) throws IOException {
    checkKey(key);
    SocketAddress node = breakers.nodeOf(key);
    Connection connection = pool(node).pollFirst();
    if (connection != null) {
      try {
        return answer(node, connection, connection.gets(key, timeoutNanos, clock));
      } catch (SocketTimeoutException slow) {
        connection.close();
        throw slow;
      } catch (IOException stale) { // closed by the node (restarted, idle timeout): once more
        connection.close();
      }
    }
    connection = Connection.open(node, timeoutNanos, reading);
    try {
      return answer(node, connection, connection.gets(key, timeoutNanos, clock));
    } catch (IOException failed) {
      connection.close();
      throw failed;
    }
  }

  /** A key this text protocol can carry: CacheKeys never builds another. */
  private static void checkKey(String key) {
    if (key.isEmpty() || key.length() > 250) {
      throw new IllegalArgumentException("not a memcached key: " + key);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException("not a memcached key: " + key);
      }
    }
  }

  private CASValue<Object> answer(SocketAddress node, Connection connection, Raw raw) {
    pool(node).offerFirst(connection);
    if (raw == null) {
      return null;
    }
    Transcoder<Object> decoder = transcoder;
    if (decoder == null) {
      decoder = memcached.getTranscoder();
      transcoder = decoder;
    }
    Object value = decoder.decode(new CachedData(raw.flags(), raw.data(), CachedData.MAX_SIZE));
    return new CASValue<>(raw.cas(), value);
  }

  private Deque<Connection> pool(SocketAddress node) {
    Deque<Connection> pool = idle.get(node);
    return pool != null ? pool : idle.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>());
  }

  /** The client was rebuilt (a node's address changed): connections to old addresses go. */
  void clientBuilt() {
    transcoder = null;
    closeAll();
  }

  @PreDestroy
  void closeAll() {
    for (Deque<Connection> pool : idle.values()) {
      for (Connection connection; (connection = pool.pollFirst()) != null; ) {
        connection.close();
      }
    }
  }

  /** An item as read: flags, data and CAS id. */
  record Raw(int flags, byte[] data, long cas) {}

  /** One blocking connection to one node, used by one thread at a time. */
  static final class Connection {
    private static final byte[] GETS = "gets ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "END\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Reads made after the deadline, at most {@link #LATE_READS} per operation. */
    private static final int LATE_READS = 2;

    private byte[] buffer = new byte[4096];
    private int filled;
    private int lateReads;

    private LongSupplier clock = System::nanoTime;

    private Connection(Socket socket, UnaryOperator<InputStream> reading) throws IOException {
      this.socket = socket;
      this.in = reading.apply(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    static Connection open(SocketAddress node, long timeoutNanos) throws IOException {
      return open(node, timeoutNanos, UnaryOperator.identity());
    }

    static Connection open(
        SocketAddress node, long timeoutNanos, UnaryOperator<InputStream> reading)
        throws IOException {
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        InetSocketAddress address = (InetSocketAddress) node;
        if (address.isUnresolved()) {
          address = new InetSocketAddress(address.getHostString(), address.getPort());
        }
        socket.connect(address, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)));
        return new Connection(socket, reading);
      } catch (IOException failed) {
        socket.close();
        throw failed;
      }
    }

    /**
     * Sends {@code gets key} and reads the answer: the item, or null when absent. The wait starts
     * once the request is written: under a CPU quota this thread may be descheduled for tens of
     * milliseconds before the write, which is no reason to give the node less time (measured at 0.5
     * vCPU: a read counted from before the write timed out with the node idle).
     */
    Raw gets(String key, long timeoutNanos, LongSupplier clock) throws IOException {
      this.clock = clock;
      int length = GETS.length + key.length() + 2;
      ensure(length);
      System.arraycopy(GETS, 0, buffer, 0, GETS.length);
      for (int i = 0; i < key.length(); i++) {
        buffer[GETS.length + i] = (byte) key.charAt(i);
      }
      buffer[length - 2] = '\r';
      buffer[length - 1] = '\n';
      out.write(buffer, 0, length);
      long deadline = clock.getAsLong() + timeoutNanos;
      filled = 0;
      lateReads = 0;
      int lineEnd = readLine(0, deadline);
      if (startsWith(0, END)) {
        return null;
      }
      String header = new String(buffer, 0, lineEnd, StandardCharsets.US_ASCII);
      String[] fields = header.split(" ");
      if (fields.length != 5 || !"VALUE".equals(fields[0]) || !key.equals(fields[1])) {
        throw new IOException("memcached answered " + printable(header));
      }
      int flags;
      int bytes;
      long cas;
      try {
        flags = Integer.parseUnsignedInt(fields[2]);
        bytes = Integer.parseInt(fields[3]);
        cas = Long.parseUnsignedLong(fields[4]);
      } catch (NumberFormatException bad) {
        throw new IOException("memcached answered " + printable(header), bad);
      }
      int dataStart = lineEnd + 2;
      int end = dataStart + bytes + 2 + END.length;
      if (bytes < 0 || end > MAX_ITEM_BYTES) {
        throw new IOException("memcached answered " + printable(header));
      }
      fill(end, deadline);
      if (buffer[dataStart + bytes] != '\r'
          || buffer[dataStart + bytes + 1] != '\n'
          || !startsWith(dataStart + bytes + 2, END)) {
        throw new IOException("memcached's answer to gets " + key + " is malformed");
      }
      byte[] data = new byte[bytes];
      System.arraycopy(buffer, dataStart, data, 0, bytes);
      return new Raw(flags, data, cas);
    }

    /** Reads until a line ending at or after {@code from}; returns the index of its {@code \r}. */
    private int readLine(int from, long deadline) throws IOException {
      int scanned = from;
      while (true) {
        for (; scanned + 1 < filled; scanned++) {
          if (buffer[scanned] == '\r' && buffer[scanned + 1] == '\n') {
            return scanned;
          }
        }
        if (filled >= 1024) { // a header line is at most a 250-byte key and four numbers
          throw new IOException("memcached answered a line longer than 1024 bytes");
        }
        readMore(deadline);
      }
    }

    private void fill(int bytes, long deadline) throws IOException {
      ensure(bytes);
      while (filled < bytes) {
        readMore(deadline);
      }
    }

    private void readMore(long deadline) throws IOException {
      ensure(filled + 1);
      socket.setSoTimeout(remainingMillis(deadline));
      int read;
      try {
        read = in.read(buffer, filled, buffer.length - filled);
      } catch (SocketTimeoutException byTheJdksClock) {
        // The JDK's timed read reads, waits, then checks its own deadline before reading again: a
        // thread descheduled after the first read comes back past that deadline and gives up
        // without looking at the answer that arrived meanwhile. Seen at 0.5 vCPU: memcached
        // answered in 1.3 ms (tcpdump), the read gave up 51 ms after the write. One more short
        // read (remainingMillis: at most LATE_READS past the deadline) looks.
        socket.setSoTimeout(remainingMillis(deadline));
        read = in.read(buffer, filled, buffer.length - filled);
      }
      if (read < 0) {
        throw new IOException("memcached closed the connection");
      }
      filled += read;
    }

    private void ensure(int capacity) {
      if (capacity > buffer.length) {
        byte[] larger = new byte[Math.max(capacity, buffer.length * 2)];
        System.arraycopy(buffer, 0, larger, 0, filled);
        buffer = larger;
      }
    }

    private boolean startsWith(int at, byte[] prefix) {
      if (at + prefix.length > filled) {
        return false;
      }
      for (int i = 0; i < prefix.length; i++) {
        if (buffer[at + i] != prefix[i]) {
          return false;
        }
      }
      return true;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to do: it is gone either way
      }
    }

    /**
     * Milliseconds left to wait. Past the deadline a few reads of 1 ms are still made: the answer
     * may be there already, and only this thread was late (descheduled by a CPU quota between the
     * write and the read). The kernel, not this thread, timed the wait: an answer that arrived in
     * time is read however late the thread runs.
     */
    private int remainingMillis(long deadline) throws SocketTimeoutException {
      long remaining = deadline - clock.getAsLong();
      if (remaining > 0) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
      }
      if (lateReads++ < LATE_READS) {
        return 1;
      }
      throw new SocketTimeoutException("memcached did not answer in time");
    }

    private static String printable(String line) {
      String shown = line.length() > 80 ? line.substring(0, 80) + "…" : line;
      return "'" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
  }
}
