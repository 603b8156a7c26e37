package dev.cairn.agent;

import dev.cairn.attest.AttestationException;
import dev.cairn.attest.AttestationHttp;
import dev.cairn.attest.AttestationService;
import dev.cairn.attest.Attestations;
import dev.cairn.attest.EnclaveKey;
import dev.cairn.attest.Evidence;
import dev.cairn.attest.SealedSecret;
import dev.cairn.attest.Tees;
import dev.cairn.core.AtomicFiles;
import dev.cairn.core.CairnException;
import dev.cairn.core.Json;
import dev.cairn.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One attestation of a workload, from its init container. Configured by the environment the enclave
 * step sets:
 *
 * <ul>
 *   <li>{@code CAIRN_ATTESTATION_URL}: the attestation service;
 *   <li>{@code CAIRN_SESSION}, {@code CAIRN_SERVICE} (default {@code workload}): what to attest as;
 *   <li>{@code CAIRN_PLATFORM_URL}: the node's platform service, which makes the evidence;
 *   <li>{@code CAIRN_SECRETS_DIR} (default {@value #DEFAULT_SECRETS_DIR}): the memory-backed
 *       volume;
 *   <li>{@code CAIRN_ATTEST_TIMEOUT} (seconds, default 120): how long to keep trying to reach them.
 * </ul>
 *
 * Exits 0 when the secrets are written, 1 when the attestation was refused or failed (the pod does
 * not start), 2 when the environment is wrong. With the argument {@code fetch-workspace} it fetches
 * the workspace of a pipeline step that runs as a Kubernetes Job instead ({@link WorkspaceFetch}).
 */
public final class Agent {
  /** Where the secrets go unless {@code CAIRN_SECRETS_DIR} says otherwise. */
  public static final String DEFAULT_SECRETS_DIR = "/run/cairn/secrets";

  /** The file beside the secrets that says what was attested (no secret in it). */
  public static final String RECORD = ".cairn-attestation.json";

  private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /**
   * The agent's configuration.
   *
   * @param attestation the attestation service's base URL
   * @param session the workload's session
   * @param service the service to attest as
   * @param platform the platform service's base URL
   * @param secretsDir where to write the secrets
   * @param timeout how long to keep trying to reach the services
   */
  public record Config(
      URI attestation,
      String session,
      String service,
      URI platform,
      Path secretsDir,
      Duration timeout) {

    /** The configuration from {@code env} (the process environment). */
    public static Config fromEnv(Map<String, String> env) throws CairnException {
      String timeout = env.getOrDefault("CAIRN_ATTEST_TIMEOUT", "120");
      long seconds;
      try {
        seconds = Long.parseLong(timeout.strip());
      } catch (NumberFormatException e) {
        throw new CairnException(
            "CAIRN_ATTEST_TIMEOUT is not a number of seconds: " + timeout, "set it to e.g. 120");
      }
      return new Config(
          url(env, "CAIRN_ATTESTATION_URL"),
          required(env, "CAIRN_SESSION"),
          env.getOrDefault("CAIRN_SERVICE", "workload"),
          url(env, "CAIRN_PLATFORM_URL"),
          Path.of(env.getOrDefault("CAIRN_SECRETS_DIR", DEFAULT_SECRETS_DIR)),
          Duration.ofSeconds(seconds));
    }

    private static String required(Map<String, String> env, String name) throws CairnException {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        throw new CairnException(
            name + " is not set",
            "set it in the agent container's environment (the enclave step does)");
      }
      return v.strip();
    }

    private static URI url(Map<String, String> env, String name) throws CairnException {
      String v = required(env, name);
      try {
        URI u = new URI(v);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
          throw new java.net.URISyntaxException(v, "not http(s)");
        }
        return u;
      } catch (java.net.URISyntaxException e) {
        throw new CairnException(
            name + " is not an http(s) URL: " + v,
            "give the service's base URL, e.g. http://HOST:PORT");
      }
    }
  }

  /**
   * What an attestation gave.
   *
   * @param evidence the evidence the platform service made (its measurement, not the agent's)
   * @param policy the digest of the policy version that released the secrets
   * @param secrets the names of the secrets written
   */
  public record Outcome(Evidence evidence, dev.cairn.core.Digest policy, List<String> secrets) {
    public Outcome {
      secrets = List.copyOf(secrets);
    }
  }

  private Agent() {}

  /** Attests once and writes the released secrets; {@code log} gets progress (no secret). */
  public static Outcome run(Config c, PrintStream log) throws CairnException, InterruptedException {
    EnclaveKey key = EnclaveKey.generate();
    AttestationHttp.Client service = new AttestationHttp.Client(c.attestation());
    long deadline = System.nanoTime() + c.timeout().toNanos();
    byte[] nonce = retrying(deadline, log, () -> service.challenge(c.session(), c.service()));
    byte[] reportData = Attestations.reportData(nonce, key.publicKey());
    Evidence evidence = retrying(deadline, log, () -> evidence(c.platform(), reportData));
    log.println(
        "cairn-agent: the platform measured this pod as "
            + evidence.measurement()
            + (evidence.hardwareBacked() ? "" : " (" + Tees.SIMULATION_WARNING + ")"));
    AttestationService.Release r =
        service.release(c.session(), c.service(), nonce, evidence, key.publicKey());
    List<String> written = new ArrayList<>();
    try {
      Files.createDirectories(c.secretsDir());
      for (SealedSecret s : r.secrets()) {
        if (!SECRET_NAME.matcher(s.name()).matches()) {
          throw new CairnException(
              "the service released a secret named " + s.name() + ", which is not a file name",
              null);
        }
        Secret value = key.open(s);
        try {
          byte[] raw = value.bytes();
          try {
            Path f = c.secretsDir().resolve(s.name());
            AtomicFiles.write(f, raw, false);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
          } finally {
            java.util.Arrays.fill(raw, (byte) 0);
          }
        } finally {
          value.destroy();
        }
        written.add(s.name());
      }
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("session", c.session());
      record.put("service", c.service());
      record.put("policy", r.policy().toString());
      record.put("measurement", evidence.measurement().toString());
      record.put("tee", evidence.provider());
      record.put("hardwareBacked", evidence.hardwareBacked());
      if (!evidence.hardwareBacked()) {
        record.put("warning", Tees.SIMULATION_WARNING);
      }
      record.put("secrets", written);
      AtomicFiles.write(
          c.secretsDir().resolve(RECORD),
          Json.pretty(record).getBytes(StandardCharsets.UTF_8),
          false);
    } catch (IOException e) {
      throw new CairnException(
          "cannot write the secrets into " + c.secretsDir() + ": " + e.getMessage(),
          "mount a writable memory-backed volume there (emptyDir with medium: Memory)",
          e);
    }
    log.println(
        "cairn-agent: "
            + written.size()
            + " secret(s) written to "
            + c.secretsDir()
            + ": "
            + written
            + " (policy "
            + r.policy()
            + ")");
    return new Outcome(evidence, r.policy(), written);
  }

  /** Asks the platform service for evidence of the calling pod binding {@code reportData}. */
  static Evidence evidence(URI platform, byte[] reportData) throws AttestationException {
    String body =
        Json.canonical(Map.of("reportData", Base64.getEncoder().encodeToString(reportData)));
    try {
      HttpURLConnection conn =
          (HttpURLConnection) platform.resolve("/v1/evidence").toURL().openConnection();
      conn.setConnectTimeout(5_000);
      conn.setReadTimeout(180_000);
      conn.setRequestMethod("POST");
      conn.setDoOutput(true);
      conn.setRequestProperty("Content-Type", "application/json");
      try (OutputStream o = conn.getOutputStream()) {
        o.write(body.getBytes(StandardCharsets.UTF_8));
      }
      int status = conn.getResponseCode();
      InputStream in = status >= 400 ? conn.getErrorStream() : conn.getInputStream();
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (status != 200) {
        String why = text;
        try {
          why = String.valueOf(Json.parseObject(text).get("error"));
        } catch (IOException e) {
          // not JSON: the text itself
        }
        throw new AttestationException(
            "the platform service refused evidence: " + why.strip(), null);
      }
      try {
        return Evidence.parse(text);
      } catch (CairnException e) {
        throw new AttestationException(
            "the platform service answered without evidence: " + e.getMessage(), null, e);
      }
    } catch (IOException e) {
      throw new AttestationException(
          "cannot reach the platform service at " + platform + ": " + e.getMessage(),
          "check CAIRN_PLATFORM_URL and that the node's platform service runs",
          e);
    }
  }

  private interface Call<T> {
    T call() throws AttestationException;
  }

  /** Retries while the service can't be reached (not when it refuses), until the deadline. */
  private static <T> T retrying(long deadline, PrintStream log, Call<T> call)
      throws AttestationException, InterruptedException {
    long wait = 200;
    while (true) {
      try {
        return call.call();
      } catch (AttestationException e) {
        boolean unreachable = e.getCause() instanceof IOException;
        if (!unreachable || System.nanoTime() + wait * 1_000_000 > deadline) {
          throw e;
        }
        log.println("cairn-agent: " + e.getMessage() + "; trying again");
        Thread.sleep(wait);
        wait = Math.min(wait * 2, 5_000);
      }
    }
  }

  /** {@code fetch-workspace}: the Kubernetes Job executor's init container. */
  private static void fetchWorkspace() {
    WorkspaceFetch.Config c;
    try {
      c = WorkspaceFetch.Config.fromEnv(System.getenv());
    } catch (CairnException e) {
      System.err.println("cairn-agent: " + e.getMessage() + e.hint().map(h -> "; " + h).orElse(""));
      System.exit(2);
      return;
    }
    try {
      WorkspaceFetch.run(c, Duration.ofMinutes(2), System.err);
      System.exit(0);
    } catch (CairnException e) {
      System.err.println(
          "cairn-agent: "
              + e.getMessage()
              + e.hint().map(h -> "; " + h).orElse("")
              + "; the step does not run");
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    } finally {
      c.token().destroy();
    }
  }

  /**
   * The init container's entry point: attests (no argument), or with {@code fetch-workspace}
   * fetches a Job step's workspace ({@link WorkspaceFetch}).
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals(WorkspaceFetch.MODE)) {
      fetchWorkspace();
      return;
    }
    Config c;
    try {
      c = Config.fromEnv(System.getenv());
    } catch (CairnException e) {
      System.err.println("cairn-agent: " + e.getMessage() + e.hint().map(h -> "; " + h).orElse(""));
      System.exit(2);
      return;
    }
    try {
      run(c, System.err);
      System.exit(0);
    } catch (CairnException e) {
      System.err.println(
          "cairn-agent: attestation failed: "
              + e.getMessage()
              + e.hint().map(h -> "; " + h).orElse("")
              + "; the workload gets no secret");
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    }
  }
}
