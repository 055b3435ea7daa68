package rdsmemcached.warmup.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    assertEquals(new WarmUp.Response(200, true), WarmUp.readResponse(in));
    assertEquals(
        new WarmUp.Response(200, true), WarmUp.readResponse(in), "the first body skipped exactly");
    assertNull(WarmUp.readResponse(in), "the connection ended in the third one's headers");
  }

  @Test
  void headerNamesAreCaseInsensitiveAndBareNewlinesAreAccepted() throws Exception {
    InputStream in = stream("HTTP/1.1 200 OK\nCONTENT-LENGTH: 3\n\nabcHTTP/1.1 204 No Content\n\n");
    assertEquals(200, WarmUp.readResponse(in).status());
    assertEquals(204, WarmUp.readResponse(in).status(), "a response without a body");
  }

  @Test
  void connectionCloseEndsTheConnectionAfterThisResponse() throws Exception {
    InputStream in = stream("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
    assertEquals(new WarmUp.Response(503, false), WarmUp.readResponse(in));
  }

  @Test
  void somethingElseThanAStatusLineIsAnError() {
    assertThrows(IOException.class, () -> WarmUp.readResponse(stream("SSH-2.0-OpenSSH\r\n\r\n")));
    assertThrows(IOException.class, () -> WarmUp.readResponse(stream("HTTP/1.1 2xx OK\r\n\r\n")));
  }

  @Test
  void anEmptyStreamIsAClosedConnection() throws Exception {
    assertNull(WarmUp.readResponse(stream("")));
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
