package dev.cairn.server.http.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, served from the server's jar: one page and the project's own script and
 * style sheet (no build step, nothing fetched from elsewhere). They hold no data: the script reads
 * everything through {@code /api/v1} with the token the user gives it, sent as a bearer header
 * (never a cookie, so no other site can make the browser act on the API).
 */
final class Dashboard {
  private static final String DIR = "/dev/cairn/server/ui/";
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9][a-z0-9-]{0,40}\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private Dashboard() {}

  static void serve(Context ctx, String name) {
    if (!NAME.matcher(name).matches()) {
      throw notFound();
    }
    byte[] body =
        CACHE.computeIfAbsent(
            name,
            n -> {
              try (InputStream in = Dashboard.class.getResourceAsStream(DIR + n)) {
                return in == null ? new byte[0] : in.readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    if (body.length == 0) {
      throw notFound();
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    ctx.status(200).contentType(TYPES.getOrDefault(ext, "application/octet-stream")).result(body);
  }

  private static HttpApi.ApiError notFound() {
    return new HttpApi.ApiError(404, "not-found", "no such dashboard file", "open / instead");
  }
}
