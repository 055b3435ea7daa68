package rdsmemcached.warmup.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The warm-up's reader of its own keep-alive responses, one at a time from a socket's stream. */
class WarmUpResponseTest {

  static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void readsResponsesOneAfterTheOtherOnOneConnection() throws Exception {
    String body = "{\"id\":1,\"value\":\"Initial Value\",\"sleepResult\":0}";
    String response =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Cache: HIT\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    InputStream in = stream(response + response + "HTTP/1.1 200 OK\r\n");
    assertTrue(WarmUp.readResponse(in));
    assertTrue(WarmUp.readResponse(in), "the first body was skipped exactly");
    assertFalse(WarmUp.readResponse(in), "the connection ended in the third one's headers");
  }

  @Test
  void headerNamesAreCaseInsensitiveAndBareNewlinesAreAccepted() throws Exception {
    InputStream in = stream("HTTP/1.1 200 OK\nCONTENT-LENGTH: 3\n\nabcHTTP/1.1 204 No Content\n\n");
    assertTrue(WarmUp.readResponse(in));
    assertTrue(WarmUp.readResponse(in), "a response without a body");
  }

  @Test
  void connectionCloseEndsTheConnectionAfterThisResponse() throws Exception {
    InputStream in = stream("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
    assertFalse(WarmUp.readResponse(in));
  }

  @Test
  void anEmptyStreamIsAClosedConnection() throws Exception {
    assertFalse(WarmUp.readResponse(stream("")));
  }

  @Test
  void aBodyCutShortIsAnError() {
    InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    assertThrows(EOFException.class, () -> WarmUp.readResponse(in));
  }

  @Test
  void aMalformedLengthIsAnError() {
    InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n");
    // an IOException: the warm-up drops this connection, where a NumberFormatException would
    // have ended the whole warm-up thread
    assertThrows(IOException.class, () -> WarmUp.readResponse(in));
  }
}
