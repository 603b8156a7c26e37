package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.Secret;
import dev.cairn.deploy.duties.AuditLog;
import dev.cairn.deploy.duties.Duty;
import dev.cairn.deploy.rollout.Revision;
import dev.cairn.deploy.rollout.Rollouts;
import dev.cairn.pipeline.RunRecord;
import dev.cairn.testing.DebianPackages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in Debian's headless Chromium, driven by Selenium, against a real server with real
 * runs (one succeeded, one failed at its second step, one still writing its log), the fixture's
 * certificates seen on a day when one is expiring and one expired, a deploy target, and markup
 * planted in every field a user controls. Screenshots of each page go to {@code
 * target/screenshots}.
 */
class DashboardBrowserIT {
  /** Markup that would run if any field were put into the page as HTML. */
  static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";

  static final Path SHOTS = Path.of("target", "screenshots");

  @TempDir static Path dir;
  static ServerFixture f;
  static WebDriver browser;
  static Secret sec;
  static RunRecord succeeded;
  static RunRecord failed;
  static RunRecord live;
  static Path liveGo;
  TestInfo test;

  @BeforeAll
  static void start() throws Exception {
    DebianPackages.ensure("chromium", Path.of("/usr/bin/chromium"));
    DebianPackages.ensure("chromium-driver", Path.of("/usr/bin/chromedriver"));
    // the fixture's certificates were issued for May 2026: on 20 May one is expiring, one expired
    Instant day = Instant.parse("2026-05-20T12:00:00Z");
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), day));
    f = new ServerFixture(dir, b -> b.clock(clock).workers(4));
    try (var t = f.tokenStore()) {
      sec = t.create("lead", Set.of(Duty.SEC, Duty.OPS), Instant.now()).secret();
    }
    // a waiver recorded with markup in its object and reason (token names refuse markup outright)
    Map<String, Object> waiver = new LinkedHashMap<>();
    waiver.put("event", "waiver");
    waiver.put("at", "2026-05-19T09:00:00Z");
    waiver.put("actor", "sec-lead");
    waiver.put("action", "vuln.waive");
    waiver.put("object", "CVE-2026-0001 " + XSS);
    waiver.put("outcome", "waived");
    waiver.put("reason", "accepted risk " + XSS);
    AuditLog.in(f.home).append(waiver);
    succeeded = f.awaitFinished(f.submit(f.project("web-app", "echo building web-app")).id());
    failed = f.awaitFinished(f.submit(pipeline("api-" + "svc", failingPipeline())).id());
    liveGo = dir.resolve("go-on");
    live =
        f.submit(
            pipeline(
                "streamer",
                "name: streamer\nsteps:\n  - name: stream\n    run: {command: [sh, -c, "
                    + dev.cairn.core.Json.canonical(
                        "i=0; while [ ! -f "
                            + liveGo
                            + " ] && [ $i -lt 600 ]; do i=$((i+1)); echo tick-$i; sleep 0.2;"
                            + " done; echo finished-streaming")
                    + "]}\n"));
    Rollouts.fileHistory(f.home)
        .record(
            "shop-frontend",
            new Revision(
                1,
                "deploy",
                "0123456789abcdef0123456789abcdef01234567",
                List.of("127.0.0.1:5000/shop@sha256:" + "b".repeat(64)),
                Instant.parse("2026-05-19T10:00:00Z"),
                "ops " + XSS,
                "refused: the cluster's certificate expired " + XSS,
                Revision.Outcome.FAILED,
                "gate refused " + XSS,
                null),
            List.of());
    // a registered cluster with a week of scans (the scheduler's next fire is hours away)
    Path kubeconfig = Files.writeString(dir.resolve("prod.kubeconfig"), "apiVersion: v1\n");
    f.stores
        .clusters()
        .put(
            new dev.cairn.server.store.ClusterStore.Cluster(
                "prod", kubeconfig.toString(), "0 3 * * *", day.minus(Duration.ofDays(8))));
    for (int i = 0; i < 7; i++) {
      f.stores
          .scans()
          .add(
              new dev.cairn.server.store.ScanStore.Scan(
                  0,
                  "prod",
                  day.minus(Duration.ofDays(7 - i)),
                  Map.of(
                      "cis",
                      Map.of("high", 6 - i / 2, "medium", 9 - i),
                      "nsa",
                      Map.of("critical", i < 3 ? 1 : 0, "low", 4)),
                  "{\"checks\":[]}"));
    }
    browser = chromium();
  }

  private static String failingPipeline() {
    return "name: api-svc\nsteps:\n"
        + "  - name: prepare\n    run: {command: [sh, -c, 'echo preparing; echo ready']}\n"
        + "  - name: unit-tests\n    run: {command: [sh, -c, 'echo running 12 tests; echo FAIL:"
        + " OrderTest.totals expected 42 got 41; exit 3']}\n"
        + "  - name: package\n    run: {command: [sh, -c, 'echo never']}\n";
  }

  /** A project in a directory whose name is markup, with {@code yaml} as its pipeline. */
  private static Path pipeline(String name, String yaml) throws IOException {
    Path p = dir.resolve(name + "-" + XSS.replace('/', '_'));
    Files.createDirectories(p.resolve(".cairn"));
    Files.writeString(p.resolve(".cairn/pipeline.yaml"), yaml);
    return p;
  }

  private static WebDriver chromium() throws IOException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1366,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, o);
  }

  @AfterAll
  static void stop() throws IOException {
    if (liveGo != null) {
      Files.writeString(liveGo, "go");
    }
    if (browser != null) {
      browser.quit();
    }
    if (f != null) {
      f.close();
    }
  }

  @BeforeEach
  void signIn(TestInfo info) {
    this.test = info;
    browser.get(f.server.uri() + "/#/login");
    WebElement input = waitFor(By.id("token"));
    input.clear();
    input.sendKeys(new String(sec.bytes(), StandardCharsets.UTF_8));
    input.sendKeys(Keys.ENTER);
    try {
      waitFor(By.id("who-name"));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("not signed in; the page says: " + body(), e);
    }
    waitText(By.tagName("h1"), "Overview");
  }

  private WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Clicks {@code by} once it is there (pages draw after their data arrives). */
  private void click(By by) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.elementToBeClickable(by))
        .click();
  }

  private void waitText(By by, String text) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  private void open(String route) {
    browser.get(f.server.uri() + "/#/" + route);
  }

  private void shot(String name) throws IOException {
    Files.createDirectories(SHOTS);
    Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private String body() {
    return browser.findElement(By.tagName("body")).getText();
  }

  private Object xssMarker() {
    return ((JavascriptExecutor) browser).executeScript("return window.__xss === undefined");
  }

  @Test
  void navigation_reachesEverySection_andShowsTheirData() throws IOException {
    shot("01-overview");
    assertThat(body())
        .contains("pipeline runs")
        .contains("certified clusters")
        .contains("Recent runs");
    String[][] sections = {
      {"Runs", "Pipeline runs", succeeded.id()},
      {"Clusters", "Clusters", "a.example"},
      {"Scans", "Scans", ""},
      {"Deployments", "Deployments", "shop-frontend"},
      {"Trust", "Trust root", "Attestation policies"},
      {"Audit log", "Audit log", "records"},
      {"Notifications", "Notifications", "No notification endpoint is configured"},
      {"Tokens", "Tokens", "lead"},
    };
    int n = 2;
    for (String[] s : sections) {
      click(By.linkText(s[0]));
      waitText(By.tagName("h1"), s[1]);
      assertThat(body()).as(s[0]).contains(s[2]);
      assertThat(browser.findElement(By.cssSelector("#nav a[aria-current=page]")).getText())
          .isEqualTo(s[0]);
      shot(
          String.format("%02d-%s", n++, s[0].toLowerCase(java.util.Locale.ROOT).replace(' ', '-')));
    }
    // a deployment's gate decision
    click(By.linkText("Deployments"));
    waitText(By.tagName("h1"), "Deployments");
    click(By.linkText("shop-frontend"));
    waitText(By.tagName("h1"), "Target shop-frontend");
    assertThat(body()).contains("failed").contains("refused: the cluster's certificate expired");
    shot("09b-target");
  }

  @Test
  void scans_showATrendChart_andTheLatestFindingsByFrameworkAndSeverity() throws IOException {
    click(By.linkText("Scans"));
    WebElement row = waitFor(By.cssSelector("tr[data-schedule=prod]"));
    assertThat(row.getText()).contains("0 3 * * *").contains("high").contains("medium");
    click(By.linkText("prod"));
    waitText(By.tagName("h1"), "Scans of prod");
    // the chart has one area per severity that ever failed, drawn from the 7 scans
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> d.findElements(By.cssSelector("svg.chart polygon")).size() == 4);
    String text = body();
    assertThat(text).contains("7 scans shown").contains("Latest scan by framework and severity");
    // the newest scan: cis high 3, medium 3; nsa critical 0, low 4
    WebElement cis = browser.findElement(By.xpath("//td[text()='cis']/.."));
    assertThat(cis.getText()).isEqualTo("cis 0 3 3 0 0");
    WebElement nsa = browser.findElement(By.xpath("//td[text()='nsa']/.."));
    assertThat(nsa.getText()).isEqualTo("nsa 0 0 0 4 0");
    assertThat(browser.findElements(By.id("scan-now"))).hasSize(1); // Sec and Ops may start one
    shot("18-scans");
  }

  @Test
  void aFailedRun_showsItsFirstFailingStep_andItsLog() throws IOException {
    open("runs?state=failed");
    waitText(By.tagName("h1"), "Pipeline runs");
    click(By.linkText(failed.id()));
    WebElement failure = waitFor(By.id("failure"));
    assertThat(failure.getText())
        .contains("Failed at step “unit-tests”")
        .contains("exit code 3")
        .contains("FAIL: OrderTest.totals expected 42 got 41");
    // the failing step is the one selected and marked, and its log is what it printed
    // (the list is redrawn as the run's events arrive: look the button up each time)
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(
            d ->
                "unit-tests"
                    .equals(
                        d.findElement(By.cssSelector(".steplist button[aria-pressed=true]"))
                            .getAttribute("data-step")));
    assertThat(browser.findElements(By.cssSelector(".steplist li.first-failure"))).hasSize(1);
    waitText(By.id("log"), "running 12 tests");
    assertThat(browser.findElement(By.id("log-title")).getText()).isEqualTo("Log of unit-tests");
    // the step before it succeeded, the one after never ran
    browser.findElement(By.cssSelector("button[data-step=prepare]")).click();
    waitText(By.id("log"), "ready");
    assertThat(body()).contains("package");
    shot("10-failed-run");
  }

  @Test
  void aRunningRun_streamsItsLogLive_untilItEnds() throws IOException {
    open("runs/" + live.id());
    waitText(By.tagName("h1"), live.id());
    waitText(By.id("log"), "tick-3");
    WebElement mark = browser.findElement(By.cssSelector(".live"));
    assertThat(mark.isDisplayed()).isTrue();
    String before = browser.findElement(By.id("log")).getText();
    // more lines arrive with no reload: the page is fed by the run's event stream
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> d.findElement(By.id("log")).getText().length() > before.length() + 20);
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("running");
    shot("11-live-log");
    Files.writeString(liveGo, "go");
    waitText(By.id("log"), "finished-streaming");
    waitText(By.tagName("h1"), "succeeded");
    assertThat(browser.findElement(By.cssSelector(".live")).isDisplayed()).isFalse();
    shot("12-live-log-finished");
  }

  @Test
  void certificates_showExpiringAndExpired_withALiveVerification() throws IOException {
    click(By.linkText("Clusters"));
    waitText(By.tagName("h1"), "Clusters");
    WebElement row = waitFor(By.cssSelector("tr[data-cluster]"));
    assertThat(row.getText()).contains("expiring");
    row.findElement(By.tagName("a")).click();
    waitText(By.tagName("h1"), "Cluster");
    List<WebElement> certs = browser.findElements(By.cssSelector("tr[data-certificate]"));
    assertThat(certs).hasSize(2);
    assertThat(certs.get(0).getText()).contains("expiring");
    assertThat(certs.get(1).getText()).contains("expired");
    // the live verification is the verifier's own answer, with the links it checked or the broken
    // one
    WebElement v = waitFor(By.id("verification"));
    new WebDriverWait(browser, Duration.ofSeconds(60))
        .until(d -> d.findElement(By.id("verification")).getText().contains("verified"));
    assertThat(v.getText())
        .containsAnyOf("Every link of the trust chain holds", "The link that broke");
    shot("13-cluster-certificates");
    certs = browser.findElements(By.cssSelector("tr[data-certificate]"));
    certs.get(0).findElement(By.tagName("a")).click();
    waitText(By.tagName("h1"), "Certificate");
    assertThat(body())
        .contains("Ledger proof")
        .contains("expiring")
        .contains("snapshot")
        .doesNotContain("null");
    shot("14-certificate");
  }

  @Test
  void everythingWorksFromTheKeyboard() throws IOException {
    Actions keys = new Actions(browser);
    // a fresh visit (the token stays in the tab's session storage) starts from the top
    browser.navigate().refresh();
    waitText(By.tagName("h1"), "Overview");
    // the first Tab reaches the skip link, Enter moves focus to the content
    keys.sendKeys(Keys.TAB).perform();
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");
    // Tab along the navigation to "Runs" and open it with Enter
    for (int i = 0; i < 10 && !browser.switchTo().activeElement().getText().equals("Runs"); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Runs");
    keys.sendKeys(Keys.ENTER).perform();
    waitText(By.tagName("h1"), "Pipeline runs");
    // on to the first run's link, then into the run
    for (int i = 0; i < 40; i++) {
      WebElement a = browser.switchTo().activeElement();
      if (a.getTagName().equals("a") && a.getText().equals(failed.id())) {
        break;
      }
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo(failed.id());
    keys.sendKeys(Keys.ENTER).perform();
    waitFor(By.id("failure"));
    // step buttons are reachable and work with the keyboard too
    for (int i = 0; i < 40; i++) {
      WebElement a = browser.switchTo().activeElement();
      if ("prepare".equals(a.getAttribute("data-step"))) {
        break;
      }
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(browser.switchTo().activeElement().getAttribute("data-step")).isEqualTo("prepare");
    keys.sendKeys(Keys.ENTER).perform();
    waitText(By.id("log-title"), "Log of prepare");
    shot("15-keyboard");
  }

  @Test
  void markupInEveryUserField_isShownAsText_neverRun() throws IOException {
    // the repository's directory (runs), a deployment's actor, gate decision and reason (target
    // page), a waiver's object and reason (audit log)
    for (String route :
        List.of(
            "", "runs", "runs/" + failed.id(), "deployments/shop-frontend", "audit", "tokens")) {
      open(route);
      waitFor(By.tagName("h1"));
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(d -> !d.findElement(By.tagName("main")).getText().contains("Loading"));
      assertThat(xssMarker()).as("no planted script ran on #/" + route).isEqualTo(true);
      assertThat(browser.findElements(By.cssSelector("main img, main script")))
          .as("no planted element on #/" + route)
          .isEmpty();
    }
    open("audit");
    waitText(By.tagName("main"), "CVE-2026-0001 <img src=x");
    open("deployments/shop-frontend");
    waitText(By.tagName("main"), "gate refused <img src=x onerror=");
    open("runs");
    waitText(By.tagName("main"), "<script>window.__xss=2<_script>");
    shot("16-markup-as-text");
  }

  @Test
  void theDashboardsCode_neverParsesHtml_andThePageIsUnderTheStrictPolicy() throws Exception {
    String js;
    try (InputStream in = getClass().getResourceAsStream("/dev/cairn/server/ui/app.js")) {
      js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String sink :
        List.of(
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function")) {
      assertThat(js).as(sink).doesNotContain(sink);
    }
    var r = f.send("GET", "/", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(r.body()).doesNotContain("<script>").contains("src=\"/ui/app.js\"");
    assertThat(f.send("GET", "/ui/..%2Fhttp%2Fopenapi.json", null, null).statusCode())
        .isEqualTo(404);
  }

  @Test
  void aBadToken_isRefusedWithAClearMessage() throws IOException {
    browser.findElement(By.xpath("//button[text()='Sign out']")).click();
    WebElement input = waitFor(By.id("token"));
    input.sendKeys("cairn_not-a-real-token");
    input.sendKeys(Keys.ENTER);
    waitText(By.cssSelector(".error"), "That token is not valid");
    assertThat(browser.getCurrentUrl()).endsWith("#/login");
    shot("17-bad-token");
  }
}
