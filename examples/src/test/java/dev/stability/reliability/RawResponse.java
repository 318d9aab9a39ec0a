package dev.stability.reliability;

import java.util.Map;

/**
 * One HTTP/1.1 response as read off a raw socket.
 *
 * @param status the status code
 * @param headers the headers, names in lower case
 * @param body the body, decoded as ISO-8859-1 so that every byte survives
 */
record RawResponse(int status, Map<String, String> headers, String body) {
  boolean closes() {
    return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
  }
}
