package rdsmemcached.customers.boundary;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * Reads the body of {@code PUT /customers/{id}}: exactly {@code {"value": "..."}}, UTF-8, at most
 * {@value #MAX_BODY_BYTES} bytes; the value 1 to {@value #MAX_VALUE_LENGTH} characters without
 * control characters. Anything else is a 400 (413 when too large) before SQL sees it.
 */
final class CustomerUpdates {

  static final int MAX_BODY_BYTES = 8192;
  static final int MAX_VALUE_LENGTH = 1024;
  static final String SHAPE = "the body must be {\"value\": \"...\"} with no other field";

  private CustomerUpdates() {}

  static String value(InputStream body) {
    String value = parse(read(body));
    int length = value.codePointCount(0, value.length());
    if (length < 1 || length > MAX_VALUE_LENGTH) {
      throw invalid("value must be 1 to " + MAX_VALUE_LENGTH + " characters");
    }
    if (value.codePoints().anyMatch(Character::isISOControl)) {
      throw invalid("value must not contain control characters");
    }
    return value;
  }

  /** Walks the parser's events, so duplicate keys and trailing content are refused too. */
  private static String parse(String text) {
    try (JsonParser parser = Json.createParser(new StringReader(text))) {
      expect(parser, Event.START_OBJECT, "the body must be a JSON object");
      expect(parser, Event.KEY_NAME, SHAPE);
      if (!"value".equals(parser.getString())) {
        throw invalid(SHAPE);
      }
      expect(parser, Event.VALUE_STRING, "value must be a string");
      String value = parser.getString();
      expect(parser, Event.END_OBJECT, SHAPE);
      if (parser.hasNext()) {
        throw invalid("nothing may follow the JSON object");
      }
      return value;
    } catch (JsonException | IllegalStateException | NoSuchElementException e) {
      throw invalid("the body must be a JSON object");
    }
  }

  private static void expect(JsonParser parser, Event expected, String otherwise) {
    if (!parser.hasNext() || parser.next() != expected) {
      throw invalid(otherwise);
    }
  }

  private static String read(InputStream body) {
    try {
      byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new ProblemException(
            Response.Status.REQUEST_ENTITY_TOO_LARGE,
            "the body must be at most " + MAX_BODY_BYTES + " bytes");
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("the body must be UTF-8");
    } catch (IOException e) {
      throw invalid("the body could not be read");
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(Response.Status.BAD_REQUEST, detail);
  }
}
