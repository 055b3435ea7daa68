package floors;

import java.nio.charset.StandardCharsets;

/** The bytes both floors answer: the service's answer for /cache/1, so the sizes match. */
final class Floors {
  static final byte[] BODY =
      "{\"id\":1,\"value\":\"Initial Value\",\"sleepResult\":0}".getBytes(StandardCharsets.UTF_8);

  private Floors() {}
}
