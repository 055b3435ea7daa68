package rdsmemcached.customers.boundary;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import rdsmemcached.problems.boundary.ProblemException;

/**
 * Reads the body of {@code PUT /customers/{id}}: exactly {@code {"value": "..."}}, UTF-8, at most
 * {@value #MAX_BODY_BYTES} bytes; the value 1 to {@value #MAX_VALUE_LENGTH} characters without
 * control characters. Anything else is a 400 (413 when too large) before SQL sees it.
 */
final class CustomerUpdates {

  static final int MAX_BODY_BYTES = 8192;
  static final int MAX_VALUE_LENGTH = 1024;

  private CustomerUpdates() {}

  static String value(InputStream body) {
    JsonObject update = parse(read(body));
    if (update.size() != 1 || !update.containsKey("value")) {
      throw invalid("the body must be {\"value\": \"...\"} with no other field");
    }
    JsonValue value = update.get("value");
    if (!(value instanceof JsonString text)) {
      throw invalid("value must be a string");
    }
    String string = text.getString();
    int length = string.codePointCount(0, string.length());
    if (length < 1 || length > MAX_VALUE_LENGTH) {
      throw invalid("value must be 1 to " + MAX_VALUE_LENGTH + " characters");
    }
    if (string.codePoints().anyMatch(Character::isISOControl)) {
      throw invalid("value must not contain control characters");
    }
    return string;
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

  private static JsonObject parse(String text) {
    try (JsonParser parser = Json.createParser(new StringReader(text))) {
      if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
        throw invalid("the body must be a JSON object");
      }
      JsonObject object = parser.getObject();
      if (parser.hasNext()) {
        throw invalid("the body must be one JSON object and nothing after it");
      }
      return object;
    } catch (JsonException | IllegalStateException e) {
      throw invalid("the body must be a JSON object");
    }
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(Response.Status.BAD_REQUEST, detail);
  }
}
