package dev.stability.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Set;

/**
 * The attributes of the stable HTTP semantic conventions this module sets (the names of {@code
 * io.opentelemetry.semconv}'s {@code HttpAttributes}, {@code UrlAttributes}, {@code
 * ServerAttributes}, {@code NetworkAttributes}, {@code ErrorAttributes}, spelled out so that the
 * module needs the API only).
 */
final class HttpAttributes {
  static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The methods the conventions name; any other is reported as {@code _OTHER}. */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  static final String OTHER_METHOD = "_OTHER";

  private HttpAttributes() {}

  /** Returns the method as the conventions want it: a known one, else {@code _OTHER}. */
  static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
  }
}
