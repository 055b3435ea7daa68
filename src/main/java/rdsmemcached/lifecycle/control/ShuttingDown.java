package rdsmemcached.lifecycle.control;

/**
 * Fired on SIGTERM once the requests are drained, just before the JVM exits: the last moment to
 * release something and still say so in the log. The container's own teardown runs later, in the
 * JVM's shutdown hooks, when {@code java.util.logging} has already been reset and logs nothing.
 */
public record ShuttingDown() {}
