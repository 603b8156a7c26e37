package dev.cairn.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: Debian's headless Chromium runs the page's script, and the DOM
 * it leaves shows what the filters hid. Chromium is installed with apt-get when missing.
 */
class HtmlReportChromiumIT {
  @TempDir Path tmp;

  /** Debian's chromium, installed when missing (idempotent: apt-get keeps an installed one). */
  static Path chromium() throws Exception {
    Path bin = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(bin)) {
      Process p =
          new ProcessBuilder("apt-get", "install", "-y", "-q", "chromium")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      assertThat(p.waitFor(15, TimeUnit.MINUTES)).as("apt-get install chromium finished").isTrue();
      assertThat(p.exitValue()).as("apt-get install -y -q chromium").isZero();
    }
    return bin;
  }

  /** The DOM after the page's script ran, for {@code url}. */
  private String dom(String url) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "profile");
    Path out = tmp.resolve("dom-" + System.nanoTime() + ".html");
    Process p =
        new ProcessBuilder(
                chromium().toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--dump-dom",
                url)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static final Pattern ROW = Pattern.compile("<(details|tr) [^>]*data-sev=\"(\\d)\"[^>]*>");

  /** Severity ranks of the rows left visible. */
  private static List<Integer> visible(String dom) {
    List<Integer> out = new ArrayList<>();
    Matcher m = ROW.matcher(dom);
    while (m.find()) {
      if (!m.group().contains(" hidden")) {
        out.add(Integer.parseInt(m.group(2)));
      }
    }
    return out;
  }

  @Test
  void filters_fromTheUrlFragment_hideWhatDoesNotMatch() throws Exception {
    Path html = tmp.resolve("report.html");
    Reports.write(ReportsTest.report(), ReportFormat.HTML, html);
    String url = html.toUri().toString();

    String all = dom(url);
    assertThat(visible(all)).contains(1, 2, 3, 4).hasSizeGreaterThan(80);
    assertThat(all).contains("shown</span>");

    int high = Severity.HIGH.ordinal();
    String severe = dom(url + "#severity=" + high);
    assertThat(visible(severe)).isNotEmpty().allMatch(s -> s >= high);
    assertThat(severe)
        .contains("data-sev=\"2\" data-fw=\"best-practice\" data-status=\"passed\" hidden");

    String text = dom(url + "#q=nightly-report&status=failed");
    Matcher objects = Pattern.compile("<details class=\"object\"[^>]*>").matcher(text);
    List<String> shownObjects = new ArrayList<>();
    while (objects.find()) {
      if (!objects.group().contains("hidden")) {
        shownObjects.add(objects.group());
      }
    }
    assertThat(shownObjects).hasSize(1);
    assertThat(text).contains("<b>CronJob shop/nightly-report</b>");
  }
}
