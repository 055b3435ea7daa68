package rdsmemcached.caching.control;

/** memcached did not answer in time or at all; the caller serves from the source instead. */
class CacheUnavailableException extends Exception {

  CacheUnavailableException(RuntimeException cause) {
    super(cause.toString(), cause, false, false);
  }
}
