package rdsmemcached.warmup.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void eachResponsesStatusIsReadWithIt() throws Exception {
    InputStream in =
        stream(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\nX-Cache: MISS\r\n"
                + "Content-Length: 2\r\n\r\n{}"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n");
    var answer = new WarmUp.Answer();
    assertTrue(WarmUp.readResponse(in, answer));
    assertEquals(404, answer.status);
    assertEquals("MISS", answer.cache);
    answer = new WarmUp.Answer();
    assertTrue(WarmUp.readResponse(in, answer));
    assertEquals(204, answer.status);
    assertEquals("", answer.cache, "no X-Cache header");
    answer = new WarmUp.Answer();
    assertFalse(WarmUp.readResponse(in, answer), "closed after this one");
    assertEquals(503, answer.status);
  }

  @Test
  void aConnectionThatEndsBeforeAnyAnswerHasNoStatus() throws Exception {
    var answer = new WarmUp.Answer();
    assertFalse(WarmUp.readResponse(stream(""), answer));
    assertEquals(0, answer.status);
    assertEquals(0, WarmUp.statusCode("garbage"));
    assertEquals(0, WarmUp.statusCode("http/1.1 abc"));
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
